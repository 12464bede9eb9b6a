# Sourced by run.sh: readiness, consoles and teardown by label on real Xen.
# apply --wait must return only after the guest printed its ready marker on
# its console; a guest that never does makes apply exit 6 naming it.
spec e2e-ready pv sleep '  ready: {console: "GUEST-MARKER: sleeping"}' > ready.yaml
run_rc 0 "apply --wait: waits for the console marker" -- apply -f ready.yaml --wait --timeout 120
check "the marker was on the console when apply --wait returned" console_has e2e-ready "GUEST-MARKER: sleeping"
check "apply --wait says what made it ready" contains "$OUT" "console showed"
run_rc 0 "a later 'wait --for ready' sees the recorded marker" -- wait -f ready.yaml --for ready --timeout 10

CPU="{count: 1, max: 2}" MEMORY_MAX=192MiB spec e2e-console pv sleep > console.yaml  # (headroom: hot_changes.sh)
run_rc 0 "apply a guest without waiting" -- apply -f console.yaml
# Once the guest reads its console (its marker is in xenconsoled's log), a
# line typed into hvctl console comes back in under a second; 5 s is margin.
check "e2e-console booted" wait_for 120 console_has e2e-console "GUEST-MARKER: sleeping"
echo echo-probe > probe.txt
run_rc 0 "console relays input and the guest's answer, detaching after --timeout" -- console e2e-console --timeout 5 < probe.txt
check "console output shows the guest's answer" contains "$OUT" "GUEST-ECHO: echo-probe"
contains "$OUT" "GUEST-ECHO: echo-probe" ||
  { echo "console output:"; echo "$OUT" | tail -5; echo "its xenconsoled log:"; tail -5 /var/log/xen/console/guest-e2e-console.log; }
. ./hot_changes.sh

spec e2e-never pv sleep '  ready: {console: "NEVER-PRINTED"}' > never.yaml
run_rc 6 "apply --wait of a guest that never becomes ready times out (exit 6)" -- apply -f never.yaml --wait --timeout 6
check "the timeout names the VM and why" contains "$(cat /tmp/stderr)" "e2e-never (running; its console has not shown 'NEVER-PRINTED' yet)"

run_rc 0 "delete -f removes what ready.yaml declares" -- delete -f ready.yaml
check "e2e-ready is gone from xl" gone_from_xl e2e-ready
run_rc 0 "destroy -l suite=e2e-xen removes the rest" -- destroy -l suite=e2e-xen --yes
check "e2e-console is gone from xl" gone_from_xl e2e-console
check "e2e-never is gone from xl" gone_from_xl e2e-never
