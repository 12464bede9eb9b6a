# Sourced by wait_ready.sh while e2e-console runs, booted with headroom (1 of
# cpu.max 2 vCPUs, 128MiB of memory.max 192MiB): vCPUs and memory change on
# the running guest, which sees them (it answers "state" typed on its console
# with GUEST-STATE: its online CPUs and MemTotal), and xl agrees; a change
# beyond the ceiling is planned as a restart, with the reason.
# (wait_for N polls 2N times: with the console's 2 s each, about 2.5N s)
guest_state() {  # guest_state NAME: the guest's last GUEST-STATE answer, in $STATE
  echo state > state.txt
  STATE=$($HV console "$1" --timeout 2 < state.txt | tr -d '\r' | grep '^GUEST-STATE' | tail -1)
}
state_has() { guest_state "$1"; contains "$STATE" "$2"; }
xl_vcpus() { xl list "$1" | awk 'NR == 2 {print $4}'; }
xl_mem() { xl list "$1" | awk 'NR == 2 {print $3}'; }
hot_spec() { CPU="{count: $1, max: 2}" MEMORY=$2 MEMORY_MAX=192MiB spec e2e-console pv sleep; }

ID=$(xl domid e2e-console)
check "the guest starts with one vCPU online" state_has e2e-console "cpus=0 "
check "xl counts one vCPU" test "$(xl_vcpus e2e-console)" = 1
hot_spec 2 128MiB > hot.yaml
run_rc 2 "plan: a second vCPU is a change" -- plan -f hot.yaml --detailed-exitcode
check "it is hot: no restart" contains "$OUT" "cpu.count 1 -> 2"
check "and says no restart" test "$(echo "$OUT" | grep -c 'needs restart')" = 0
run_rc 0 "apply brings the second vCPU online" -- apply -f hot.yaml
check "the same domain (no restart)" test "$(xl domid e2e-console)" = "$ID"
check "the guest sees CPUs 0-1 online" wait_for 8 state_has e2e-console "cpus=0-1 "
check "xl counts two vCPUs" wait_for 10 eval '[ "$(xl_vcpus e2e-console)" = 2 ]'
hot_spec 1 160MiB > hot.yaml
run_rc 0 "apply takes one vCPU offline and raises memory within memory.max" -- apply -f hot.yaml
check "still the same domain" test "$(xl domid e2e-console)" = "$ID"
check "the guest sees CPU 0 only" wait_for 8 state_has e2e-console "cpus=0 "
check "xl shows 160 MiB" wait_for 20 eval '[ "$(xl_mem e2e-console)" -ge 158 ]'
guest_state e2e-console
MEM0=$(echo "$STATE" | sed -n 's/.*memtotal=\([0-9]*\).*/\1/p')
hot_spec 1 96MiB > hot.yaml
run_rc 0 "apply lowers memory (the balloon gives it back)" -- apply -f hot.yaml
check "xl shows 96 MiB" wait_for 20 eval '[ "$(xl_mem e2e-console)" -le 97 ]'
check "the guest's MemTotal shrank by about 64 MiB" wait_for 8 eval \
  'guest_state e2e-console; m=$(echo "$STATE" | sed -n "s/.*memtotal=\([0-9]*\).*/\1/p"); [ -n "$m" ] && [ $((MEM0 - m)) -ge 60000 ]'
hot_spec 3 96MiB > hot.yaml
run_rc 3 "a count above cpu.max is refused by the spec's own check" -- plan -f hot.yaml
printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: e2e-console}\nspec: {cpu: {count: 3}}\n' > beyond.yaml
run_rc 2 "plan: three vCPUs, beyond the ceiling of 2, need a restart" -- plan -f beyond.yaml --detailed-exitcode
check "it says why" contains "$OUT" "needs restart: above the 2 cpu.max it booted with"
check "and nothing changed" test "$(xl domid e2e-console)" = "$ID"
