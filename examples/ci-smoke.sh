#!/usr/bin/env bash
# A CI smoke test with hvctl: bring up the VMs that SPECS declare, wait until
# they are ready, run CHECK, and always tear the VMs down again, whether the
# check passed, failed, or the job was cancelled.
#
#   examples/ci-smoke.sh SPECS CHECK [ARGS...]
#   examples/ci-smoke.sh examples/ci-smoke/vms.yaml ./run-tests.sh
#
# SPECS is a spec file or a directory of them. Environment:
#   HVCTL          the hvctl binary (default: hvctl on PATH)
#   READY_TIMEOUT  how long to wait for the VMs to be ready (default 5m)
#   HVCTL_TARGET / HVCTL_CONFIG   where the VMs go, as for hvctl itself
#
# Exit: CHECK's exit code when the VMs came up; otherwise hvctl's:
#   3 a spec is invalid (nothing was created), 4/5 apply failed,
#   6 a VM was not ready within READY_TIMEOUT (hvctl names it and why).
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SPECS CHECK [ARGS...]" >&2; exit 3; }
specs=$1; shift
hvctl=${HVCTL:-hvctl}

teardown() {
  "$hvctl" delete -f "$specs" >&2 || echo "ci-smoke: teardown failed; remove the VMs with: $hvctl delete -f $specs" >&2
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$hvctl" apply -f "$specs" --wait --timeout "${READY_TIMEOUT:-5m}" || exit $?
"$@"
