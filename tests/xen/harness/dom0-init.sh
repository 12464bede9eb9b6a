#!/bin/sh
# /init of the test dom0: brings up Xen's toolstack daemons, runs
# /test/run.sh, prints "DOM0-EXIT=<rc>" and ends QEMU through its
# isa-debug-exit port (QEMU then exits with 2*rc+1).
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
uptime_s() { cut -d' ' -f1 /proc/uptime; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts
# What udev would add to devtmpfs: Xen's hotplug scripts take their locks
# through /dev/stdin (locking.sh's claim_lock retries until stat of it works)
ln -s /proc/self/fd /dev/fd && ln -s fd/0 /dev/stdin && ln -s fd/1 /dev/stdout && ln -s fd/2 /dev/stderr
mount -t tmpfs tmp /tmp
while read -r module; do insmod "$module" 2>/dev/null; done < /etc/modules.order
mount -t xenfs xenfs /proc/xen
mkdir -p /run/xen /run/xenstored /var/log/xen/console /var/lib/xen /var/lock
xenstored --pid-file /run/xen/xenstored.pid
i=0; while [ ! -S /run/xenstored/socket ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
xen-init-dom0 >/dev/null || echo "DOM0: xen-init-dom0 failed"
xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xen/xenconsoled.pid
echo "DOM0: toolstack up at $(uptime_s)s ($(cat /sys/hypervisor/type) $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor))"
# run-in-dom0.sh --net: QEMU's user-mode network on a virtio NIC, with
# slirp's fixed addresses: the host's 127.0.0.1:PORT is 10.0.2.2:PORT here.
if grep -q 'hvctl_net=1' /proc/cmdline; then
  while read -r module; do insmod "$module" 2>/dev/null; done < /etc/modules.net
  i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  ip link set lo up
  if ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2; then
    echo "DOM0: net up at $(uptime_s)s (eth0 10.0.2.15/24, host 10.0.2.2)"
  else
    echo "DOM0: net failed: $(ls /sys/class/net)"
  fi
fi

exit_qemu() {  # isa-debug-exit at port 0xf4
  printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
}
if [ -x /test/run.sh ]; then
  cd /test && ./run.sh </dev/null 2>&1
  rc=$?
  echo "DOM0-EXIT=$rc at $(uptime_s)s"
  sync
  exit_qemu "$rc"
  sleep 2
  poweroff -f
fi
echo "DOM0: no /test/run.sh; shell on hvc0"
exec setsid cttyhack sh -l
