#!/bin/sh
# End to end on real Xen, inside dom0: hvctl against libxl:local, checked
# against xl at every step.
cd "$(dirname "$0")" && . ./lib.sh
T0=$(uptime_s)

# PVH guests here run under QEMU/TCG's nested SVM, and now and then one
# triple-faults right after an intercepted instruction (QEMU 7.2 saves no
# next-RIP, and a #VMEXIT racing the other vCPU's thread can corrupt the
# guest's state; PV guests take no SVM exits and never do). Seen after the
# PIT port reads of the kernel's TSC calibration (a PVH guest has no PIT, so
# the loop runs ~100k reads), x2APIC EOI writes and PCI config reads; with
# Xen's default TSC mode every rdtsc traps too, and 4 of 4 PVH boots failed
# beside a booting PV guest, against 3 of 4 booting with tsc_mode native
# (2026-12-01; tests/xen/pvh_probe measures it). So PVH guests run with
# xen.tscMode native and onReboot: restart (a triple fault is a reboot to
# Xen); hvctl's PVH domain is checked in xl's own view of its configuration,
# whatever the guest does; its boot is required unless Xen logged triple
# faults, and then the skip is said and a PV guest takes its place; list
# comparisons let a restart settle (agree). Destroying e2e-pvh while its
# monitor restarts it must still leave nothing behind.
FAULTS0=$(triple_faults)
{ spec e2e-pv pv sleep; spec e2e-pvh pvh sleep; } > fleet.yaml

run_rc 2 "plan before apply: changes pending" -- plan -f fleet.yaml --detailed-exitcode
run_rc 0 "apply creates the PV and the PVH guest" -- apply -f fleet.yaml
t0=$(uptime_s)
# (xl has no configuration to show while a faulted guest is being restarted)
xl_config() { XL_PVH=$(xl list -l e2e-pvh 2>/dev/null) && contains "$XL_PVH" '"b_info"'; }
wait_for 15 xl_config
check "xl sees e2e-pvh as a PVH domain" contains "$XL_PVH" '"type": "pvh"'
check "with the native TSC its spec asks for" contains "$XL_PVH" '"tsc_mode": "native"'
booted() { wait_for 120 console_has "$1" "GUEST-MARKER: sleeping"; }
if booted e2e-pv; then ok "e2e-pv booted ($(since "$t0")s after apply)"
else bad "e2e-pv console shows no boot marker"; tail -5 /var/log/xen/console/guest-e2e-pv.log; fi
if booted e2e-pvh; then ok "e2e-pvh booted ($(since "$t0")s after apply, $(($(triple_faults) - FAULTS0)) triple faults)"
elif [ "$(triple_faults)" -gt "$FAULTS0" ]; then
  echo "SKIP: e2e-pvh did not boot in 120 s: $(($(triple_faults) - FAULTS0)) triple faults in xl dmesg (QEMU/TCG nested SVM); a PV guest takes its place"
  run_rc 0 "destroy the faulting PVH guest" -- destroy e2e-pvh --yes
  { spec e2e-pv pv sleep; spec e2e-pvh pv sleep; } > fleet.yaml
  run_rc 0 "apply e2e-pvh again as a PV guest" -- apply -f fleet.yaml
  if booted e2e-pvh; then ok "e2e-pvh booted as PV"; else bad "e2e-pvh (PV) console shows no boot marker"; fi
else bad "e2e-pvh console shows no boot marker, and Xen logged no triple fault"; tail -5 /var/log/xen/console/guest-e2e-pvh.log; fi
agree "after apply"
check "both are running in xl" test "$(echo "$AGREED" | grep -c running)" = 2
PV_ID=$(xl domid e2e-pv) PVH_ID=$(xl domid e2e-pvh) FAULTS1=$(triple_faults)

run_rc 0 "plan after apply: nothing to do" -- plan -f fleet.yaml --detailed-exitcode
run_rc 0 "second apply succeeds" -- apply -f fleet.yaml
IDS="$(xl domid e2e-pv) $(xl domid e2e-pvh)"
if [ "$IDS" = "$PV_ID $PVH_ID" ]; then ok "second apply is a no-op (same domids)"
elif [ "${IDS% *}" = "$PV_ID" ] && [ "$(triple_faults)" -gt "$FAULTS1" ]; then
  echo "SKIP: e2e-pvh was restarted after a triple fault, so only e2e-pv's domid is compared"
  ok "second apply left e2e-pv alone (same domid)"
else bad "second apply is a no-op: domids $IDS, were $PV_ID $PVH_ID"; fi
agree "after the second apply"

