#!/usr/bin/env bash
# The CI smoke-test flow of examples/ci-smoke.sh, end to end against two real
# counterparts whose state outlives one hvctl process: libvirt's test driver
# served by a private libvirtd (one idle connection keeps its state alive
# between clients), and vcsim. For each: a passing check, a failing check,
# and a VM that never becomes ready; teardown must run every time.
# Usage: ci_smoke.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
HVCTL=$1 SRC=$2 WORK_ARG=$3 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
WORK=$(reachable_work_dir "$WORK_ARG")
E2E_TMP=$WORK/tmp
rm -rf "$E2E_TMP"; mkdir -p "$E2E_TMP"
SMOKE=$SRC/examples/ci-smoke.sh SPECS=$SRC/examples/ci-smoke/vms.yaml
export HVCTL

keeper=
cleanup() {
  exec 8>&-
  [ -n "$keeper" ] && kill "$keeper" 2>/dev/null
  "$SRC/tests/harness/libvirtd.sh" stop "$WORK/libvirtd" >/dev/null 2>&1
  "$SRC/tests/vcsim/vcsim.sh" stop "$WORK/vcsim" >/dev/null 2>&1
  [ "$WORK" = "$WORK_ARG" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# smoke RC NAME -- CHECK...: runs the example; passes when it exits RC.
smoke() {
  local want=$1 name=$2; shift 3
  local rc=0
  "$SMOKE" "$SPECS_UNDER_TEST" "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
  out=$(cat "$E2E_TMP/out") err=$(cat "$E2E_TMP/err")
  if [ "$rc" -eq "$want" ]; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "not ok - $name (exit $rc, wanted $want)"; sed 's/^/  /' "$E2E_TMP/out" "$E2E_TMP/err"; fi
}
ci_vms() { "$HVCTL" list -l env=ci -o json 2>/dev/null | python3 -c "import json,sys; print(' '.join(sorted(v['name'] + ':' + v['power'] for v in json.load(sys.stdin)['items'])))"; }
both_running() { [ "$(ci_vms)" = "ci-db:running ci-web:running" ]; }

# A spec whose VM never becomes ready on either backend: it asks for an IP
# address that nothing will report (no NIC on the test driver, no Tools on vcsim).
cat > "$E2E_TMP/never.yaml" <<EOS
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: ci-never, labels: {env: ci}}
spec:
  memory: {size: 128MiB}
  ready: {ip: true}
EOS

flow() {  # flow BACKEND: the same three runs against the current HVCTL_TARGET
  local b=$1
  SPECS_UNDER_TEST=$SPECS
  smoke 0 "$b: a passing check exits 0" -- bash -c "$(declare -f ci_vms both_running); both_running"
  ok "$b: the check saw both VMs running" contains "$err" "ci-web: settled"
  ok "$b: teardown removed them" test -z "$(ci_vms)"
  smoke 7 "$b: a failing check's exit code comes through" -- bash -c 'exit 7'
  ok "$b: teardown ran after the failing check" test -z "$(ci_vms)"
  SPECS_UNDER_TEST=$E2E_TMP/never.yaml READY_TIMEOUT=3
  export READY_TIMEOUT
  smoke 6 "$b: a VM that never becomes ready exits 6" -- true
  unset READY_TIMEOUT
  ok "$b: the timeout names the VM" contains "$err" "not settled after 3s: ci-never ("
  ok "$b: and what it lacks" contains "$err" "no IP address"
  ok "$b: teardown ran after the timeout" test -z "$(ci_vms)"
}

# libvirt's test driver, through a private libvirtd.
"$SRC/tests/harness/libvirtd.sh" stop "$WORK/libvirtd" >/dev/null 2>&1
"$SRC/tests/harness/libvirtd.sh" start "$WORK/libvirtd" >/dev/null || exit 1
uri=$(cat "$WORK/libvirtd/uri")
export HVCTL_TARGET=${uri/qemu+unix:\/\/\/session/test+unix:\/\/\/default} HVCTL_CONFIG=/dev/null
rm -f "$WORK/keeper.fifo"; mkfifo "$WORK/keeper.fifo"
virsh -c "$HVCTL_TARGET" <"$WORK/keeper.fifo" >/dev/null 2>&1 &
keeper=$!
exec 8>"$WORK/keeper.fifo"  # virsh stays connected until this closes
"$HVCTL" destroy test --yes >/dev/null  # the driver's own sample domain
flow libvirt-test

expect_exit 0 "libvirt-test: destroy -l on nothing left is fine" -- destroy -l env=ci --yes
ok "libvirt-test: and says so" contains "$err" "match the selector; nothing to destroy"

# vcsim.
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || exit 1
VCSIM_BIN=$VCSIM_BUILD/bin/vcsim "$SRC/tests/vcsim/vcsim.sh" start "$WORK/vcsim" >/dev/null || exit 1
cat > "$E2E_TMP/config.yaml" <<EOC
targets:
  vc: {type: vsphere, uri: "$(cat "$WORK/vcsim/url")", username: user, password_env: VC_PASSWORD, insecure: true}
default_target: vc
EOC
export HVCTL_CONFIG=$E2E_TMP/config.yaml VC_PASSWORD=pass
unset HVCTL_TARGET
flow vcsim

expect_exit 4 "vcsim: console explains that vcsim hands out no web console tickets" -- console DC0_H0_VM0
ok "vcsim: the message names the missing call" contains "$err" "hands out no web console tickets (AcquireTicket: MethodNotFound)"
finish
