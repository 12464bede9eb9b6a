#!/usr/bin/env bash
# bootable-disk.sh OUT.img MARKER
#
# Writes OUT.img: a 64 MiB sparse RAW disk that boots Linux from itself, for
# tests that move a VM's disk between hypervisors and then boot it:
#   sector 0         GRUB's i386-pc boot.img (440 bytes) and an MBR partition
#                    table with one bootable Linux (0x83) partition
#   sectors 1-2047   GRUB's core.img (biosdisk, part_msdos, ext2, linux,
#                    serial... built in; prefix (hd0,msdos1)/boot/grub)
#   partition 1      ext4 (from 1 MiB to the end, label hvctl-moved):
#                    /boot/vmlinuz-<v>  Debian's kernel (tiny-guest.sh's)
#                    /boot/initrd.img   busybox-static initramfs
#                    /boot/grub/grub.cfg
# It boots two ways with the same grub.cfg, which picks the console by
# $grub_platform (pc: ttyS0, with GRUB itself on the serial line too; xen and
# xen_pvh: hvc0):
#   BIOS (SeaBIOS under QEMU/libvirt): the MBR's GRUB;
#   Xen PV / PVH: pvgrub2 as the domain's kernel (grub-xen-host's
#     /usr/lib/grub-xen/grub-x86_64-xen.bin, grub-i386-xen_pvh.bin), whose
#     built-in config searches the disks for /boot/grub/grub.cfg.
# The guest's /init prints one line on the console,
#   HVCTL-MOVED-GUEST <MARKER>
# (the marker is a file of the initramfs, so it comes from this disk), then
# idles. It powers off on an ACPI power-button press (button/evdev modules and
# busybox acpid, as the tiny guest) and on Xen's shutdown request (the kernel
# runs /sbin/poweroff, which sends SIGUSR2 to /init).
#
# No loop devices, no mounts, no root: mke2fs -d writes the file system at an
# offset of the image file, the partition entry is written with printf, and
# boot.img + core.img with dd (what grub-bios-setup would do for an MBR gap:
# boot.img's kernel sector 1 and diskboot's blocklist start 2 are already
# grub-mkimage's defaults).
#
# Packages: e2fsprogs (mke2fs -d), busybox-static, cpio, gzip; grub-common
# (grub-mkimage) and grub-pc-bin (i386-pc modules, boot.img) are fetched with
# `apt-get download` and unpacked into the cache, never installed (grub-pc's
# maintainer scripts would touch this host's boot loader); the kernel comes
# from tiny-guest.sh (its vmlinuz, and button.ko/evdev.ko from its initramfs).
#
# Cache: ${HVCTL_CACHE_DIR:-~/.cache/hvctl-test}/bootable-disk/<key>-<m>.img,
# <key> from this script, the tiny guest's key and the GRUB package versions
# (images of other keys are removed), <m> from MARKER; OUT.img is a fresh
# sparse copy of it each time (a booted or moved copy never feeds back); one
# build at a time per cache (flock). Exit: 0 written; 77 a package cannot be
# had.
set -euo pipefail

die() { echo "bootable-disk.sh: $*" >&2; exit 1; }
skip() { echo "bootable-disk.sh: $*" >&2; exit 77; }

[ $# -eq 2 ] || die "usage: $0 OUT.img MARKER"
out=$1 marker=$2
case $marker in *[![:print:]]* | "") die "MARKER must be printable text" ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}
SIZE_MIB=64 PART_START=2048  # sectors of 512 bytes; the partition runs to the end
GRUB_PKGS="grub-common grub-pc-bin"

mkdir -p "$cache/bootable-disk"
exec 9>"$cache/bootable-disk/.lock"  # one build at a time per cache (ctest -j)
flock 9
"$here/tiny-guest.sh" "$cache/bootable-disk/tiny-guest" || exit $?
tiny=$cache/bootable-disk/tiny-guest

