#!/bin/sh
# dom0's side of e2e_xen_move (see ../host.sh): hvctl moves the vcsim VM
# "mover" to this Xen host and the guest boots from the moved disk through
# pvgrub. On the way: the plan, an unmapped network and a destination
# without space refused before any copy, an interrupted copy, a corrupted
# byte in it found by the resumed run's verification, a clean copy after
# it, and the moved source refused a second move and a start.
cd "$(dirname "$0")" && . ./params && . ./xen-lib.sh
T0=$(uptime_s)
export VC_PASSWORD=pass HVCTL_CONFIG=/test/config.yaml HVCTL_STATE_DIR=/tmp/hvctl-state XDG_CACHE_HOME=/tmp/cache
VCHV="hvctl --target vc" XENHV="hvctl --target xen"
HV=$VCHV
MAP="--map-network=VM Network=xenbr0"
IMG=/var/lib/hvctl/xen/disks/mover/root.img
bridge_up xenbr0 10.99.0.1/24
# dom0's root (its initramfs) has about 130 MiB free, less than the disk's
# 256 MiB that the move counts (a copy may be written whole); a tmpfs of
# 1 GiB holds hvctl's images, of which the sparse copy uses a few MiB.
mkdir -p /var/lib/hvctl/xen && mount -t tmpfs -o size=1g tmpfs /var/lib/hvctl/xen
xen_power() { HV=$XENHV; hvctl_power "$1"; }  # (run in $(...): HV stays)

run_rc 0 "move --dry-run plans the move" -- move mover --to xen "$MAP" --dry-run
echo "$OUT"
check "a Linux guest becomes PVH booting through pvgrub" contains "$OUT" "-> pvgrub"
check "its flat extent streams raw, no conversion" contains "$OUT" "raw stream into a raw image"
check "the guest is told about /dev/xvdX and VMware Tools" contains "$OUT" "VMware Tools"
check "nothing was copied by the dry run" test ! -e "$IMG"

run_rc 7 "an unmapped network stops the move before any copy" -- move mover --to xen --dry-run
check "it names the network and --map-network" contains "$OUT" "'VM Network' has no match"

mkdir -p /mnt/small && mount -t tmpfs -o size=16m tmpfs /mnt/small
run_rc 7 "a destination without the space is refused before any copy" -- move mover --to xen-small "$MAP"
check "it says what is free and what is needed" contains "$OUT" "the disks need"
check "nothing was copied there" test ! -e /mnt/small/disks

# An interrupted copy (SIGINT once the journal holds 8 MiB), a byte of it
# corrupted, then a run that resumes: its read-back finds the byte.
journal_blocks() { cat /tmp/hvctl-state/moves/*.json 2>/dev/null | tr ',' '\n' | grep -c '"[0-9a-f]\{32\}"'; }
copied_some() { [ "$(journal_blocks)" -ge 8 ]; }
$VCHV move mover --to xen --as pv "$MAP" --no-start >/tmp/m1.out 2>/tmp/m1.err &
mpid=$!
if wait_for 120 copied_some; then kill -INT "$mpid"; fi
wait "$mpid"; rc=$?
check "an interrupted move exits 130 (rc $rc)" test "$rc" = 130
check "it says where it stopped" grep -q "interrupted at" /tmp/m1.err
check "it defined nothing on Xen" test "$(xen_power mover)" = absent
check "its partial copy is kept for the next run" test -e "$IMG"
printf 'X' | dd of="$IMG" bs=1 seek=4096 conv=notrunc 2>/dev/null
run_rc 4 "the resumed copy is verified, and the corrupted block found" -- move mover --to xen --as pv "$MAP" --no-start
check "it resumed" grep -q "resumed at" /tmp/stderr
check "the error names the block that differs" grep -q "differs from the source in the block at byte 0" /tmp/stderr
check "the bad copy is removed" test ! -e "$IMG"
check "and still nothing is defined on Xen" test "$(xen_power mover)" = absent

run_rc 0 "the next run copies the disk cleanly and defines the VM" -- move mover --to xen --as pv "$MAP" --no-start -O /tmp/moved.yaml
cat /tmp/stderr
check "the copy's SHA-256 is the source disk's" test "$(sha256sum "$IMG" | cut -d' ' -f1)" = "$SHA256"
check "the written spec boots through pvgrub" grep -q "loader: pvgrub" /tmp/moved.yaml
check "and carries where it came from" grep -q "hvctl.moved-from: vc/mover" /tmp/moved.yaml
check "the copy is defined and off on Xen" test "$(xen_power mover)" = stopped
HV=$XENHV

# The written spec, with a ready condition, boots the copy: pvgrub loads
# the kernel from the moved disk, whose initramfs prints the marker.
{ cat /tmp/moved.yaml; printf '  power: running\n  ready:\n    console: "HVCTL-MOVED-GUEST %s"\n' "$MARKER"; } > /tmp/moved-ready.yaml
t0=$(uptime_s)
run_rc 0 "apply of the moved spec starts it and waits until the guest prints its marker" -- apply -f /tmp/moved-ready.yaml --wait --timeout 300
check "the guest booted from the moved disk ($(since "$t0")s)" console_has mover "HVCTL-MOVED-GUEST $MARKER"
[ "$FAIL" = 0 ] || tail -20 /var/log/xen/console/guest-mover.log

HV=$VCHV
run_rc 7 "a second move of the moved source is refused" -- move mover --to xen --as pv "$MAP"
check "it says where it went" contains "$OUT" "moved already, to xen/mover"
run_rc 3 "starting the moved source is refused" -- start mover
check "it says why" grep -q "moved to xen/mover" /tmp/stderr

HV=$XENHV
run_rc 0 "destroy the copy" -- destroy mover --yes
check "its disk goes with it (the move made it)" test ! -e "$IMG"
echo "e2e_xen_move: $(since "$T0")s in dom0"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
