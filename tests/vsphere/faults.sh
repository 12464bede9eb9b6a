#!/usr/bin/env bash
# Faults and races against vcsim, end to end with the built binary:
#  - a server that answers too slowly (vcsim -method-delay): hvctl gives up
#    after the target's timeout with a clear message, never hangs, names
#    every VM it could not finish, and the next apply converges;
#  - a server that freezes mid-apply (SIGSTOP) or dies (SIGKILL): the VMs
#    done are reported as done, the rest as failed, exit 5; after SIGCONT
#    the next apply converges without creating anything twice;
#  - two applies of the same specs at once: the second waits for the first
#    and then has nothing to do; with --lock-timeout it fails naming the holder;
#  - secrets: the password and the session cookie appear nowhere in -vv or
#    SOAP trace output, nor in error messages.
# (A session the server forgets is renewed: test_vsphere_vcsim_errors.cpp.)
# Every hvctl run is bounded by `timeout` (exit 124 = a hang, a failure).
# Usage: faults.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
BIN=$1 SRC=$2 WORK=$3 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
E2E_TMP=$WORK/tmp
rm -rf "$WORK"; mkdir -p "$E2E_TMP"
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || { echo "cannot build vcsim"; exit 1; }
GOVC=$VCSIM_BUILD/bin/govc
export HVCTL_LOCK_DIR=$WORK/locks
export XDG_CACHE_HOME=$WORK/cache  # sessions kept between runs: private to this test
unset HVCTL_NO_SESSION_CACHE

HVCTL=$(bounded_hvctl "$BIN" "$WORK")

sims=()
cleanup() {
  for dir in "${sims[@]}"; do
    kill -CONT "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null
    "$SRC/tests/vcsim/vcsim.sh" stop "$dir" >/dev/null 2>&1
  done
}
trap cleanup EXIT

PASSWORD='S3cret-Pa55-word'
export VC_PASSWORD=$PASSWORD
# start_sim NAME [vcsim flags]: a fresh simulator and a config for it (timeout $TIMEOUT).
start_sim() {
  local name=$1; shift
  local dir=$WORK/$name
  sims+=("$dir")
  VCSIM_PASS=$PASSWORD VCSIM_BIN=$VCSIM_BUILD/bin/vcsim "$SRC/tests/vcsim/vcsim.sh" start "$dir" "$@" >/dev/null
  cat > "$dir/config.yaml" <<EOF
targets:
  vc: {type: vsphere, uri: "$(cat "$dir/url")", username: user, password_env: VC_PASSWORD, insecure: true,
       timeout: ${TIMEOUT:-30s}, parallel: ${PARALLEL:-4}}
EOF
  export HVCTL_CONFIG=$dir/config.yaml
  SIM=$dir
}
# specs N PREFIX: N small VMs, powered on.
specs() {
  local i
  for ((i = 0; i < $1; i++)); do
    printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s-%d}\n' "$2" "$i"
    printf 'spec: {target: vc, cpu: {count: 1}, memory: {size: 32MiB}, power: running}\n'
  done
}
# vm_count PREFIX: how many VMs vcsim has whose name starts with PREFIX- (govc, not hvctl).
vm_count() { (source "$SIM/env"; "$GOVC" find / -type m -name "$1-*" | wc -l); }
# results: "ok-count failed-count" of an ApplyResult in $out.
results() { json_get "$out" "'%d %d' % (sum(1 for i in d['items'] if i['ok']), sum(1 for i in d['items'] if not i['ok']))"; }
# wait_until SECONDS CMD...: polls CMD every 0.2 s.
wait_until() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
has_vms() { [ "$(vm_count "$1")" -eq "$2" ]; }
# signal_mid_apply SIGNAL NAME: applies $E2E_TMP/NAME.yaml and sends SIGNAL to
# vcsim once a VM is done (a worker starts its next VM only when its last one
# is done: a third "create" means one is); sets rc, out and err.
signal_mid_apply() {
  "$HVCTL" apply -f "$E2E_TMP/$2.yaml" -o json > "$E2E_TMP/$2.out" 2> "$E2E_TMP/$2.err" &
  local pid=$!
  wait_until 30 bash -c '[ "$(grep -c ": create$" "$1")" -ge 3 ]' _ "$E2E_TMP/$2.err"
  kill "-$1" "$(cat "$SIM/pid")"
  rc=0; wait "$pid" || rc=$?
  out=$(cat "$E2E_TMP/$2.out") err=$(cat "$E2E_TMP/$2.err")
}

