# Sourced by run.sh: the test environment can give a PV guest a file-backed
# disk and a vif on a dom0 bridge, and hot-plug a second disk. Plain xl, not
# hvctl: this checks the harness (hotplug scripts, back and front ends, the
# guest's markers), which hvctl's own disk and NIC scenarios build on.
# The images are prepare.sh's: /guest/disk-a.img and disk-b.img hold a /marker.
cat > xl-devices.cfg <<EOC
name = "xl-devices"
type = "pv"
kernel = "/guest/vmlinux"
ramdisk = "/guest/guest.cpio.gz"
memory = 128
extra = "console=hvc0 quiet guest_action=sleep hvctl_ip=10.99.0.2/24 hvctl_ping=10.99.0.1 hvctl_hotdisk=xvdb"
disk = ['format=raw,vdev=xvda,access=ro,target=/guest/disk-a.img']
vif = ['bridge=xenbr0']
on_poweroff = "destroy"
EOC
hotplug_log() { echo "xen-hotplug.log:"; tail -15 /var/log/xen/xen-hotplug.log 2>/dev/null; }
devices_console() { echo "its console:"; tail -8 /var/log/xen/console/guest-xl-devices.log; }
# xl's lists are "Vdev BE handle state ..." and "Idx BE Mac handle state ...";
# state 4 is connected. list_state LIST KEY COLUMN: COLUMN of the row for KEY
list_state() { echo "$1" | awk -v k="$2" -v c="$3" 'NR > 1 && $1 == k {print $c}'; }

# devices_guest: the steps that need the one before them; returns at the
# first that fails (each waits up to minutes for what an earlier one failed to make)
devices_guest() {
  t0=$(uptime_s)
  if xl create -q xl-devices.cfg 2>/tmp/xl.err; then ok "xl create of a guest with a disk and a vif ($(since "$t0")s)"
  else bad "xl create of a guest with a disk and a vif"; cat /tmp/xl.err; hotplug_log; return 1; fi
  check "its vif joined xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$(xl domid xl-devices).0"
  # guest-init prints its disk and ping lines before this marker, each after
  # a bounded wait of its own
  if wait_for 120 console_has xl-devices "GUEST-MARKER: sleeping"; then ok "xl-devices booted ($(since "$t0")s after create)"
  else bad "xl-devices console shows no boot marker"; devices_console; return 1; fi
  check "the guest mounted xvda and read its marker" console_has xl-devices "GUEST-DISK-MARKER hvctl-disk-a"
  check "the guest pinged dom0 over the bridge" console_has xl-devices "GUEST-PING-OK 10.99.0.1"
  if ! console_has xl-devices "GUEST-DISK-MARKER hvctl-disk-a" || ! console_has xl-devices "GUEST-PING-OK"; then devices_console; fi
  BL=$(xl block-list xl-devices) NL=$(xl network-list xl-devices)
  check "xl block-list shows xvda (51712) connected" test "$(list_state "$BL" 51712 4)" = 4
  check "xl network-list shows vif 0 connected" test "$(list_state "$NL" 0 5)" = 4
  [ "$(list_state "$BL" 51712 4)$(list_state "$NL" 0 5)" = 44 ] || printf '%s\n%s\n' "$BL" "$NL"

  t0=$(uptime_s)
  if xl block-attach xl-devices 'format=raw,vdev=xvdb,access=ro,target=/guest/disk-b.img' 2>/tmp/xl.err; then
    ok "xl block-attach of a second disk to the running guest ($(since "$t0")s)"
  else bad "xl block-attach of a second disk"; cat /tmp/xl.err; hotplug_log; return 1; fi
  if wait_for 60 console_has xl-devices "GUEST-DISK2 hvctl-disk-b"; then
    ok "the guest mounted the hot-plugged xvdb and read its marker ($(since "$t0")s)"
  else bad "the guest shows no GUEST-DISK2 line"; devices_console; fi
  BL=$(xl block-list xl-devices)
  check "xl block-list shows xvdb (51728) connected too" test "$(list_state "$BL" 51728 4)" = 4
  check "each disk is on a loop device in dom0" test "$(losetup -a | grep -c '/guest/disk-[ab].img')" = 2
  check "xl destroy xl-devices" xl destroy xl-devices
}

if bridge_up xenbr0 10.99.0.1/24; then
  ok "dom0 makes bridge xenbr0 with 10.99.0.1/24"
  devices_guest
  gone_from_xl xl-devices || xl destroy xl-devices  # after a failed step
  check "xl-devices is gone from xl" gone_from_xl xl-devices
  # libxl ran the block and vif-bridge scripts' remove paths before returning
  check "its loop devices are released" sh -c '! losetup -a | grep -q /guest/disk-'
  check "its vif left the bridge" test -z "$(ls /sys/class/net/xenbr0/brif/)"
  ip link del xenbr0
else bad "dom0 makes bridge xenbr0 with 10.99.0.1/24"; fi
