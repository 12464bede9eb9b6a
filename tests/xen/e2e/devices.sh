# Sourced by run.sh: disks and NICs through hvctl. A PV guest gets a
# file-backed disk and a vif on a dom0 bridge from its spec; the guest mounts
# the disk and prints its marker, and pings dom0 over the bridge (guest-init.sh
# prints GUEST-DISK-MARKER, GUEST-PING-OK). hvctl's view of the devices is
# checked against xl block-list / network-list and the back ends' xenstore
# entries. Then a second disk is hot-plugged by apply into the running guest
# (GUEST-DISK2), and removed by apply --prune, the domain the same throughout.
# Last, a bridge dom0 lacks, an image or ISO that does not exist, and a base
# image that is qcow2, missing or larger than the size asked are impossible
# at plan and at apply, before anything is made.
# The images are prepare.sh's: /guest/disk-a.img and disk-b.img hold a /marker.
DEV_ROOT='    - {id: root, path: /guest/disk-a.img, readonly: true}'
DEV_DATA='    - {id: data, path: /guest/disk-b.img, readonly: true}'
devspec() {  # devspec DISK_LINES: e2e-dev with these disks and NIC eth0 on xenbr0
  spec e2e-dev pv "sleep hvctl_ip=10.99.0.2/24 hvctl_ping=10.99.0.1 hvctl_hotdisk=xvdb" \
    "$(printf '  ready: {console: "GUEST-MARKER: sleeping"}\n  disks:\n%s\n  nics: [{id: eth0, network: xenbr0}]' "$1")"
}
hotplug_log() { echo "xen-hotplug.log:"; tail -15 /var/log/xen/xen-hotplug.log 2>/dev/null; }
dev_console() { echo "its console:"; tail -8 /var/log/xen/console/guest-e2e-dev.log; }
# xl's view: "VDEV TARGET STATE" per disk in device order (xl block-list's
# Vdev/state columns; the device name and image from its back end's xenstore
# directory), and "MAC STATE" per vif (xl network-list). State 4: connected.
xl_disks() {
  xl block-list e2e-dev | awk 'NR > 1 {print $1, $4, $7}' | sort -n | while read -r _ state be; do
    echo "$(xenstore-read "$be/dev") $(xenstore-read "$be/params") $state"
  done
}
xl_vifs() { xl network-list e2e-dev | awk 'NR > 1 {print $3, $5}'; }
# hvctl's view, from get -o json: disk paths and NIC MACs in list order
lacks() { ! contains "$1" "$2"; }
json_values() { echo "$2" | sed -n "s/^ *\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"; }
# agree_devices STEP: hvctl get and list say the disks (in xl's device order)
# and the MACs that xl says the running domain has, each connected
agree_devices() {
  XD=$(xl_disks) XV=$(xl_vifs)
  want_disks=$(echo "$XD" | awk '{print $2}') want_macs=$(echo "$XV" | awk '{print $1}')
  run_rc 0 "$1: get e2e-dev" -- get e2e-dev -o json
  GOT=$OUT
  check "$1: hvctl get lists the disks xl lists, in xl's device order ($(echo $want_disks))" \
    test "$(json_values path "$GOT")" = "$want_disks"
  check "$1: hvctl get says the MAC xl network-list says ($(echo $want_macs))" test "$(json_values mac "$GOT")" = "$want_macs"
  run_rc 0 "$1: list e2e-dev" -- list -o json
  check "$1: hvctl list agrees" contains "$OUT" "\"mac\": \"$want_macs\""
  check "$1: every disk and vif is connected in xl" test -z "$(echo "$XD" | awk '$3 != 4')$(echo "$XV" | awk '$2 != 4')"
  [ "$(json_values path "$GOT")" = "$want_disks" ] || printf 'xl: %s\nhvctl: %s\n' "$XD" "$(json_values path "$GOT")"
}

