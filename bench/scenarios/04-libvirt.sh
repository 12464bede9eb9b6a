#!/usr/bin/env bash
# summary: test:///default: define+start BENCH_VMS VMs, hvctl apply vs virsh < file
# Scenario 4, libvirt: define and start BENCH_VMS (1,000) VMs on libvirt's
# test driver (test:///default, in-process, fresh for every process) with one
# `hvctl apply`, against one `virsh` process reading a command file of
# `define FILE` + `start NAME` lines. The domain XML virsh defines is what
# `hvctl convert --to libvirt` makes of the same specs, so both sides define
# the same domains.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-4.XXXXXX)
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/xml"
for n in $(vm_names "$BENCH_VMS"); do
  cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $n}
spec:
  cpu: {count: 1}
  memory: {size: 64MiB}
  nics: [{id: eth0, network: default}]
  power: running
EOS
done > "$W/fleet.yaml"
HVCTL_CONFIG=/dev/null "$HVCTL" convert "$W/fleet.yaml" --to libvirt --output-dir "$W/xml" >/dev/null
for n in $(vm_names "$BENCH_VMS"); do
  f=$(ls "$W/xml/$n".* 2>/dev/null | head -1)
  [ -n "$f" ] || bench_die "hvctl convert wrote no file for $n in $W/xml"
  printf 'define %s\nstart %s\n' "$f" "$n"
done > "$W/virsh.cmds"

measure hvctl "hvctl apply ($BENCH_VMS VMs)" "$(runs_or 5)" --warmup 1 -- \
  "HVCTL_CONFIG=/dev/null $HVCTL apply -q --target test:///default -f $W/fleet.yaml >/dev/null"
measure peer "virsh < command file" "$(runs_or 5)" --warmup 1 -- \
  "virsh -q -c test:///default < $W/virsh.cmds >/dev/null"
# virsh keeps going after a failed command; make sure none failed.
errors=$(virsh -q -c test:///default < "$W/virsh.cmds" 2>&1 >/dev/null | head -3)
[ -z "$errors" ] || bench_die "virsh reported: $errors"
