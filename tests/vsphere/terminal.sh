#!/usr/bin/env bash
# What an operator sees on stderr, against vcsim, end to end:
#  - on a real terminal (a tmux pane, read with capture-pane), apply keeps
#    one live status line (done/total, in flight, failed, elapsed) below the
#    progress lines, and removes it when the run ends; vcsim answers
#    CreateVM_Task slowly (-method-delay), so the work is in flight long
#    enough to be seen, and the test waits on what the pane shows;
#  - through a pipe there is no status line and no terminal control code;
#  - "TLS verification is off" comes once per target and run, however many
#    connections the run opens, and never from validate;
#  - -v logs the config file, the target's resolution and each backend call
#    with its duration; without -v none of that.
# Usage: terminal.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
BIN=$1 SRC=$2 WORK=$3 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
E2E_TMP=$WORK/tmp
rm -rf "$WORK"; mkdir -p "$E2E_TMP"
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || { echo "cannot build vcsim"; exit 1; }
export HVCTL_LOCK_DIR=$WORK/locks XDG_CACHE_HOME=$WORK/cache
HVCTL=$(bounded_hvctl "$BIN" "$WORK")
TMUX_SOCKET=$WORK/tmux.sock
cleanup() {
  tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null
  "$SRC/tests/vcsim/vcsim.sh" stop "$WORK/sim" >/dev/null 2>&1
}
trap cleanup EXIT

export VC_PASSWORD=terminal-test-pass
VCSIM_PASS=$VC_PASSWORD VCSIM_BIN=$VCSIM_BUILD/bin/vcsim \
  "$SRC/tests/vcsim/vcsim.sh" start "$WORK/sim" -method-delay CreateVM_Task:3000 >/dev/null || exit 1
cat > "$E2E_TMP/config.yaml" <<EOC
targets:
  vc: {type: vsphere, uri: "$(cat "$WORK/sim/url")", username: user, password_env: VC_PASSWORD, insecure: true, parallel: 4}
EOC
export HVCTL_CONFIG=$E2E_TMP/config.yaml
specs() {  # specs N PREFIX
  local i
  for ((i = 0; i < $1; i++)); do
    printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s-%d}\n' "$2" "$i"
    printf 'spec: {target: vc, cpu: {count: 1}, memory: {size: 32MiB}}\n'
  done
}
wait_until() {  # wait_until SECONDS CMD...: polls CMD every 0.2 s
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}

echo "# the live status line on a terminal"
specs 3 tty > "$E2E_TMP/tty.yaml"
pane() { tmux -S "$TMUX_SOCKET" capture-pane -p -t status; }
pane_has() { pane > "$E2E_TMP/pane" && grep -qE -- "$1" "$E2E_TMP/pane"; }
tmux -S "$TMUX_SOCKET" new-session -d -s status -x 160 -y 40 \
  "env HVCTL_CONFIG=$HVCTL_CONFIG HVCTL_LOCK_DIR=$HVCTL_LOCK_DIR XDG_CACHE_HOME=$XDG_CACHE_HOME VC_PASSWORD=$VC_PASSWORD \
   $HVCTL --parallel 1 apply -f $E2E_TMP/tty.yaml; echo EXIT=\$?; sleep 600"
ok "while the first VM is created: 0/3 done, 1 in flight" wait_until 30 pane_has '^apply: 0/3 done, 1 in flight, [0-9]+s$'
ok "elapsed time counts up while nothing changes" wait_until 10 pane_has '^apply: [0-9]/3 done, 1 in flight, [1-9][0-9]*s$'
ok "then 1/3 done, below the progress lines" wait_until 30 pane_has '^apply: [12]/3 done, 1 in flight, [0-9]+s$'
ok "the run ends (exit 0)" wait_until 60 pane_has '^EXIT=0$'
pane > "$E2E_TMP/final"
ok "the status line is gone at the end" bash -c '! grep -q "in flight" "$1"' _ "$E2E_TMP/final"
ok "each progress line stands alone" bash -c '[ "$(grep -c "^tty-[0-2]: create$" "$1")" = 3 ]' _ "$E2E_TMP/final"
ok "the result table follows" grep -qE '^tty-2 +vc +create +created' "$E2E_TMP/final"
ok "the TLS warning, once" bash -c '[ "$(grep -c "TLS verification is off" "$1")" = 1 ]' _ "$E2E_TMP/final"
[ "$failed" = 0 ] || { echo "  pane:"; sed 's/^/  | /' "$E2E_TMP/pane"; }

echo "# through a pipe"
specs 6 pipe > "$E2E_TMP/pipe.yaml"
expect_exit 0 "apply of 6 VMs, 4 at a time" -- apply -f "$E2E_TMP/pipe.yaml"
ok "no status line" bash -c '! grep -q "in flight" <<<"$1"' _ "$err"
ok "no terminal control codes" bash -c '! grep -q $'"'"'\033'"'"' <<<"$1"' _ "$err"
ok "plain progress lines" bash -c '[ "$(grep -c "^pipe-[0-5]: create$" <<<"$1")" = 6 ]' _ "$err"
ok "the TLS warning once, with 4 connections" bash -c '[ "$(grep -c "^warning: target .vc.: TLS verification is off" <<<"$1")" = 1 ]' _ "$err"
ok "without -v no call log" bash -c '! grep -q "^\[[0-9.]*s\]" <<<"$1"' _ "$err"
expect_exit 0 "validate against the insecure target" -- validate -f "$E2E_TMP/pipe.yaml"
ok "validate contacts nothing and warns of nothing" test -z "$err"

echo "# -v"
expect_exit 0 "get -v" -- -v get pipe-0
ok "the config file" grep -qF "config: $HVCTL_CONFIG (1 target)" <<<"$err"
ok "how the target was chosen" grep -qE "^\[[0-9.]+s\] target 'vc' \(vsphere https://127\.0\.0\.1:[0-9]+/sdk\): named by --target|the config's only target" <<<"$err"
ok "the lookup, with its duration" grep -qE "^\[[0-9.]+s\] target 'vc': lookup pipe-0: [0-9.]+ ms, (running|stopped)$" <<<"$err"
ok "no SOAP at -v" bash -c '! grep -q "soap #" <<<"$1"' _ "$err"
expect_exit 0 "get -vv" -- -vv get pipe-0
ok "-vv: each SOAP call" grep -qE "^\[[0-9.]+s\] soap #[0-9]+ RetrievePropertiesEx: HTTP 200" <<<"$err"
ok "-vv: the password appears nowhere" bash -c '! grep -qF "$1" <<<"$2$3"' _ "$VC_PASSWORD" "$out" "$err"
expect_exit 8 "get -v of a missing VM" -- -v get no-such-vm
ok "the lookup says there is none" grep -qE "lookup no-such-vm: [0-9.]+ ms, no such VM$" <<<"$err"
finish