# --- GRUB, unpacked from its Debian packages ----------------------------------
grub=$cache/grub-2.06
grub_unpack() {
    local versions
    versions=$(apt-cache policy $GRUB_PKGS 2>/dev/null | awk '/Candidate:/ {print $2}' | tr '\n' ' ')
    # (apt without lists knows no versions: then any unpacked GRUB will do)
    if [ -x "$grub/usr/bin/grub-mkimage" ] &&
       { [ -z "${versions// /}" ] || [ "$(cat "$grub/.versions" 2>/dev/null)" = "$versions" ]; }; then
        return 0
    fi
    command -v apt-get >/dev/null || skip "no apt-get to fetch $GRUB_PKGS"
    local tmp; tmp=$(mktemp -d "$cache/.grub.XXXXXX")
    chown _apt "$tmp" 2>/dev/null || true   # apt downloads as user _apt
    (cd "$tmp" && apt-get download -q $GRUB_PKGS >/dev/null 2>&1) ||
        { rm -rf "$tmp"; skip "apt-get download $GRUB_PKGS failed (apt-get update?)"; }
    mkdir "$tmp/x"
    for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/x"; done
    echo "$versions" >"$tmp/x/.versions"
    rm -rf "$grub"; mv "$tmp/x" "$grub"; rm -rf "$tmp"
}
grub_unpack
mkimage=$grub/usr/bin/grub-mkimage grubdir=$grub/usr/lib/grub/i386-pc
"$mkimage" --version >/dev/null 2>&1 ||
    skip "$mkimage does not run here (its libraries: $(ldd "$mkimage" | grep 'not found' | tr -s ' \t' ' '))"

# <what builds it>-<marker>.img; a new build removes the images of old builds.
key=$(cat "${BASH_SOURCE[0]}" "$tiny/.key" "$grub/.versions" | sha256sum | cut -c1-16)
img=$cache/bootable-disk/$key-$(printf '%s' "$marker" | sha256sum | cut -c1-16).img

# kernel_version BZIMAGE: the version string of a bzImage's setup header.
kernel_version() {
    local off
    off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
    dd if="$1" bs=1 skip=$((off + 512)) count=64 status=none | tr '\0' '\n' | head -1 | cut -d' ' -f1
}

# initramfs DIR TINY_INITRD OUT: busybox, the tiny guest's ACPI modules,
# /etc/hvctl-marker and /init, packed into OUT.
initramfs() {
    local root=$1 tiny_initrd=$2 out=$3 a
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/acpi/PWRF,lib/modules}
    cp /bin/busybox "$root/bin/busybox"
    # Applets where a system has them: the kernel runs /sbin/poweroff on Xen's
    # shutdown request (orderly_poweroff), and does nothing if it is missing.
    for a in $(/bin/busybox --list-full); do [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"; done
    gzip -dc "$tiny_initrd" | (cd "$root" && cpio -id --quiet lib/modules/button.ko lib/modules/evdev.ko) ||
        echo "bootable-disk.sh: warning: no ACPI modules: the guest will ignore ACPI shutdown" >&2
    printf '%s\n' "$marker" >"$root/etc/hvctl-marker"
    printf 'PWRF PWRF/00000080\nPWRB PWRF/00000080\n' >"$root/etc/acpid.conf"
    printf '#!/bin/sh\npoweroff -f\n' >"$root/etc/acpi/PWRF/00000080"
    chmod 755 "$root/etc/acpi/PWRF/00000080"
    cat >"$root/init" <<'EOF'
#!/bin/sh
# bootable-disk.sh's guest: one line on the console, then idle until told to
# power off (ACPI power button through acpid; Xen's shutdown request through
# the kernel's /sbin/poweroff, which signals PID 1).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /lib/modules/*.ko; do insmod "$m" 2>/dev/null; done
ls /dev/input/event* >/dev/null 2>&1 && acpid -c /etc/acpi -a /etc/acpid.conf -l /tmp/acpid.log
trap 'poweroff -f' USR1 USR2
trap 'reboot -f' TERM
echo "HVCTL-MOVED-GUEST $(cat /etc/hvctl-marker)"
while :; do sleep 3600 & wait $!; done
EOF
    chmod 755 "$root/init"
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
        gzip -9 >"$out"
}

