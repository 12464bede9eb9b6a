#!/usr/bin/env bash
# Ctrl-C during apply, on a private libvirtd (QEMU under TCG) whose state
# outlives each hvctl process: hvctl starts nothing new, lets the VM under
# way finish, says what was done and not started, exits 130; the next apply
# converges.
# Usage: interrupt_apply.sh HVCTL SOURCE_DIR WORK_DIR
set -uo pipefail
HVCTL=$1 SRC=$2
source "$SRC/tests/e2e/lib.sh"
WORK=$(reachable_work_dir "$3")
E2E_TMP=$WORK/tmp
rm -rf "$E2E_TMP"; mkdir -p "$E2E_TMP"

private_libvirtd "$3"

spec() {  # spec NAME
  cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $1, labels: {suite: interrupt}}
spec:
  cpu: {count: 1}
  memory: {size: 64MiB}
  boot: {kernel: $WORK/guest/vmlinuz, ramdisk: $WORK/guest/initrd.cpio.gz, cmdline: console=ttyS0}
  power: running
EOS
}
for i in 1 2 3 4 5 6; do spec "int-$i"; done > "$E2E_TMP/fleet.yaml"

# Starts `hvctl ARGS` in the background with stderr through a FIFO, sends
# SIGINT once stderr shows the first create under way, and collects the rest.
# Sets $rc, $out (stdout) and $err (stderr).
apply_interrupted() {
  rm -f "$E2E_TMP/err.fifo"; mkfifo "$E2E_TMP/err.fifo"
  "$HVCTL" "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err.fifo" &
  pid=$!
  exec 3<"$E2E_TMP/err.fifo"
  : >"$E2E_TMP/err"
  while IFS= read -r line <&3; do
    printf '%s\n' "$line" >>"$E2E_TMP/err"
    case $line in *": create") kill -INT "$pid"; break ;; esac
  done
  cat <&3 >>"$E2E_TMP/err"
  exec 3<&-
  rc=0; wait "$pid" || rc=$?
  pid=
  out=$(cat "$E2E_TMP/out") err=$(cat "$E2E_TMP/err")
}

apply_interrupted --parallel 1 apply -f "$E2E_TMP/fleet.yaml" -o json
ok "an interrupted apply exits 130" [ "$rc" -eq 130 ]
ok "stderr says what was not started" contains "$err" "interrupted: not started: "
ok "stderr says what was under way" contains "$err" "interrupted: under way at the interrupt, then finished: int-1"
ok "the JSON document says interrupted" [ "$(json_get "$out" "d['interrupted']")" = True ]
ok "the VM under way finished" [ "$(json_get "$out" "[i['done'] for i in d['items'] if i['vm']=='int-1'][0]")" = "['created', 'started']" ]
ok "each VM not started is marked interrupted" [ "$(json_get "$out" "all(i.get('interrupted') for i in d['items'] if i['vm']!='int-1')")" = True ]
ok "not started VMs are not errors" [ "$(json_get "$out" "len(d.get('errors', []))")" = 0 ]
expect_exit 0 "list after the interrupt" -- list -o json
ok "not every VM exists" [ "$(json_get "$out" "len(d['items'])")" -lt 6 ]
ok "the one under way exists and runs" [ "$(json_get "$out" "[v['power'] for v in d['items'] if v['name']=='int-1'][0]")" = running ]

expect_exit 0 "the next apply converges" -- apply -f "$E2E_TMP/fleet.yaml"
expect_exit 0 "every VM is there" -- list -o json
ok "six VMs" [ "$(json_get "$out" "len(d['items'])")" = 6 ]
expect_exit 0 "plan --detailed-exitcode: in sync" -- plan -f "$E2E_TMP/fleet.yaml" --detailed-exitcode

# A second Ctrl-C while the first VM starts: hvctl stops waiting at once and
# names the VM whose request is in flight (or, if that start beat the signal,
# says it finished); either way exit 130, and the next apply converges.
expect_exit 0 "the fleet goes again" -- delete -f "$E2E_TMP/fleet.yaml"
rm -f "$E2E_TMP/err.fifo"; mkfifo "$E2E_TMP/err.fifo"
"$HVCTL" --parallel 1 apply -f "$E2E_TMP/fleet.yaml" >"$E2E_TMP/out" 2>"$E2E_TMP/err.fifo" &
pid=$!
exec 3<"$E2E_TMP/err.fifo"
while IFS= read -r line <&3; do
  case $line in *": create") kill -INT "$pid" ;; *": start") kill -INT "$pid"; break ;; esac
