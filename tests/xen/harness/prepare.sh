#!/usr/bin/env bash
# prepare.sh CACHE - builds, once, what booting Xen under QEMU needs, in CACHE:
#   xen.elf        the hypervisor, uncompressed (QEMU's multiboot loader wants ELF)
#   vmlinuz        Debian's kernel, for dom0
#   vmlinux        the same kernel uncompressed, for guests: libxenguest then
#                  need not xz-decompress it under TCG (2 s per create, not 15 s)
#   guest.cpio.gz  the guests' initramfs (busybox, the xen-blkfront, xen-netfront,
#                  ext4 and isofs modules, ../../harness/seed-probe.sh; prints
#                  GUEST-MARKER lines: see guest-init.sh)
#   dom0.cpio.gz   dom0's initramfs: busybox, bash, Xen's toolstack and hotplug
#                  scripts, kernel modules (back ends, bridge, loop), init, and
#                  /guest: the guest kernel and initramfs, and two small ext2
#                  disk images, /guest/disk-a.img and disk-b.img, whose /marker
#                  reads hvctl-disk-a and hvctl-disk-b; pvgrub2 (grub-xen-host's
#                  /usr/lib/grub-xen/grub-*.bin); the virtio NIC modules
# Sources, in order: files already in CACHE; the host's installed packages
# (/boot/xen-4.17-amd64.gz, /boot/vmlinuz-* with /lib/modules); else the
# Debian packages fetched with `apt-get download` and unpacked with dpkg-deb
# (no maintainer scripts, no initramfs or grub hooks). XEN_HARNESS_FROM=packages
# skips the host's files (what a machine without them does).
# Exit: 0 ready; 77 something needed is missing (the caller skips).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=$(mkdir -p "${1:?usage: prepare.sh CACHE}" && cd "$1" && pwd)
# The cache is ready when it was made from these very scripts (by content, so
# that a new clone of the same tree finds it) and the same packages.
SEED_PROBE=$HERE/../../harness/seed-probe.sh  # the guests' seed reader, shared with the libvirt tiny guest
key=$({ cat "$HERE"/prepare.sh "$HERE"/dom0-init.sh "$HERE"/guest-init.sh "$HERE"/initramfs-lib.sh \
          "$HERE"/unpack-kernel.py "$SEED_PROBE"; dpkg-query -W xen-utils-4.17 xen-hypervisor-4.17-amd64 busybox-static bash e2fsprogs 2>/dev/null || true
          ls /lib/modules 2>/dev/null || true  # none on a machine without a kernel package
      } | sha256sum | cut -c1-16)
STAMP=$CACHE/ready-$key
[ -f "$STAMP" ] && exit 0
exec 9>"$CACHE/.prepare.lock"  # one preparation at a time per cache
flock 9
[ -f "$STAMP" ] && exit 0
rm -f "$CACHE"/ready-*

skip() { echo "prepare: $*" >&2; exit 77; }
for tool in busybox cpio gzip python3 modprobe depmod bash flock mke2fs; do
  command -v "$tool" >/dev/null || [ -x "/sbin/$tool" ] || skip "missing $tool (scripts/install-deps.sh)"
