#!/bin/sh
# /init of the test guests. Prints GUEST-MARKER lines on hvc0 (xenconsoled
# logs them to /var/log/xen/console/guest-NAME.log in dom0), then:
#   guest_action=sleep (cmdline): answers each line typed on its console with
#     "GUEST-ECHO: LINE" (started before the sleeping marker, so a test that
#     saw the marker knows input is read), and waits; a shutdown request from the toolstack
#     makes the kernel run /sbin/poweroff, which signals PID 1 (USR2 poweroff,
#     USR1 halt, TERM reboot) - a shell as PID 1 must trap them itself;
#   otherwise: powers itself off at once (a guest-initiated shutdown).
mount -t proc proc /proc
# Device nodes: the initramfs has only /dev/console, and without /dev/null
# busybox sh cannot start a background job (it opens /dev/null for its stdin):
# the sleep loop below then spun, printing "can't open '/dev/null'".
mount -t devtmpfs devtmpfs /dev
echo "GUEST-MARKER: booted $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)s"
case " $(cat /proc/cmdline) " in
  *" guest_action=sleep "*)
    trap 'echo "GUEST-MARKER: poweroff requested"; poweroff -f' USR1 USR2
    trap 'echo "GUEST-MARKER: reboot requested"; reboot -f' TERM
    (while read -r line; do echo "GUEST-ECHO: $line"; done) < /dev/console > /dev/console 2>&1 &
    echo "GUEST-MARKER: sleeping"
    while :; do sleep 3600 & wait $!; done ;;
  *)
    echo "GUEST-MARKER: powering off"
    poweroff -f ;;
esac
