#!/usr/bin/env bash
# xen_autostart_unit: systemd-analyze verify of hvctl-autostart.service with
# the built hvctl in it; and that its commands are ones hvctl takes: with
# --dry-run added, not a usage error (exit 3). Off a dom0 libxl:local is
# unreachable (exit 4), which says the options were read.
# Usage: autostart_unit.sh UNIT.in HVCTL   (77: no systemd-analyze here)
set -euo pipefail
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
sed "s|@HVCTL_BIN@|$2|g" "$1" > "$W/hvctl-autostart.service"
# What it Requires= is Xen's (Debian's xen-utils-common ships them); here
# stand-ins with the same names, so verify can load the unit. Units it is
# only ordered after need not exist. A syntax error or an unknown setting
# makes verify fail or print "Unknown ...".
mkdir "$W/units"
printf '[Mount]\nWhat=xenfs\nWhere=/proc/xen\nType=xenfs\n' > "$W/units/proc-xen.mount"
printf '[Service]\nExecStart=/bin/true\n' > "$W/units/xenstored.service"
out=$(SYSTEMD_UNIT_PATH="$W/units:" systemd-analyze verify --man=no "$W/hvctl-autostart.service" 2>&1) ||
  { echo "$out"; echo "FAIL: verify"; exit 1; }
if echo "$out" | grep -E 'Unknown|Failed to parse|Invalid|is not executable|not found'; then
  echo "FAIL: systemd-analyze verify complained"; exit 1
fi
echo "PASS: systemd-analyze verify accepts the unit${out:+ (notes: $(echo "$out" | tr '\n' ' '))}"
for line in ExecStart ExecStop; do
  cmd=$(sed -n "s|^$line=||p" "$W/hvctl-autostart.service")
  rc=0; err=$($cmd --dry-run 2>&1 >/dev/null) || rc=$?
  if [ "$rc" = 3 ] || [ "$rc" = 2 ]; then echo "FAIL: $line: '$cmd --dry-run' is refused (rc $rc): $err"; exit 1; fi
  echo "PASS: $line is a command hvctl takes ($cmd)"
done