echo "# a server that answers too slowly"
TIMEOUT=2s PARALLEL=2 start_sim slow -method-delay CreateVM_Task:5000
specs 3 slow > "$E2E_TMP/slow.yaml"
expect_exit 4 "apply gives up after the target's timeout" -- apply -f "$E2E_TMP/slow.yaml" -o json
ok "the message says what timed out and what to do" contains "$out" "no answer within 2 s (the target's timeout option)"
ok "every VM is named as not done" test "$(results)" = "0 3"
ok "later requests fail at once instead of each waiting" contains "$out" "stopped answering earlier in this run"
ok "the two creates sent still happen on the server (the third was never sent)" wait_until 30 has_vms slow 2
sed -i 's/timeout: 2s/timeout: 30s/' "$SIM/config.yaml"
expect_exit 0 "the next apply converges (powers them on)" -- apply -f "$E2E_TMP/slow.yaml" -o json
ok "nothing was created twice" has_vms slow 3
expect_exit 0 "and a plan is clean" -- plan -f "$E2E_TMP/slow.yaml" --detailed-exitcode

echo "# a server that freezes mid-apply (SIGSTOP), then comes back (SIGCONT)"
TIMEOUT=3s PARALLEL=2 start_sim frozen -method-delay CreateVM_Task:400
specs 12 frz > "$E2E_TMP/frozen.yaml"
signal_mid_apply STOP frozen
ok "hvctl returns on its own with exit 5 (partial), not a hang (exit $rc)" test "$rc" = 5
read -r done_n failed_n <<<"$(results)"
ok "the VMs done before the freeze are reported done ($done_n), the rest failed ($failed_n)" \
  test "$done_n" -ge 1 -a "$failed_n" -ge 1 -a $((done_n + failed_n)) -eq 12
kill -CONT "$(cat "$SIM/pid")"
sed -i 's/timeout: 3s/timeout: 30s/' "$SIM/config.yaml"
# The creates sent before the freeze land once vcsim runs again: wait for as
# many VMs as hvctl sent creates (not an assertion: one the server never
# read is created by the next apply, which the checks below still hold to).
sent=$(grep -c ": create$" "$E2E_TMP/frozen.err" || true)
wait_until 30 has_vms frz "$sent" || echo "# only $(vm_count frz) of the $sent creates sent landed"
expect_exit 0 "after SIGCONT the next apply converges" -- apply -f "$E2E_TMP/frozen.yaml"
ok "each of the 12 VMs exists once" has_vms frz 12
expect_exit 0 "all running, plan clean" -- plan -f "$E2E_TMP/frozen.yaml" --detailed-exitcode

echo "# a server that dies mid-apply (SIGKILL)"
TIMEOUT=10s PARALLEL=2 start_sim killed -method-delay CreateVM_Task:400
specs 12 kil > "$E2E_TMP/killed.yaml"
signal_mid_apply KILL killed
ok "hvctl returns at once with exit 5 (exit $rc)" test "$rc" = 5
read -r done_n failed_n <<<"$(results)"
ok "done ($done_n) and failed ($failed_n) are both named" test "$done_n" -ge 1 -a "$failed_n" -ge 1
ok "the reason is the connection" grep -qiE "connect|reset|recv|empty reply" <<<"$out"

