#!/usr/bin/env bash
# run-in-dom0.sh [--cache DIR] [--bin FILE]... [--timeout S] [--mem MIB] [--net] TESTDIR
#
# Boots Xen 4.17 with a Debian dom0 under QEMU (TCG: this host's /dev/kvm
# cannot run Xen) and runs TESTDIR/run.sh as root in dom0, with xenstored and
# xenconsoled up. TESTDIR is copied to /test; each --bin FILE (e.g. hvctl)
# goes to /usr/local/bin, debug info stripped, with the shared libraries ldd
# finds. Guests can use /guest/vmlinux and /guest/guest.cpio.gz, and as disks
# /guest/disk-a.img and disk-b.img (ext2; /marker reads hvctl-disk-a, -b);
# dom0 has the back ends, loop and bridge modules and the hotplug scripts'
# tools, so xl's disk = [...] and vif = ['bridge=...'] work (guest-init.sh
# says what a guest prints about them; e2e/lib.sh's bridge_up makes a bridge).
# --net (or XEN_HARNESS_NET=1): dom0 gets a virtio NIC on QEMU's user-mode
# network, eth0 10.0.2.15/24 with its default route via 10.0.2.2, which is
# the host's loopback: a service on the host's 127.0.0.1:PORT is
# 10.0.2.2:PORT in dom0 (dom0-init.sh prints "DOM0: net up ...").
# pvgrub2 is in /usr/lib/grub-xen/ (grub-x86_64-xen.bin, grub-i386-xen_pvh.bin).
# The serial log is kept in CACHE/serial.log; run.sh's output is printed.
# Exit: run.sh's exit code; 77 when this machine lacks QEMU or Xen's
# packages; 124 on timeout; 125 when dom0 never reported (boot failure).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XEN_HARNESS_CACHE:-/tmp/hvctl-xen-harness}
TIMEOUT=420 MEM=2048 BINS=() NET=${XEN_HARNESS_NET:-0}
SMP=${XEN_QEMU_SMP:-2} THREAD=${XEN_QEMU_THREAD:-multi}
while [ $# -gt 1 ]; do
  case $1 in
    --net) NET=1; shift; continue ;;
    --cache) CACHE=$2 ;; --bin) BINS+=("$2") ;; --timeout) TIMEOUT=$2 ;; --mem) MEM=$2 ;;
    *) break ;;
  esac
  shift 2
done
NETARGS=() DOM0_NET=""
if [ "$NET" = 1 ]; then
  NETARGS=(-netdev user,id=net0 -device virtio-net-pci,netdev=net0)
  DOM0_NET=" hvctl_net=1"
fi
TESTDIR=$(cd "${1:?usage: run-in-dom0.sh [options] TESTDIR}" && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "run-in-dom0: no qemu-system-x86_64 (package qemu-system-x86)" >&2; exit 77; }
"$HERE/prepare.sh" "$CACHE" || exit $?
source "$HERE/initramfs-lib.sh"

W=$(mktemp -d /tmp/hvctl-xen-run.XXXXXX); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/root/test" "$W/root/usr/local/bin"
cp -a "$TESTDIR/." "$W/root/test/"
for bin in "${BINS[@]}"; do
  dst=/usr/local/bin/$(basename "$bin")
  add_elf "$W/root" "$bin" "$dst"
  strip --strip-debug "$W/root$dst" 2>/dev/null || true
done
pack "$W/root" "$W/overlay.cpio"
# Linux unpacks concatenated archives; an uncompressed one must start 4-byte aligned.
{ cat "$CACHE/dom0.cpio.gz"; head -c $(( (4 - $(stat -c %s "$CACHE/dom0.cpio.gz") % 4) % 4 )) /dev/zero; cat "$W/overlay.cpio"; } > "$W/initrd"

LOG=$CACHE/serial.log
# -cpu: plain "max" lets SMAP fault dom0 in create_bounce_frame; rdtscp kills
# PVH guests (SVM instruction-length emulation); with XSAVE (and QEMU 7.2's
# new TCG AVX) dom0 processes - xl alone too - crash at random (SIGSEGV,
# malloc and ld.so assertions) and PVH guests triple-fault while guests run:
# vector state is not kept across Xen's context switches. Without XSAVE:
# 0 crashes in 30 `xl list` runs, versus 1-6 with it.
start=$(date +%s%N)
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
  -accel tcg,thread=$THREAD -cpu ${XEN_QEMU_CPU:-max,-smap,-rdtscp,-xsave,-avx,-avx2} -smp $SMP -m "$MEM" \
  -nodefaults -display none -monitor none -serial stdio -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${NETARGS[@]}" \
  -kernel "$CACHE/xen.elf" -append "console=com1 com1=115200,8n1 dom0_mem=${XEN_DOM0_MEM:-768M},max:${XEN_DOM0_MEM:-768M} dom0_max_vcpus=1 ${XEN_EXTRA_ARGS:-}" \
  -initrd "$CACHE/vmlinuz console=hvc0 loglevel=3$DOM0_NET,$W/initrd" </dev/null > "$LOG" 2>&1
rc=$?
wall=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
tr -d '\r' < "$LOG" | sed -n '/^DOM0: toolstack up/,/^DOM0-EXIT=/p'
echo "run-in-dom0: qemu rc=$rc, ${wall}s wall, serial log $LOG" >&2
marker=$(tr -d '\r' < "$LOG" | sed -n 's/^DOM0-EXIT=\([0-9]*\).*/\1/p' | tail -1)
if [ "$rc" = 124 ]; then echo "run-in-dom0: timed out after ${TIMEOUT}s" >&2; tail -20 "$LOG" >&2; exit 124; fi
if [ -z "$marker" ]; then echo "run-in-dom0: dom0 never reported" >&2; tail -40 "$LOG" >&2; exit 125; fi
exit "$marker"