done
XENBIN=$(ls -d /usr/lib/xen-4.*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$XENBIN/xl" ] || skip "missing xl (package xen-utils-4.17)"
BUSYBOX=$(command -v busybox)
ldd "$BUSYBOX" >/dev/null 2>&1 && skip "$BUSYBOX is not static (package busybox-static)"

# fetch PACKAGE DIR: unpack a Debian package into DIR without installing it.
fetch() {
  local pkg=$1 dir=$2
  mkdir -p "$CACHE/debs" "$dir"
  (cd "$CACHE/debs" && ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download -q "$pkg" >/dev/null 2>&1) ||
    skip "cannot download $pkg (run apt-get update?)"
  dpkg-deb -x "$(ls "$CACHE/debs/${pkg}"_*.deb | head -1)" "$dir"
}

########## hypervisor ##########
FROM_HOST=1; [ "${XEN_HARNESS_FROM:-}" = packages ] && FROM_HOST=0
XENGZ=""; [ $FROM_HOST = 1 ] && XENGZ=$(ls /boot/xen-4.*-amd64.gz 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$XENGZ" ]; then
  fetch xen-hypervisor-4.17-amd64 "$CACHE/xen-root"
  XENGZ=$(ls "$CACHE"/xen-root/boot/xen-4.*-amd64.gz | sort -V | tail -1)
fi
zcat "$XENGZ" > "$CACHE/xen.elf"

########## kernel and modules ##########
KROOT=""  # "" is the host's root
KVER=""; [ $FROM_HOST = 1 ] && KVER=$(ls /lib/modules 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$KVER" ] || [ ! -f "/boot/vmlinuz-$KVER" ] || [ ! -d "/lib/modules/$KVER/kernel/drivers/xen" ]; then
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$KPKG" ] || skip "cannot find Debian's kernel package (apt-get update?)"
  [ -d "$CACHE/kernel-root/boot" ] || fetch "$KPKG" "$CACHE/kernel-root"
  KROOT=$CACHE/kernel-root
  KVER=$(ls "$KROOT/lib/modules" | sort -V | tail -1)
  depmod -b "$KROOT" "$KVER"
fi
cp "$KROOT/boot/vmlinuz-$KVER" "$CACHE/vmlinuz"
python3 "$HERE/unpack-kernel.py" "$CACHE/vmlinuz" "$CACHE/vmlinux"

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
# shellcheck source=initramfs-lib.sh
source "$HERE/initramfs-lib.sh"

# add_modules ROOT LIST MODULE...: each MODULE of the kernel, after the ones
# it depends on, into ROOT, and their paths, in load order, appended to ROOT/LIST
# (an init insmods them: there is no modprobe database in the initramfs).
add_modules() {
  local root=$1 list=$1/$2 m deps f; shift 2
  touch "$list"
  for m in "$@"; do  # (a module built into the kernel shows as "builtin NAME")
    deps=$(modprobe -d "${KROOT:-/}" -S "$KVER" --show-depends "$m" 2>/dev/null) || skip "kernel $KVER has no module $m"
    for f in $(echo "$deps" | awk '$1=="insmod"{print $2}'); do
      grep -qx "${f#"$KROOT"}" "$list" && continue
      echo "${f#"$KROOT"}" >> "$list"
      mkdir -p "$root$(dirname "${f#"$KROOT"}")"; cp "$f" "$root${f#"$KROOT"}"
    done
  done
}

########## guest initramfs ##########
G=$W/guest
busybox_root "$G" "$BUSYBOX"
add_modules "$G" etc/modules.xen xen-blkfront xen-netfront  # loaded at boot
add_modules "$G" etc/modules.ext4 ext4  # loaded when there is a disk to mount
add_modules "$G" etc/modules.iso isofs  # loaded when there is a seed to read
install -m 755 "$HERE/guest-init.sh" "$G/init"
install -m 644 "$SEED_PROBE" "$G/etc/seed-probe.sh"
pack "$G" "$CACHE/guest.cpio.gz"

########## dom0 initramfs ##########
D=$W/dom0
busybox_root "$D" "$BUSYBOX"
for b in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper; do
  add_elf "$D" "$XENBIN/$b"
  ln -sf "$XENBIN/$b" "$D/usr/sbin/$b"
done
for b in /usr/bin/xenstore /usr/bin/xenstore-{ls,read,write,rm,list}; do [ -e "$b" ] && add_elf "$D" "$b"; done
add_elf "$D" "$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/{print $NF; exit}')"  # glibc dlopens it (pthread_cancel)
mkdir -p "$D/etc/xen" && cp -a /etc/xen/xl.conf /etc/xen/scripts "$D/etc/xen/" 2>/dev/null || true
mkdir -p "$D"/var/{lib/xen,lib/xenstored,log/xen/console,lock} "$D"/run/{xen,xenstored,lock} "$D/root"
ln -sfn ../run "$D/var/run"
echo "root:x:0:0:root:/root:/bin/sh" > "$D/etc/passwd"; echo "root:x:0:" > "$D/etc/group"
# Guest devices: libxl runs the hotplug scripts itself (xl.conf's
# run_hotplug_scripts=1, the default; no udev here). /etc/xen/scripts/block
# and vif-bridge are bash, and their locking needs flock(1), which busybox
# lacks; busybox has the rest (losetup, stat, readlink, expr, logger, which,
# brctl, ip). Its losetup has no -h, so the block script sets up a
# read-write loop device even for access=ro: blkback still gives the guest a
# read-only disk.
add_elf "$D" "$(command -v bash)" /bin/bash
add_elf "$D" "$(command -v flock)" /usr/bin/flock
add_modules "$D" etc/modules.order xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc \
  xen-blkback xen-netback loop bridge
# run-in-dom0.sh --net: a virtio NIC on QEMU's user-mode network (dom0-init.sh
# loads these only then).
add_modules "$D" etc/modules.net virtio_pci virtio_net
# pvgrub2, for guests that boot GRUB from their own disk (kernel =
# /usr/lib/grub-xen/grub-x86_64-xen.bin for PV, grub-i386-xen_pvh.bin for PVH).
# Without them only such guests cannot boot, so their absence is no skip.
if (fetch grub-xen-host "$W/grub-xen"); then
  mkdir -p "$D/usr/lib/grub-xen"
  cp "$W"/grub-xen/usr/lib/grub-xen/grub-*.bin "$D/usr/lib/grub-xen/"
else
  echo "prepare: no pvgrub2 in dom0 (grub-xen-host): guests cannot boot GRUB from their disks" >&2
fi
mkdir -p "$D/guest"
cp "$CACHE/guest.cpio.gz" "$CACHE/vmlinux" "$D/guest/"
# The guests' disks: 1 MiB of ext2 holding /marker (gzip leaves ~10 KiB of each).
for disk in a b; do
  mkdir -p "$W/disk-$disk" && echo "hvctl-disk-$disk" > "$W/disk-$disk/marker"
  mke2fs -q -F -t ext2 -b 1024 -N 16 -m 0 -E root_owner=0:0 -d "$W/disk-$disk" "$D/guest/disk-$disk.img" 1M >/dev/null ||
    skip "mke2fs cannot make an ext2 image from a directory (e2fsprogs 1.43 or later)"
done
install -m 755 "$HERE/dom0-init.sh" "$D/init"
pack "$D" "$CACHE/dom0.cpio.gz"
rm -rf "$CACHE/kernel-root" "$CACHE/xen-root"  # ~400 MB unpacked; the .debs stay in debs/
touch "$STAMP"
echo "prepare: ready in $CACHE (kernel $KVER, $(basename "$XENGZ"))" >&2