# A change Xen cannot make to the running PV guest (UEFI needs HVM): plan
# marks it impossible, and apply leaves the guest running as it was, the
# rest of the spec (a second vCPU) not made either.
printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: e2e-pv}\nspec: {firmware: uefi, cpu: {count: 2}}\n' > impossible.yaml
run_rc 7 "plan marks uefi on the running PV guest impossible (exit 7)" -- plan -f impossible.yaml
check "plan says why" contains "$OUT" "firmware uefi needs xen.type hvm"
run_rc 7 "apply leaves the impossible change undone (exit 7)" -- apply -f impossible.yaml
check "e2e-pv still runs, untouched (same domid)" test "$(xl domid e2e-pv)" = "$PV_ID"
check "e2e-pv kept its one vCPU" test "$(xl vcpu-list e2e-pv | tail -n +2 | wc -l)" = 1
# What the host offers, against xl's own view.
run_rc 0 "hosts" -- hosts -o json
xl_info() { xl info | sed -n "s/^$1 *: //p"; }
check "hosts says the Xen version xl info says" contains "$OUT" "\"product\": \"Xen $(xl_info xen_version)\""
check "hosts counts xl's CPUs" contains "$OUT" "\"cpus\": $(xl_info nr_cpus)"
check "hosts counts the two guests" contains "$OUT" '"vms": 2'
if ip link add hvctl-e2e-br type bridge 2>/dev/null; then
  run_rc 0 "networks" -- networks -o json
  check "networks lists the dom0's bridge" contains "$OUT" '"name": "hvctl-e2e-br"'
  ip link del hvctl-e2e-br
else
  run_rc 0 "networks (no bridge can be made in this dom0: listed as it is)" -- networks -o json
fi
run_rc 0 "storage" -- storage
check "storage shows the state directory" contains "$OUT" "/var/lib/hvctl/xen"

run_rc 0 "get e2e-pv" -- get e2e-pv -o json
check "labels are kept" contains "$OUT" '"suite": "e2e-xen"'
check "get says which host runs it" contains "$OUT" "\"host\": \"$(hostname)\""
check "get says when it booted (xenstore start_time)" contains "$OUT" '"bootedAt": "20' 

run_rc 0 "stop e2e-pv gracefully" -- stop e2e-pv --timeout 60
check "the guest saw the poweroff request" console_has e2e-pv "poweroff requested"
check "e2e-pv is gone from xl" gone_from_xl e2e-pv
check "hvctl lists e2e-pv as stopped" test "$(hvctl_power e2e-pv)" = stopped
agree "after stop"

run_rc 0 "destroy e2e-pvh" -- destroy e2e-pvh --yes
check "e2e-pvh is gone from xl" gone_from_xl e2e-pvh
check "hvctl no longer lists e2e-pvh" test "$(hvctl_power e2e-pvh)" = absent
agree "after destroy"

run_rc 0 "start e2e-pv again from its record" -- start e2e-pv
check "e2e-pv runs again" test "$(hvctl_power e2e-pv)" = running
run_rc 0 "pause e2e-pv" -- pause e2e-pv
agree "after pause"
check "hvctl says paused" test "$(hvctl_power e2e-pv)" = paused
run_rc 0 "resume e2e-pv" -- resume e2e-pv
agree "after resume"

run_rc 0 "force stop" -- stop e2e-pv --force
check "e2e-pv is gone from xl" gone_from_xl e2e-pv

# A guest that powers itself off: hvctl-xen-monitor applies on_poweroff=destroy.
# If it does not go away, the same guest started by xl is the control: when
# xl's own monitor cannot finish it either, the environment is at fault and
# the step is skipped, not failed.
spec e2e-selfoff pv off > selfoff.yaml
run_rc 0 "apply a guest that powers itself off" -- apply -f selfoff.yaml
t0=$(uptime_s)
if wait_for 90 gone_from_xl e2e-selfoff; then
  ok "the monitor destroyed it after its poweroff ($(since "$t0")s)"
  check "hvctl lists it as stopped" test "$(hvctl_power e2e-selfoff)" = stopped
  agree "after the guest's own poweroff"
else
  cat /var/lib/hvctl/xen/e2e-selfoff.monitor.log
  printf 'name="xl-selfoff"\ntype="pv"\nkernel="/guest/vmlinux"\nramdisk="/guest/guest.cpio.gz"\nmemory=128\nextra="console=hvc0 quiet"\n' > xl-selfoff.cfg
  xl create -q xl-selfoff.cfg
  if wait_for 60 gone_from_xl xl-selfoff; then bad "e2e-selfoff still exists, but xl's own self-poweroff guest went away"
  else echo "SKIP: guest-initiated poweroff: neither hvctl's nor xl's guest finished here (QEMU/TCG)"; fi
  xl destroy xl-selfoff 2>/dev/null
fi

run_rc 0 "destroy the rest" -- destroy e2e-pv e2e-selfoff --yes
check "no VMs left" test -z "$(hvctl_view)$(xl_view)"

. ./wait_ready.sh
. ./bad_boot.sh
. ./devices.sh
. ./provision.sh
. ./autostart.sh

echo "e2e_xen: $(since "$T0")s in dom0"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