devices_guest() {  # the steps that need the one before them; returns at the first that fails
  devspec "$DEV_ROOT" > dev.yaml
  t0=$(uptime_s)
  run_rc 0 "apply of a PV guest with a disk and a NIC on xenbr0, waiting for its console marker" -- \
    apply -f dev.yaml --wait --timeout 120
  [ "$rc" = 0 ] || { hotplug_log; dev_console; return 1; }
  DEV_ID=$(xl domid e2e-dev)
  check "its vif joined xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$DEV_ID.0"
  check "the guest mounted xvda and read its marker" console_has e2e-dev "GUEST-DISK-MARKER hvctl-disk-a"
  check "the guest pinged dom0 over the bridge" console_has e2e-dev "GUEST-PING-OK 10.99.0.1"
  console_has e2e-dev "GUEST-PING-OK" && console_has e2e-dev "GUEST-DISK-MARKER" || dev_console
  check "xl says xvda is /guest/disk-a.img" test "$(xl_disks | head -1 | cut -d' ' -f1-2)" = "xvda /guest/disk-a.img"
  agree_devices "after create"

  devspec "$DEV_ROOT
$DEV_DATA" > dev2.yaml
  run_rc 2 "plan: the second disk is a change" -- plan -f dev2.yaml --detailed-exitcode
  check "plan adds it" contains "$OUT" "disks[data] (unset) -> add"
  check "without a restart" lacks "$OUT" "needs restart"
  t0=$(uptime_s)
  run_rc 0 "apply hot-plugs the second disk" -- apply -f dev2.yaml
  check "the domain is the same (domid $DEV_ID)" test "$(xl domid e2e-dev)" = "$DEV_ID"
  if wait_for 60 console_has e2e-dev "GUEST-DISK2 hvctl-disk-b"; then
    ok "the guest mounted the hot-plugged xvdb and read its marker ($(since "$t0")s after apply)"
  else bad "the guest shows no GUEST-DISK2 line"; dev_console; hotplug_log; fi
  check "xl says xvdb is /guest/disk-b.img" test "$(xl_disks | sed -n 2p | cut -d' ' -f1-2)" = "xvdb /guest/disk-b.img"
  agree_devices "after the hot-plug"
  run_rc 0 "plan after the hot-plug: nothing to do" -- plan -f dev2.yaml --detailed-exitcode

  run_rc 0 "plan without the second disk keeps it (no change)" -- plan -f dev.yaml --detailed-exitcode
  check "plan says it keeps it" contains "$OUT" "kept (not in spec): disks[data]"
  t0=$(uptime_s)
  run_rc 0 "apply --prune removes the second disk from the running guest" -- apply -f dev.yaml --prune
  check "the domain is the same (domid $DEV_ID)" test "$(xl domid e2e-dev)" = "$DEV_ID"
  check "xl block-list no longer shows xvdb (51728)" test -z "$(xl block-list e2e-dev | awk '$1 == 51728')"
  check "its loop device is released" sh -c '! losetup -a | grep -q /guest/disk-b.img'
  agree_devices "after the prune"
  run_rc 0 "plan --prune after it: nothing to do" -- plan -f dev.yaml --prune --detailed-exitcode
}

# refused NAME WHAT YAML_LINES MESSAGE: apply of e2e-NAME with these devices
# fails naming the VM, the device and the reason, and leaves nothing behind
# refused NAME WHAT SPEC_LINES WHY: a guest whose devices dom0 cannot give is
# impossible at plan and at apply (exit 7), naming the VM and the device,
# and nothing is made
refused() {
  spec "e2e-$1" pv sleep "$3" > "$1.yaml"
  run_rc 7 "plan says a guest with $2 is impossible" -- plan -f "$1.yaml"
  check "naming VM e2e-$1 and saying $4" contains "$OUT$(cat /tmp/stderr)" "VM 'e2e-$1': $4"
  run_rc 7 "apply leaves it undone" -- apply -f "$1.yaml"
  check "no domain e2e-$1 is left in xl" gone_from_xl "e2e-$1"
  check "hvctl has no e2e-$1" test "$(hvctl_power "e2e-$1")" = absent
  check "and no image was made for it" test ! -e "/var/lib/hvctl/xen/disks/e2e-$1"
}