done
err=$(cat <&3); exec 3<&-
rc=0; wait "$pid" || rc=$?; pid=
ok "two Ctrl-Cs exit 130" [ "$rc" -eq 130 ]
ok "stderr names the VM that was in flight" grep -Eq "(requests still in flight for|then finished): int-1" <<<"$err"
# libvirtd finishes the abandoned start on its own (QEMU is started paused,
# then resumed): a plan read in between would see it paused.
expect_exit 0 "the abandoned start completes" -- wait int-1 --for running --timeout 60
expect_exit 0 "the next apply converges" -- apply -f "$E2E_TMP/fleet.yaml"
expect_exit 0 "plan --detailed-exitcode: in sync" -- plan -f "$E2E_TMP/fleet.yaml" --detailed-exitcode

# delete, interrupted the same way: what was not deleted is still there, and
# a second delete removes it.
rm -f "$E2E_TMP/err.fifo"; mkfifo "$E2E_TMP/err.fifo"
"$HVCTL" --parallel 1 delete -f "$E2E_TMP/fleet.yaml" >"$E2E_TMP/out" 2>"$E2E_TMP/err.fifo" &
pid=$!
exec 3<"$E2E_TMP/err.fifo"
while IFS= read -r line <&3; do case $line in *": delete") kill -TERM "$pid"; break ;; esac; done
err=$(cat <&3); exec 3<&-
rc=0; wait "$pid" || rc=$?; pid=
ok "SIGTERM during delete exits 130" [ "$rc" -eq 130 ]
ok "the table says what was not started" contains "$(cat "$E2E_TMP/out")" "NOT STARTED (interrupted)"
expect_exit 0 "the second delete finishes" -- delete -f "$E2E_TMP/fleet.yaml"
expect_exit 0 "list" -- list -o json
ok "no VMs left" [ "$(json_get "$out" "len(d['items'])")" = 0 ]

# destroy -l, interrupted once the first VM is gone: the VM under way is
# finished, the rest are not touched and still run, and destroy -l again
# removes exactly those.
expect_exit 0 "the fleet once more" -- apply -f "$E2E_TMP/fleet.yaml"
rm -f "$E2E_TMP/err.fifo"; mkfifo "$E2E_TMP/err.fifo"
"$HVCTL" --parallel 1 destroy -l suite=interrupt --yes -o json >"$E2E_TMP/out" 2>"$E2E_TMP/err.fifo" &
pid=$!
exec 3<"$E2E_TMP/err.fifo"
while IFS= read -r line <&3; do case $line in *": destroyed") kill -INT "$pid"; break ;; esac; done
err=$(cat <&3); exec 3<&-
rc=0; wait "$pid" || rc=$?; pid=
out=$(cat "$E2E_TMP/out")
ok "Ctrl-C during destroy -l exits 130" [ "$rc" -eq 130 ]
ok "stderr says what was not started" grep -Eq "^warning: interrupted: not started: int-[0-9]" <<<"$err"
kept=$(json_get "$out" "sorted(i['vm'] for i in d['items'] if not i['ok'])")
ok "the result marks the VMs not started" [ "$(json_get "$out" "all(i.get('interrupted') for i in d['items'] if not i['ok'])")" = True ]
ok "some were destroyed, some not" [ "$(json_get "$out" "0 < sum(1 for i in d['items'] if i['ok']) < 6")" = True ]
expect_exit 0 "list after the interrupted destroy" -- list -l suite=interrupt -o json
ok "exactly the VMs not destroyed remain, running" \
  [ "$(json_get "$out" "sorted(v['name'] for v in d['items'] if v['power'] == 'running')")" = "$kept" ]
expect_exit 0 "destroy -l again removes the rest" -- destroy -l suite=interrupt --yes
expect_exit 0 "list" -- list -o json
ok "no VMs left after destroy" [ "$(json_get "$out" "len(d['items'])")" = 0 ]
finish
