# Helpers for scenarios that run inside the test dom0 (busybox sh).
PASS=0 FAIL=0
HV="hvctl --target libxl:local"
uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(uptime_s) $1" | awk '{printf "%.2f", $1 - $2}'; }

ok() { PASS=$((PASS + 1)); echo "PASS: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# run_rc WANT DESCRIPTION -- hvctl ARGS...: runs hvctl, keeps stdout in $OUT
run_rc() {
  want=$1 d=$2; shift 3
  t0=$(uptime_s)
  OUT=$($HV "$@" 2>/tmp/stderr); rc=$?
  if [ "$rc" = "$want" ]; then ok "$d (rc $rc, $(since "$t0")s)"; else bad "$d: rc $rc, want $want"; cat /tmp/stderr; echo "$OUT"; fi
}

# "name power" lines of running/paused domains as xl sees them, sorted
xl_view() {
  out=$(xl list) || return 1
  echo "$out" | awk 'NR > 1 && $1 != "Domain-0" {
    s = $5; p = (s ~ /s/ || s ~ /d/) ? "stopped" : (s ~ /p/ ? "paused" : "running")
    if (p != "stopped") print $1, p }' | sort
}
# the same from `hvctl list -o json` (items are indented by 6 spaces)
hvctl_view() {
  out=$($HV list -o json) || return 1
  echo "$out" | awk '/^      "name": / {gsub(/[",]/, "", $2); n = $2}
                          /^      "power": / {gsub(/[",]/, "", $2); if ($2 != "stopped") print n, $2}' | sort
}
hvctl_power() {  # hvctl_power NAME: its power in `hvctl list -o json`, or "absent"
  out=$($HV list -o json) || return 1
  echo "$out" | awk -v want="$1" '/^      "name": / {gsub(/[",]/, "", $2); n = $2}
    /^      "power": / {gsub(/[",]/, "", $2); if (n == want) {print $2; found = 1}} END {if (!found) print "absent"}'
}
# agree STEP: hvctl's list and xl's agree. The two are read one after the
# other, so a domain that changes between them (a PVH guest restarted after a
# triple fault: see run.sh) is read again, for up to 15 s. AGREED keeps xl's.
agree() {
  n=30
  while a=$(xl_view) b=$(hvctl_view); [ "$a" != "$b" ] && [ $n -gt 0 ]; do n=$((n - 1)); sleep 0.5; done
  AGREED=$a
  if [ "$a" = "$b" ]; then ok "$1: hvctl list matches xl list ($(echo $a))"; else bad "$1: xl [$a] vs hvctl [$b]"; fi
}
# triple_faults: how many triple faults Xen has logged in this run (only
# HVM-container guests, PVH here, have them). Xen's 16 KiB console ring holds
# few of its register dumps, so each read clears it and the count is kept.
triple_faults() {
  n=$(xl dmesg -c | grep -c 'Triple fault')
  echo $(($(cat /tmp/triple-faults 2>/dev/null || echo 0) + n)) > /tmp/triple-faults
  cat /tmp/triple-faults
}
# wait_for SECONDS COMMAND...: polls every 0.5 s
wait_for() {
  n=$(($1 * 2)); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.5; n=$((n - 1)); done
  return 1
}
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
console_has() { grep -q "$2" "/var/log/xen/console/guest-$1.log" 2>/dev/null; }
gone_from_xl() { ! xl domid "$1" >/dev/null 2>&1; }

# spec NAME TYPE ACTION [EXTRA_YAML]: a tiny guest (guest_action=sleep or off).
# PVH guests get a native TSC: see run.sh. CPU (a cpu: mapping), MEMORY and
# MEMORY_MAX change its size.
spec() {
  cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $1, labels: {suite: e2e-xen}}
spec:
  cpu: ${CPU:-"{count: 1}"}
  memory: {size: ${MEMORY:-128MiB}${MEMORY_MAX:+, max: $MEMORY_MAX}}
  boot: {kernel: /guest/vmlinux, ramdisk: /guest/guest.cpio.gz, cmdline: "console=hvc0 quiet guest_action=$3"}
  xen: {type: $2, onPoweroff: destroy, onReboot: restart, onCrash: destroy$([ "$2" = pvh ] && echo ", tscMode: native")}
$4
EOS
}

# bridge_up NAME CIDR: a dom0 bridge with address CIDR, for guests' vifs
# (vif = ['bridge=NAME']). Forward delay 0: a port joins it forwarding, not
# after 15 s of learning (without STP too).
bridge_up() {
  ip link add "$1" type bridge && echo 0 > "/sys/class/net/$1/bridge/forward_delay" &&
    ip addr add "$2" dev "$1" && ip link set "$1" up
}