# grub_cfg KVER: the one boot entry, for GRUB on BIOS and on Xen (pvgrub2).
grub_cfg() {
    cat <<EOF
# bootable-disk.sh: no menu, boot at once. pc: BIOS GRUB from the MBR, console
# ttyS0 (GRUB on the serial line too); xen / xen_pvh: pvgrub2, console hvc0.
if [ "\$grub_platform" = pc ]; then
    serial --unit=0 --speed=115200
    terminal_output --append serial
    set hvctl_console=ttyS0
else
    set hvctl_console=hvc0
fi
echo "HVCTL-GRUB \$grub_platform: loading (\$root)/boot/vmlinuz-$1"
linux /boot/vmlinuz-$1 console=\$hvctl_console loglevel=3
initrd /boot/initrd.img
boot
EOF
}

# mbr_entry START COUNT: a bootable type-0x83 MBR partition entry (LBA only:
# CHS fields at their 1023/254/63 maximum), as printf escapes.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
mbr_entry() { printf '\\x80\\xfe\\xff\\xff\\x83\\xfe\\xff\\xff%s%s' "$(le32 "$1")" "$(le32 "$2")"; }

# disk_image OUT FSROOT: the partitioned image, GRUB in its MBR and gap.
disk_image() {
    local out=$1 fsroot=$2 sectors=$((SIZE_MIB * 2048)) core=$work/core.img
    truncate -s "${SIZE_MIB}M" "$out"
    mke2fs -q -F -t ext4 -L hvctl-moved -E "offset=$((PART_START * 512)),root_owner=0:0" \
        -d "$fsroot" "$out" "$(((sectors - PART_START) / 2))k" ||
        skip "mke2fs cannot write a file system from a directory at an offset (e2fsprogs 1.43+)"
    "$mkimage" -O i386-pc -d "$grubdir" -p '(hd0,msdos1)/boot/grub' -o "$core" \
        biosdisk part_msdos ext2 normal linux serial terminal echo test boot ||
        die "grub-mkimage failed"
    [ "$(stat -c %s "$core")" -le $(((PART_START - 1) * 512)) ] || die "core.img does not fit before the partition"
    dd if="$grubdir/boot.img" of="$out" bs=440 count=1 conv=notrunc status=none
    # shellcheck disable=SC2059 # the format is the escaped entry
    printf "$(mbr_entry "$PART_START" $((sectors - PART_START)))" |
        dd of="$out" bs=1 seek=446 conv=notrunc status=none
    printf '\x55\xaa' | dd of="$out" bs=1 seek=510 conv=notrunc status=none
    dd if="$core" of="$out" bs=512 seek=1 conv=notrunc status=none
}

if [ ! -s "$img" ]; then
    command -v mke2fs >/dev/null || [ -x /sbin/mke2fs ] || skip "no mke2fs (package e2fsprogs)"
    [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || skip "no static /bin/busybox (package busybox-static)"
    command -v cpio >/dev/null || skip "no cpio (package cpio)"
    work=$(mktemp -d "$cache/bootable-disk/.build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    kver=$(kernel_version "$tiny/vmlinuz")
    [ -n "$kver" ] || die "no version string in $tiny/vmlinuz"
    fsroot=$work/fs
    mkdir -p "$fsroot/boot/grub"
    initramfs "$work/initrd" "$tiny/initrd.cpio.gz" "$fsroot/boot/initrd.img"
    install -m 644 "$tiny/vmlinuz" "$fsroot/boot/vmlinuz-$kver"
    grub_cfg "$kver" >"$fsroot/boot/grub/grub.cfg"
    disk_image "$work/disk.img" "$fsroot"
    mv "$work/disk.img" "$img"
    find "$cache/bootable-disk" -maxdepth 1 -name '*.img' ! -name "$key-*" -delete
fi
cp --sparse=always "$img" "$out.tmp.$$" && mv -f "$out.tmp.$$" "$out"
chmod 644 "$out"
