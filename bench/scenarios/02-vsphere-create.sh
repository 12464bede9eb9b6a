#!/usr/bin/env bash
# summary: vcsim: create+power on BENCH_VMS VMs, hvctl apply vs a govc vm.create loop and xargs -P8 govc
# Scenario 2, vSphere: create and power on BENCH_VMS (1,000) VMs on vcsim from
# one spec file with `hvctl apply`, against a shell loop of `govc vm.create`
# with the same settings (1 vCPU, 64 MiB, a 1 GiB disk, one NIC on "VM
# Network", otherLinux64Guest, DC0_C0, LocalDS_0; govc powers on by default),
# and against the same govc command run 8 at a time by `xargs -P8` (hvctl's
# own default on a vCenter is 8 at a time). Every run starts from a fresh
# vcsim (not timed). At 5,000 VMs and more (issue #21's apply at scale) the
# govc runs are timed once each: the loop takes many minutes.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-2.XXXXXX)
trap 'vcsim_stop "$W/sim"; rm -rf "$W"' EXIT
export VC_PASSWORD=pass

vsphere_fleet "$BENCH_VMS" > "$W/fleet.yaml"
vm_names "$BENCH_VMS" > "$W/names"
cat > "$W/govc-loop.sh" <<EOS
. "$W/sim/env"
while read -r n; do
  "$GOVC" vm.create -c 1 -m 64 -disk 1GB -net "VM Network" -g otherLinux64Guest \\
    -dc DC0 -pool DC0_C0/Resources -ds LocalDS_0 -on=true "\$n" >/dev/null
done < "$W/names"
EOS
cat > "$W/govc-one.sh" <<EOS
. "$W/sim/env"
exec "$GOVC" vm.create -c 1 -m 64 -disk 1GB -net "VM Network" -g otherLinux64Guest \\
  -dc DC0 -pool DC0_C0/Resources -ds LocalDS_0 -on=true "\$1" >/dev/null
EOS
cat > "$W/fresh.sh" <<EOS
source "$BENCH_DIR/lib.sh"
vcsim_fresh "$W/sim"
EOS

measure hvctl "hvctl apply ($BENCH_VMS VMs)" "$(runs_or 5)" --prepare "bash $W/fresh.sh" -- \
  "HVCTL_CONFIG=$W/sim/hvctl.yaml $HVCTL apply -q -f $W/fleet.yaml >/dev/null"
# Check the last run's outcome: every VM exists and runs.
running=$(. "$W/sim/env"; "$GOVC" find . -type m -runtime.powerState poweredOn | grep -c '/bench-' || true)
[ "$running" = "$BENCH_VMS" ] || bench_die "after hvctl apply: $running of $BENCH_VMS VMs running"
govc_runs=$([ "$BENCH_VMS" -ge 5000 ] && echo 1 || runs_or 3)
measure peer "govc vm.create loop" "$govc_runs" --prepare "bash $W/fresh.sh" -- "bash $W/govc-loop.sh"
running=$(. "$W/sim/env"; "$GOVC" find . -type m -runtime.powerState poweredOn | grep -c '/bench-' || true)
[ "$running" = "$BENCH_VMS" ] || bench_die "after the govc loop: $running of $BENCH_VMS VMs running"
measure peer "xargs -P8 govc vm.create" "$govc_runs" --prepare "bash $W/fresh.sh" -- \
  "xargs -P8 -n1 bash $W/govc-one.sh < $W/names"
running=$(. "$W/sim/env"; "$GOVC" find . -type m -runtime.powerState poweredOn | grep -c '/bench-' || true)
[ "$running" = "$BENCH_VMS" ] || bench_die "after xargs -P8 govc: $running of $BENCH_VMS VMs running"
