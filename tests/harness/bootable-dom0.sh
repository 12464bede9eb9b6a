#!/bin/sh
# dom0's side of bootable-selftest.sh's xen part: run as /test/run.sh by
# run-in-dom0.sh --net, with /test/params (PORT, MARKER, SHA256, SIZE).
#  1. fetches bootable-disk.sh's image from the host's HTTP server
#     (127.0.0.1:PORT there, 10.0.2.2:PORT here) with busybox wget, checks
#     its sha256 and prints the throughput;
#  2. boots it with xl as a PV guest, kernel pvgrub2 (grub-x86_64-xen.bin),
#     until its console log shows "HVCTL-MOVED-GUEST MARKER" (once), then
#     asks it to shut down (xl shutdown) and waits for it to go;
#  3. the same as a PVH guest (grub-i386-xen_pvh.bin, tsc_mode native as
#     tests/xen/e2e/run.sh explains); on_reboot destroy, so a triple fault
#     (a reboot to Xen) ends the wait, and Xen's count of them is printed.
#     Then the same shutdown.
# Prints PASS:/FAIL: lines; exit 0 when none failed.
cd "$(dirname "$0")" && . ./params
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "PASS: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(uptime_s) $1" | awk '{printf "%.1f", $1 - $2}'; }
wait_for() {  # wait_for SECONDS COMMAND...: polls every 0.5 s
  n=$(($1 * 2)); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.5; n=$((n - 1)); done
  return 1
}
log_of() { echo "/var/log/xen/console/guest-$1.log"; }
marked() { grep -q "HVCTL-MOVED-GUEST $MARKER" "$(log_of "$1")" 2>/dev/null; }
gone() { ! xl domid "$1" >/dev/null 2>&1; }
marked_or_gone() { marked "$1" || gone "$1"; }
grub_or_gone() { grep -q "HVCTL-GRUB" "$(log_of "$1")" 2>/dev/null || gone "$1"; }
DISK=/tmp/disk.img

t0=$(uptime_s)
if wget -q -O "$DISK" "http://10.0.2.2:$PORT/disk.img"; then
  dt=$(since "$t0")
  ok "wget of disk.img ($SIZE bytes) from the host's 127.0.0.1:$PORT as 10.0.2.2:$PORT: ${dt} s, $(echo "$SIZE $dt" | awk '{printf "%.1f", $1 / 1048576 / $2}') MiB/s"
  sum=$(sha256sum "$DISK" | cut -d' ' -f1)
  if [ "$sum" = "$SHA256" ]; then ok "its sha256 is the host's"; else bad "sha256 $sum, host's $SHA256"; fi
else
  bad "wget http://10.0.2.2:$PORT/disk.img failed ($(ip -o addr show eth0 2>&1 | head -1))"
  echo "$PASS passed, $FAIL failed"; exit 1
fi

# boot NAME TYPE PVGRUB [XL LINES]: xl create with the image as xvda.
boot() {
  name=$1 type=$2 grub=/usr/lib/grub-xen/$3
  [ -r "$grub" ] || { bad "$name: no $grub in dom0"; return 1; }
  printf 'name="%s"\ntype="%s"\nkernel="%s"\nmemory=128\nvcpus=1\n%s\n' "$name" "$type" "$grub" "$4" >"/tmp/$name.cfg"
  printf 'disk=["format=raw,vdev=xvda,access=rw,target=%s"]\n' "$DISK" >>"/tmp/$name.cfg"
  printf 'on_poweroff="destroy"\non_reboot="destroy"\non_crash="destroy"\n' >>"/tmp/$name.cfg"
  t0=$(uptime_s)
  xl create -q "/tmp/$name.cfg" || { bad "$name: xl create failed"; return 1; }
  # GRUB's own line first (how long pvgrub2 takes to find grub.cfg), then
  # the marker (how long it takes to load and boot Linux).
  wait_for 300 grub_or_gone "$name"
  tgrub=$(since "$t0")
  wait_for 300 marked_or_gone "$name"
  if marked "$name"; then
    ok "$name: $3 booted Linux from xvda: HVCTL-MOVED-GUEST $MARKER $(since "$t0") s after xl create (GRUB's line at $tgrub s)"
    return 0
  fi
  if gone "$name"; then bad "$name: the domain ended without the marker ($(since "$t0") s)"
  else bad "$name: no marker in 300 s"; fi
  echo "--- $(log_of "$name") (last lines):"; tail -c 1500 "$(log_of "$name")" 2>/dev/null; echo
  xl destroy "$name" 2>/dev/null
  return 1
}

# then NAME: after its boot, the marker once, and xl shutdown powers it off.
then_shut_down() {
  n=$(grep -c HVCTL-MOVED-GUEST "$(log_of "$1")")
  if [ "$n" = 1 ]; then ok "$1: the marker line is printed once"; else bad "$1: $n marker lines"; fi
  t0=$(uptime_s)
  xl shutdown "$1" >/dev/null 2>&1
  if wait_for 60 gone "$1"; then ok "$1: xl shutdown powered it off ($(since "$t0") s)"
  else bad "$1: still there 60 s after xl shutdown"; tail -c 500 "$(log_of "$1")"; echo; xl destroy "$1"; fi
}

boot moved-pv pv grub-x86_64-xen.bin && then_shut_down moved-pv
faults0=$(xl dmesg | grep -c 'Triple fault')
boot moved-pvh pvh grub-i386-xen_pvh.bin 'tsc_mode="native"' && then_shut_down moved-pvh
echo "moved-pvh: $(($(xl dmesg | grep -c 'Triple fault') - faults0)) triple faults in xl dmesg"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
