# Shared by bench/run and bench/scenarios/*.sh (sourced, bash).
#
# A scenario script prints one line per measured command:
#   RESULT <tab> ROLE <tab> LABEL <tab> MEDIAN_SECONDS <tab> RUNS
# ROLE is "hvctl" or "peer" (a scenario may have several peers, or none), and
# NOTE <tab> TEXT lines that bench/run shows under the scenario's row.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BUILD=${HVCTL_BUILD_DIR:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
HVCTL=$BUILD/hvctl
GOVC=$BUILD/vcsim/bin/govc
VCSIM=$BUILD/vcsim/bin/vcsim
BENCH_VMS=${BENCH_VMS:-1000}
BENCH_SPECS=${BENCH_SPECS:-10000}

bench_die() { echo "bench: $*" >&2; exit 1; }
result() { printf 'RESULT\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }
note() { printf 'NOTE\t%s\n' "$*"; }

# runs_or DEFAULT: BENCH_RUNS when set, else the scenario's default.
runs_or() { echo "${BENCH_RUNS:-$1}"; }

# measure ROLE LABEL RUNS [hyperfine options...] -- COMMAND
# Times COMMAND (a shell command line) RUNS times with hyperfine and prints
# its median as a RESULT line. A failing command fails the scenario.
measure() {
  local role=$1 label=$2 runs=$3; shift 3
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  local json; json=$(mktemp)
  if ! hyperfine --style basic --runs "$runs" "${opts[@]}" --export-json "$json" -- "$*" >&2; then
    rm -f "$json"; bench_die "'$label' failed (command: $*)"
  fi
  result "$role" "$label" "$(jq '.results[0].median' "$json")" "$runs"
  rm -f "$json"
}

# vcsim_fresh DIR [vcsim flags...]: (re)starts a vcsim in DIR, launched as
# tests/vcsim/vcsim.sh does, and writes DIR/hvctl.yaml, a config whose target
# "vc" is that vcsim.
vcsim_fresh() {
  local dir=$1; shift
  VCSIM_BIN=$VCSIM "$REPO/tests/vcsim/vcsim.sh" stop "$dir" >/dev/null 2>&1 || true
  VCSIM_BIN=$VCSIM VCSIM_START_TIMEOUT=${VCSIM_START_TIMEOUT:-120} "$REPO/tests/vcsim/vcsim.sh" start "$dir" "$@" >/dev/null
  printf 'targets:\n  vc: {type: vsphere, uri: "%s", username: user, password_env: VC_PASSWORD, insecure: true}\ndefault_target: vc\n' \
    "$(cat "$dir/url")" > "$dir/hvctl.yaml"
}
vcsim_stop() { VCSIM_BIN=$VCSIM "$REPO/tests/vcsim/vcsim.sh" stop "$1" >/dev/null 2>&1 || true; }

# vm_names N [PREFIX]: bench-0001 ... bench-N (PREFIX-0001 ...)
vm_names() { seq -f "${2:-bench}-%04g" 1 "$1"; }

# vsphere_fleet N [TARGET [PREFIX]]: N small VMs on vcsim's DC0_C0 (scenarios
# 2 and 3), one spec document each, with the settings the govc loop uses, on
# target TARGET (vc) and named PREFIX-0001... (bench-0001...).
vsphere_fleet() {
  local n
  for n in $(vm_names "$1" "${3:-bench}"); do
    cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $n}
spec:
  target: ${2:-vc}
  cpu: {count: 1}
  memory: {size: 64MiB}
  disks: [{id: root, size: 1GiB}]
  nics: [{id: eth0, network: "VM Network"}]
  power: running
  vsphere: {datacenter: DC0, cluster: DC0_C0, datastore: LocalDS_0, guestId: otherLinux64Guest}
EOS
  done
}
