#!/bin/sh
# PVH boot probe, run by hand inside the test dom0 (not a ctest):
#   tests/xen/harness/run-in-dom0.sh --cache build/xen-harness --timeout 900 tests/xen/pvh_probe
# For each TSC mode, 4 rounds of: xl creates a PV and a PVH guest at once,
# then waits up to 60 s for the PVH guest's boot marker. Prints per round
# whether it booted and how many triple faults Xen logged (QEMU/TCG's nested
# SVM corrupts a PVH guest's state now and then: see tests/xen/e2e/run.sh).
cd "$(dirname "$0")"
cfg() {
  printf 'name="%s"\ntype="%s"\nkernel="/guest/vmlinux"\nramdisk="/guest/guest.cpio.gz"\nmemory=128\n' "$1" "$2"
  printf 'on_reboot="destroy"\non_crash="destroy"\n%s\nextra="console=hvc0 quiet guest_action=sleep"\n' "$3"
}
booted() { grep -q "GUEST-MARKER: sleeping" "/var/log/xen/console/guest-$1.log" 2>/dev/null; }
faults() { xl dmesg -c | grep -c 'Triple fault'; }
faults >/dev/null
for mode in default native; do
  ok=0 total=0
  for i in 1 2 3 4; do
    cfg "pv$mode$i" pv "" > pv.cfg
    cfg "pvh$mode$i" pvh "tsc_mode=\"$mode\"" > pvh.cfg
    xl create -q pv.cfg & xl create -q pvh.cfg; wait
    n=0
    while [ $n -lt 120 ] && ! booted "pvh$mode$i" && xl domid "pvh$mode$i" >/dev/null 2>&1; do sleep 0.5; n=$((n + 1)); done
    f=$(faults); total=$((total + f))
    if booted "pvh$mode$i"; then ok=$((ok + 1)); b=yes; else b=no; fi
    echo "tsc_mode=$mode round $i: PVH booted $b, $f triple faults"
    xl destroy "pv$mode$i" 2>/dev/null; xl destroy "pvh$mode$i" 2>/dev/null
  done
  echo "RESULT tsc_mode=$mode: $ok of 4 PVH guests booted, $total triple faults"
done
