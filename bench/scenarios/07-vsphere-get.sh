#!/usr/bin/env bash
# summary: vcsim: hvctl get of one VM among BENCH_GET_VMS (2,000) vs govc vm.info -json
# Scenario 7, vSphere single-VM read: `hvctl get VM -o json` of one VM on a
# vcsim holding BENCH_GET_VMS (2,000) VMs (vcsim's own, made at its start with
# -vm: half on DC0_H0, half in DC0_C0's pool), against `govc vm.info -json VM`.
# Both keep their session between runs (govc in GOVMOMI_HOME/sessions, hvctl
# in XDG_CACHE_HOME/hvctl, here private to the scenario); one warm-up run each
# writes it. A second peer is hvctl with HVCTL_NO_SESSION_CACHE=1, which logs
# in and out every run: what the session cache saves.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-7.XXXXXX)
trap 'vcsim_stop "$W/sim"; rm -rf "$W"' EXIT
export VC_PASSWORD=pass XDG_CACHE_HOME=$W/cache
unset HVCTL_NO_SESSION_CACHE
VMS=${BENCH_GET_VMS:-2000}

vcsim_fresh "$W/sim" -vm $((VMS / 2))
VM=DC0_C0_RP0_VM$((VMS / 4))  # one in the middle
HVCTL_CONFIG=$W/sim/hvctl.yaml "$HVCTL" get "$VM" -o json | jq -e --arg vm "$VM" '.name == $vm' >/dev/null \
  || bench_die "hvctl get $VM failed"
have=$(HVCTL_CONFIG=$W/sim/hvctl.yaml "$HVCTL" list -o json | jq '.items | length')
[ "$have" -ge "$VMS" ] || bench_die "vcsim has $have VMs, wanted $VMS"
note "$have VMs on vcsim; the VM read is $VM"

measure hvctl "hvctl get ($have VMs)" "$(runs_or 10)" --warmup 1 -- \
  "HVCTL_CONFIG=$W/sim/hvctl.yaml $HVCTL get $VM -o json >/dev/null"
measure peer "govc vm.info -json" "$(runs_or 10)" --warmup 1 -- \
  ". $W/sim/env; $GOVC vm.info -json $VM >/dev/null"
measure peer "hvctl get, no session cache" "$(runs_or 10)" --warmup 1 -- \
  "HVCTL_NO_SESSION_CACHE=1 HVCTL_CONFIG=$W/sim/hvctl.yaml $HVCTL get $VM -o json >/dev/null"