# from_disk: a disk made from a base image (disks[].from) is a sparse copy in
# the state directory, grown with the VM stopped, read by the booted guest
# through blkback, and deleted with the VM; a qcow2 base is refused.
fromspec() {  # fromspec SIZE POWER
  spec e2e-from pv sleep "$(printf '  ready: {console: "GUEST-MARKER: sleeping"}\n  power: %s\n  disks: [{id: root, from: /guest/disk-a.img, size: %s}]' "$2" "$1")"
}
from_disk() {
  IMG=/var/lib/hvctl/xen/disks/e2e-from/root.img
  fromspec 4MiB stopped > from.yaml
  run_rc 0 "apply of a stopped guest whose disk is made from a base image" -- apply -v -f from.yaml
  check "-v tells the copy's progress, to its end" grep -q "VM 'e2e-from': copying disk 'root': 100%" /tmp/stderr
  same_start() { [ "$(head -c 1048576 "$IMG" | md5sum | cut -c1-32)" = "$(md5sum < /guest/disk-a.img | cut -c1-32)" ]; }
  check "its image is a copy of the base" same_start
  check "of the size asked (4 MiB)" test "$(stat -c %s "$IMG")" = 4194304
  check "sparse (under 2 MiB allocated)" test "$(($(stat -c %b "$IMG") * $(stat -c %B "$IMG")))" -lt 2097152
  fromspec 8MiB stopped > from.yaml
  run_rc 2 "plan: a larger size is a change" -- plan -f from.yaml --detailed-exitcode
  run_rc 0 "apply grows it" -- apply -f from.yaml
  check "to 8 MiB" test "$(stat -c %s "$IMG")" = 8388608
  EXTRA=/var/lib/hvctl/xen/disks/e2e-from/extra.img
  fromspec 8MiB stopped | sed 's|^  disks: \[\(.*\)\]$|  disks: [\1, {id: extra, from: /guest/disk-b.img}]|' > from2.yaml
  run_rc 0 "apply adds a second disk made from a base image" -- apply -f from2.yaml
  check "its copy is made" test -f "$EXTRA"
  run_rc 0 "plan --prune --delete-images" -- plan -f from.yaml --prune --delete-images
  check "says the copy hvctl made goes" contains "$OUT" "disks[extra] present -> remove (image deleted)"
  run_rc 0 "apply --prune --delete-images removes the disk" -- apply -f from.yaml --prune --delete-images
  check "and deletes its copy" test ! -e "$EXTRA"
  check "the root disk's copy stays" test -f "$IMG"
  fromspec 8MiB running > from.yaml
  t0=$(uptime_s)
  run_rc 0 "the guest starts" -- apply -f from.yaml --wait --timeout 120
  check "and reads the base image's marker from its copy" console_has e2e-from "GUEST-DISK-MARKER hvctl-disk-a"
  console_has e2e-from "GUEST-DISK-MARKER hvctl-disk-a" || tail -5 /var/log/xen/console/guest-e2e-from.log
  run_rc 0 "delete e2e-from" -- delete -f from.yaml
  check "its image is deleted with it (hvctl made it)" test ! -e "$IMG"
  check "the base image is kept" test -f /guest/disk-a.img
  printf 'QFI\373\0\0\0\3' > /tmp/base.qcow2 && dd if=/dev/zero bs=504 count=1 >> /tmp/base.qcow2 2>/dev/null
  refused qcow2 "a qcow2 base image" "  disks: [{id: root, from: /tmp/base.qcow2}]" \
    "disk 'root': base image /tmp/base.qcow2 is qcow2"
  refused nobase "a base image that does not exist" "  disks: [{id: root, from: /guest/no-such.img}]" \
    "disk 'root': base image /guest/no-such.img"
  truncate -s 8M /tmp/base8.img
  refused small "a size below its base image's" "  disks: [{id: root, from: /tmp/base8.img, size: 4MiB}]" \
    "disk 'root': size 4MiB is below base image /tmp/base8.img's 8MiB"
  refused noiso "an ISO that does not exist" "  disks: [{id: root, path: /guest/disk-a.img, readonly: true}]
  cdroms: [{id: cd0, image: /tmp/no-such.iso}]" "cdrom 'cd0': /tmp/no-such.iso does not exist in dom0"
}

T_DEV=$(uptime_s)
if bridge_up xenbr0 10.99.0.1/24; then
  ok "dom0 makes bridge xenbr0 with 10.99.0.1/24"
  devices_guest
  run_rc 0 "delete e2e-dev" -- delete -f dev.yaml
  check "e2e-dev is gone from xl" gone_from_xl e2e-dev
  # libxl ran the block and vif-bridge scripts' remove paths before returning
  check "its loop devices are released" sh -c '! losetup -a | grep -q /guest/disk-'
  check "its vif left the bridge" test -z "$(ls /sys/class/net/xenbr0/brif/)"
  refused nobridge "a NIC on a bridge dom0 lacks" "  nics: [{id: eth0, network: xenbr0}, {id: eth1, network: nosuchbr}]" \
    "NIC 'eth1': dom0 has no bridge 'nosuchbr'"
  refused nodisk "a disk image that does not exist" "  disks: [{id: root, path: /guest/no-such.img}]" \
    "disk 'root': /guest/no-such.img does not exist in dom0"
  ip link del xenbr0
else bad "dom0 makes bridge xenbr0 with 10.99.0.1/24"; fi
from_disk
echo "devices.sh: $(since "$T_DEV")s"
