#!/usr/bin/env bash
# summary: vcsim: no-op plan of BENCH_VMS VMs vs govc ls + vm.info
# Scenario 3, vSphere drift check: with the BENCH_VMS (1,000) VMs of scenario 2
# in place on one vcsim, a no-op `hvctl plan --detailed-exitcode` (exit 0: in
# sync) against what a govc script does: `govc ls` of the VM folder, then
# `govc vm.info -json` of each VM. A second peer asks for all of them in one
# `govc vm.info -json` process, the fastest a govc script can be.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-3.XXXXXX)
trap 'vcsim_stop "$W/sim"; rm -rf "$W"' EXIT
export VC_PASSWORD=pass

vsphere_fleet "$BENCH_VMS" > "$W/fleet.yaml"
vcsim_fresh "$W/sim"
HVCTL_CONFIG=$W/sim/hvctl.yaml "$HVCTL" apply -q -f "$W/fleet.yaml" >/dev/null

cat > "$W/govc-each.sh" <<EOS
. "$W/sim/env"
"$GOVC" ls /DC0/vm | while read -r vm; do "$GOVC" vm.info -json "\$vm" >/dev/null; done
EOS
cat > "$W/govc-all.sh" <<EOS
. "$W/sim/env"
"$GOVC" ls /DC0/vm | xargs "$GOVC" vm.info -json >/dev/null
EOS

measure hvctl "hvctl plan ($BENCH_VMS VMs, no changes)" "$(runs_or 5)" --warmup 1 -- \
  "HVCTL_CONFIG=$W/sim/hvctl.yaml $HVCTL plan --detailed-exitcode -f $W/fleet.yaml >/dev/null"
measure peer "govc ls + vm.info each" "$(runs_or 3)" -- "bash $W/govc-each.sh"
measure peer "govc ls + one vm.info of all" "$(runs_or 5)" --warmup 1 -- "bash $W/govc-all.sh"
