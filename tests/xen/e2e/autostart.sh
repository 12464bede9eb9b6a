# Sourced by run.sh: hvctl autostart, as hvctl-autostart.service runs it at
# dom0 boot and shutdown. Three stopped guests; two say autostart, in order
# 1 (no pause) and 2; the third does not.
{ spec e2e-as-late pv sleep '  power: stopped
  autostart: {enabled: true, order: 2}'
  spec e2e-as-first pv sleep '  power: stopped
  autostart: {enabled: true, order: 1, delay: 0s}'
  spec e2e-as-manual pv sleep '  power: stopped'; } > autostart.yaml
run_rc 0 "apply three stopped guests, two marked autostart" -- apply -f autostart.yaml
run_rc 0 "autostart --dry-run says the order" -- autostart --dry-run -o json
check "first the one of order 1, then order 2; the unmarked one is not listed" \
  test "$(echo "$OUT" | sed -n 's/^ *"vm": "\(.*\)",*$/\1/p' | tr '\n' ' ')" = "e2e-as-first e2e-as-late "
check "and nothing was started" test -z "$(xl_view | grep e2e-as)"
run_rc 0 "autostart starts the marked guests" -- autostart
check "both run" test "$(xl_view | grep -c 'e2e-as-.* running')" = 2
check "the unmarked one stays stopped" test "$(hvctl_power e2e-as-manual)" = stopped
check "in their order (e2e-as-first got the lower domid)" test "$(xl domid e2e-as-first)" -lt "$(xl domid e2e-as-late)"
IDS="$(xl domid e2e-as-first) $(xl domid e2e-as-late)"
run_rc 0 "a second autostart changes nothing" -- autostart
check "it says they run already" contains "$OUT" "running already"
check "the same domains" test "$(xl domid e2e-as-first) $(xl domid e2e-as-late)" = "$IDS"
check "e2e-as-late booted" wait_for 120 console_has e2e-as-late "GUEST-MARKER: sleeping"
run_rc 0 "autostart --stop shuts them down gracefully, in the reverse order" -- autostart --stop --timeout 60
check "both are gone from xl" test -z "$(xl_view | grep e2e-as)"
check "e2e-as-late saw the poweroff request" console_has e2e-as-late "poweroff requested"
check "hvctl lists both as stopped" test "$(hvctl_power e2e-as-first) $(hvctl_power e2e-as-late)" = "stopped stopped"
run_rc 0 "delete the three" -- delete -f autostart.yaml
