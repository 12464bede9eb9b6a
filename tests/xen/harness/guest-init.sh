#!/bin/sh
# /init of the test guests. Prints GUEST-MARKER lines on hvc0 (xenconsoled
# logs them to /var/log/xen/console/guest-NAME.log in dom0). Devices first,
# each only when the toolstack gave the guest one (xenbus lists it):
#   a disk xvda: mounted read-only, "GUEST-DISK-MARKER <its /marker>", or
#     "GUEST-DISK-FAIL xvda: <why>";
#   a vif: eth0 gets hvctl_ip=ADDR/LEN (cmdline), and one ping of
#     hvctl_ping=PEER prints "GUEST-PING-OK PEER" or "GUEST-PING-FAIL PEER"
#     ("GUEST-NET-FAIL: <why>" when eth0 never appears);
#   hvctl_hotdisk=xvdb (cmdline): a background watch for a disk attached
#     later, "GUEST-DISK2 <its /marker>" (or GUEST-DISK-FAIL) when it appears;
#   a NoCloud seed (spec.init: a read-only xen disk after the guest's own),
#     once every disk xenbus lists has appeared: the first xvd* whose ISO 9660
#     volume id is cidata, read by /etc/seed-probe.sh (tests/harness, shared
#     with the libvirt tiny guest, which documents its lines):
#     "HVCTL-GUEST-SEED-HOSTNAME <local-hostname>" and
#     "HVCTL-GUEST-SEED-MARKER <user-data's '# hvctl-marker:' value>",
#     "HVCTL-GUEST-SEED-FAIL cannot mount <dev>", or "HVCTL-GUEST-SEED-NONE".
#     A seed that is xvda is no GUEST-DISK-MARKER disk.
# Then:
#   guest_action=sleep (cmdline): answers each line typed on its console with
#     "GUEST-ECHO: LINE" (started before the sleeping marker, so a test that
#     saw the marker knows input is read), the line "state" with
#     "GUEST-STATE cpus=<its online CPUs> memtotal=<MemTotal in kB> ", brings
#     a vCPU the toolstack makes available online (the kernel only makes it
#     present: udev's vm-hotadd rule does this in a full guest; taking one
#     away the kernel does itself), and waits; a shutdown request from the toolstack
#     makes the kernel run /sbin/poweroff, which signals PID 1 (USR2 poweroff,
#     USR1 halt, TERM reboot) - a shell as PID 1 must trap them itself;
#   otherwise: powers itself off at once (a guest-initiated shutdown).
. /etc/seed-probe.sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Device nodes: the initramfs has only /dev/console, and without /dev/null
# busybox sh cannot start a background job (it opens /dev/null for its stdin):
# the sleep loop below then spun, printing "can't open '/dev/null'".
mount -t devtmpfs devtmpfs /dev
echo "GUEST-MARKER: booted $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)s"

cmdline_arg() {  # cmdline_arg NAME: the value of NAME=VALUE on the kernel command line
  for a in $(cat /proc/cmdline); do case $a in "$1"=*) echo "${a#*=}"; return ;; esac; done
}
# wait_path TEST PATH TENTHS: polls for up to TENTHS/10 s until `test TEST PATH`
wait_path() {
  i=0; while ! test "$1" "$2" && [ $i -lt "$3" ]; do sleep 0.1; i=$((i + 1)); done
  test "$1" "$2"
}
# show_disk DEV LABEL: mounts /dev/DEV read-only, prints "LABEL <its /marker>"
show_disk() {
  [ -d /sys/module/ext4 ] || while read -r m; do insmod "$m"; done < /etc/modules.ext4
  mkdir -p "/mnt/$1"
  if ! err=$(mount -t ext2 -o ro "/dev/$1" "/mnt/$1" 2>&1); then echo "GUEST-DISK-FAIL $1: mount: $err"
  elif [ ! -f "/mnt/$1/marker" ]; then echo "GUEST-DISK-FAIL $1: no /marker on it"
  else echo "$2 $(cat "/mnt/$1/marker")"; fi
}
# xenbus lists the guest's devices before their drivers bind them: vbd-51712
# is xvda (major 202, minor 0), vif-0 the first NIC. The front ends then
# connect to dom0's back ends asynchronously, hence the bounded waits.
while read -r m; do insmod "$m"; done < /etc/modules.xen
if [ -e /sys/bus/xen/devices/vbd-51712 ]; then
  if wait_path -b /dev/xvda 300; then is_seed /dev/xvda || show_disk xvda GUEST-DISK-MARKER
  else echo "GUEST-DISK-FAIL xvda: xenbus lists vbd-51712 but /dev/xvda did not appear in 30 s"; fi
fi
if [ -e /sys/bus/xen/devices/vif-0 ]; then
  ip=$(cmdline_arg hvctl_ip) peer=$(cmdline_arg hvctl_ping)
  if ! wait_path -e /sys/class/net/eth0 300; then echo "GUEST-NET-FAIL: xenbus lists vif-0 but eth0 did not appear in 30 s"
  elif [ -n "$ip" ]; then
    ip addr add "$ip" dev eth0 && ip link set eth0 up
    # -w: up to 20 s for the first answer (the back end may still be joining its bridge)
    if [ -n "$peer" ]; then
      if ping -c 1 -w 20 "$peer" >/dev/null 2>&1; then echo "GUEST-PING-OK $peer"; else echo "GUEST-PING-FAIL $peer"; fi
    fi
  fi
fi
# The seed: once each vbd xenbus lists at boot is a block device (up to 30 s).
vbds=$(ls -d /sys/bus/xen/devices/vbd-* 2>/dev/null | wc -l)
i=0; while [ "$(ls -d /sys/block/xvd* 2>/dev/null | wc -l)" -lt "$vbds" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
while read -r m; do insmod "$m"; done < /etc/modules.iso
seed=$(seed_read /dev/xvd?)
if [ -n "$seed" ]; then seed_print "$seed"; else echo "HVCTL-GUEST-SEED-NONE"; fi
hotdisk=$(cmdline_arg hvctl_hotdisk)
if [ -n "$hotdisk" ]; then
  (while [ ! -b "/dev/$hotdisk" ]; do sleep 0.5; done; show_disk "$hotdisk" GUEST-DISK2) > /dev/console 2>&1 &
fi

case " $(cat /proc/cmdline) " in
  *" guest_action=sleep "*)
    trap 'echo "GUEST-MARKER: poweroff requested"; poweroff -f' USR1 USR2
    trap 'echo "GUEST-MARKER: reboot requested"; reboot -f' TERM
    (while read -r line; do
       if [ "$line" = state ]; then
         echo "GUEST-STATE cpus=$(cat /sys/devices/system/cpu/online) memtotal=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) "
       else echo "GUEST-ECHO: $line"; fi
     done) < /dev/console > /dev/console 2>&1 &
    (while :; do
       for c in /sys/devices/system/cpu/cpu[1-9]*/online; do [ "$(cat "$c" 2>/dev/null)" = 0 ] && echo 1 > "$c"; done
       sleep 1
     done) > /dev/null 2>&1 &
    echo "GUEST-MARKER: sleeping"
    while :; do sleep 3600 & wait $!; done ;;
  *)
    echo "GUEST-MARKER: powering off"
    poweroff -f ;;
esac