echo "# secrets in -vv and SOAP traces"
start_sim trace -method-delay CreateContainerView:2000
specs 2 trc > "$E2E_TMP/trace.yaml"
"$HVCTL" -vv apply -f "$E2E_TMP/trace.yaml" > "$E2E_TMP/trace.out" 2> "$E2E_TMP/trace.err" &
apply_pid=$!
# hvctl's session key (its user agent says hvctl/), which on vcsim is also its cookie.
hvctl_session() {
  key=$(source "$SIM/env"; "$GOVC" session.ls -json | python3 -c "
import json, sys
print(' '.join(s['Key'] for s in json.load(sys.stdin).get('SessionList') or [] if s['UserAgent'].startswith('hvctl/')))")
  [ -n "$key" ]
}
key=
wait_until 30 hvctl_session
rc=0; wait "$apply_pid" || rc=$?
ok "apply with -vv and a SOAP trace works (exit $rc)" test "$rc" = 0
ok "hvctl's session was seen on the server ($key)" test -n "$key"
ok "the password is in no output" bash -c '! grep -qF -- "$1" "$2" "$3"' _ "$PASSWORD" "$E2E_TMP/trace.err" "$E2E_TMP/trace.out"
ok "the session cookie is in no output" bash -c '! grep -qF -- "$1" "$2" "$3"' _ "$key" "$E2E_TMP/trace.err" "$E2E_TMP/trace.out"
ok "the Login request is traced, redacted" grep -q "<password>(redacted)</password>" "$E2E_TMP/trace.err"
ok "session-scoped morefs are traced without the key" grep -qF "session[(redacted)]" "$E2E_TMP/trace.err"

echo "# two applies of the same specs at once"
start_sim race -method-delay CreateVM_Task:1000
specs 6 race > "$E2E_TMP/race.yaml"
"$HVCTL" apply -f "$E2E_TMP/race.yaml" -o json > "$E2E_TMP/a.out" 2> "$E2E_TMP/a.err" &
first=$!
wait_until 30 grep -q ": create$" "$E2E_TMP/a.err"
expect_exit 0 "the second apply waits for the first" -- apply -f "$E2E_TMP/race.yaml" -o json
rc=0; wait "$first" || rc=$?
ok "the first apply succeeded (exit $rc)" test "$rc" = 0
ok "the second said whom it waited for" contains "$err" "target 'vc' is busy (hvctl apply, pid "
ok "and then had nothing to do" test "$(json_get "$out" "sum(1 for i in d['items'] if i['action'] != 'none')")" = 0
ok "no VM was created twice" has_vms race 6
sed 's/race-/late-/' "$E2E_TMP/race.yaml" > "$E2E_TMP/late.yaml"
"$HVCTL" apply -f "$E2E_TMP/late.yaml" > /dev/null 2> "$E2E_TMP/b.err" &
first=$!
wait_until 30 grep -q ": create$" "$E2E_TMP/b.err"
expect_exit 6 "with --lock-timeout 1s a busy target fails" -- --lock-timeout 1s apply -f "$E2E_TMP/late.yaml"
ok "naming the holder" contains "$err" "target 'vc' is busy: hvctl apply, pid "
wait "$first"
ok "a dry run never waits for the lock" bash -c 'exec 9>"$1"; flock 9; "$2" --lock-timeout 1s apply -f "$3" --dry-run >/dev/null' \
  _ "$(ls "$HVCTL_LOCK_DIR"/*.lock | head -1)" "$HVCTL" "$E2E_TMP/late.yaml"

echo "# secrets in error messages"
VC_PASSWORD=wrong-$PASSWORD HVCTL_NO_SESSION_CACHE=1 expect_exit 4 "a wrong password fails" -- list
ok "without echoing the password" bash -c '! grep -qF -- "$1" <<<"$2$3"' _ "wrong-$PASSWORD" "$out" "$err"
ok "naming the user and the fault" contains "$err" "login as 'user' failed: Login failure (InvalidLogin)"
finish
