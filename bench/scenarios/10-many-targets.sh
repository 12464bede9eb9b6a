#!/usr/bin/env bash
# summary: vcsim x10: apply and no-op plan of 10 targets of 2,000 VMs in one hvctl run vs one target alone
# Scenario 10, many targets in one run (issue #21): BENCH_TARGETS (10) vcsim
# instances, each to get BENCH_TARGET_VMS (2,000) VMs, all in one spec set
# and one config, applied and then planned by one hvctl process.
#
# On 2 cores, ten simulators are bound by CPU, where real vCenters are bound
# by latency. So every vcsim answers each call after BENCH_DELAY_MS (100 ms,
# vcsim's -delay: a loaded vCenter's round trip), and the scenario reports
# the CPU the simulators spent, to tell the overlap from the CPU's floor.
#
# The goal: the targets run in parallel, so one run of all of them takes
# about as long as the slowest target alone. The reference is the same
# command on one of the (identical) targets alone; a script that runs hvctl
# once per target would take the sum: measured for the plan, and for the
# apply 10x the one-target time (a 20-minute loop is not run).
#
# Limits kept: hvctl holds one session per target and runs at most the
# target's `parallel` (8) tasks on it at once, so at most 8 per host: within
# a host's 8 concurrent provisioning operations and vCenter's ~640
# concurrent operations and 2,000 sessions (VMware's published limits).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-10.XXXXXX)
TARGETS=${BENCH_TARGETS:-10}
VMS=${BENCH_TARGET_VMS:-2000}
DELAY=${BENCH_DELAY_MS:-100}
ids=$(seq -f '%02g' 1 "$TARGETS" | tr '\n' ' ')
stop_all() { local t; for t in $ids; do vcsim_stop "$W/vc$t"; done; }
trap 'stop_all; rm -rf "$W"' EXIT
export VC_PASSWORD=pass XDG_CACHE_HOME=$W/cache

for t in $ids; do
  vsphere_fleet "$VMS" "vc$t" "t$t" > "$W/fleet-vc$t.yaml"
  cat "$W/fleet-vc$t.yaml" >> "$W/fleet.yaml"
done

# fresh IDS...: new vcsims for those targets, and hvctl.yaml naming all of them.
cat > "$W/fresh.sh" <<EOS
source "$BENCH_DIR/lib.sh"
for t in "\$@"; do vcsim_fresh "$W/vc\$t" -delay $DELAY; done
{ echo targets:
  for t in $ids; do
    if [ -f "$W/vc\$t/pid" ]; then
      printf '  vc%s: {type: vsphere, uri: "%s", username: user, password_env: VC_PASSWORD, insecure: true}\n' \
        "\$t" "\$(cat "$W/vc\$t/url")"
    fi
  done; } > "$W/hvctl.yaml"
EOS
hv="HVCTL_CONFIG=$W/hvctl.yaml $HVCTL"

cpu_ticks() { local t s=0; for t in $ids; do [ -f "$W/vc$t/pid" ] && s=$((s + $(awk '{print $14 + $15}' "/proc/$(cat "$W/vc$t/pid")/stat"))); done; echo $s; }
seconds_since() { awk -v t=$(( $(cpu_ticks) - $1 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}'; }

# running IDS...: VMs powered on across those targets (one bulk read each:
# govc find would read every VM in a call of its own, 100 ms apiece).
running() {
  local t n=0
  for t in "$@"; do
    n=$((n + $(. "$W/vc$t/env"; "$GOVC" object.collect -s -type m / name runtime.powerState | paste - - |
               grep -c "^t$t-[0-9]*"$'\t'"poweredOn$" || true)))
  done
  echo $n
}

note "$TARGETS targets x $VMS VMs, every vcsim call answered after ${DELAY} ms (-delay $DELAY)"

# --- apply: one target alone, then all targets in one run -------------------------------------
bash "$W/fresh.sh" 01
one=$(measure peer "hvctl apply of one target ($VMS VMs)" 1 -- "$hv apply -q -f $W/fleet-vc01.yaml >/dev/null")
[ "$(running 01)" = "$VMS" ] || bench_die "after the apply of one target: $(running 01) of $VMS VMs running"
stop_all
# shellcheck disable=SC2086
bash "$W/fresh.sh" $ids
before=$(cpu_ticks)
measure hvctl "hvctl apply ($TARGETS targets x $VMS VMs, one run)" 1 -- \
  "$hv apply -q -f $W/fleet.yaml >/dev/null"
echo "$one"
note "apply of all: the simulators used $(seconds_since "$before") s of CPU"
note "an apply once per target, one after another, would take $TARGETS x the one-target time"
# shellcheck disable=SC2086
[ "$(running $ids)" = $((TARGETS * VMS)) ] || bench_die "after the apply of all targets: $(running $ids) of $((TARGETS * VMS)) VMs running"

# --- plan: the same inventory, nothing to do ---------------------------------------------------
before=$(cpu_ticks)
measure hvctl "hvctl plan ($TARGETS targets x $VMS VMs, no changes)" "$(runs_or 3)" --warmup 1 -- \
  "$hv plan --detailed-exitcode -f $W/fleet.yaml >/dev/null"
note "the plans of all: the simulators used $(seconds_since "$before") s of CPU in $(( $(runs_or 3) + 1 )) runs"
measure peer "hvctl plan of one target ($VMS VMs)" "$(runs_or 3)" --warmup 1 -- \
  "$hv plan --detailed-exitcode -f $W/fleet-vc01.yaml >/dev/null"
loop="for t in $ids; do $hv plan --detailed-exitcode -f $W/fleet-vc\$t.yaml >/dev/null || exit 1; done"
measure peer "hvctl plan once per target, one after another" 1 -- "$loop"
