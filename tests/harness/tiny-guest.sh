#!/usr/bin/env bash
# tiny-guest.sh OUTDIR
#
# Builds a tiny direct-boot guest for libvirt/QEMU end-to-end tests:
#   OUTDIR/vmlinuz         Debian amd64 kernel (qemu <kernel>)
#   OUTDIR/initrd.cpio.gz  busybox-static initramfs (qemu <initrd>)
# The guest's /init prints "HVCTL-GUEST-READY" on the console (boot with
# console=ttyS0) and then idles.  It loads the ACPI button + evdev modules and
# runs busybox acpid, so an ACPI power-button press (virsh shutdown, and the
# fake reboot behind virsh reboot) powers it off: "HVCTL-GUEST-POWEROFF" is
# printed first.  The domain XML needs <features><acpi/></features> for that.
#
# Debian packages needed: busybox-static cpio gzip
# Kernel source, first that applies:
#   1. $HVCTL_GUEST_KERNEL (+ $HVCTL_GUEST_MODULES, the matching
#      /lib/modules/<version> dir; without it the guest ignores ACPI shutdown)
#   2. /boot/vmlinuz-<v> with /lib/modules/<v> (i.e. any installed Debian
#      linux-image-*-amd64; the newest such pair is used)
#   3. otherwise: `apt-get download` of the linux-image-<v>-amd64 package that
#      linux-image-amd64 depends on (no install, no initramfs rebuild), and
#      only vmlinuz + the two modules are extracted (dpkg-deb | tar) into
#      ${HVCTL_CACHE_DIR:-$HOME/.cache/hvctl-test}/kernel-<v>.  Needs apt
#      lists (runs `apt-get update` once if the package is unknown).
#   Set HVCTL_GUEST_KERNEL_SOURCE=download to force 3 (used to test it).
#
# If both outputs exist, nothing is done.  Outputs are world-readable because
# QEMU runs as an unprivileged user under tests/harness/libvirtd.sh.
set -euo pipefail

die() { echo "tiny-guest.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.cpio.gz" ]; then
    exit 0
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- find a kernel and its modules dir --------------------------------------
kernel="" moddir=""
if [ -n "${HVCTL_GUEST_KERNEL:-}" ]; then
    kernel=$HVCTL_GUEST_KERNEL
    moddir=${HVCTL_GUEST_MODULES:-}
    [ -r "$kernel" ] || die "HVCTL_GUEST_KERNEL=$kernel is not readable"
elif [ "${HVCTL_GUEST_KERNEL_SOURCE:-}" != download ]; then
    for k in $(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -rV); do
        v=${k#/boot/vmlinuz-}
        if [ -r "$k" ] && [ -e "/lib/modules/$v/kernel/drivers/acpi/button.ko" ]; then
            kernel=$k moddir=/lib/modules/$v
            break
        fi
    done
fi
if [ -z "$kernel" ]; then
    command -v apt-get >/dev/null || die "no kernel in /boot and no apt-get to download one"
    pkg_of() { apt-cache depends linux-image-amd64 2>/dev/null |
               awk '/Depends: linux-image-[0-9].*-amd64$/ {print $2; exit}'; }
    pkg=$(pkg_of || true)
    if [ -z "$pkg" ]; then
        [ "$(id -u)" -eq 0 ] || die "apt does not know linux-image-amd64; run apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
        pkg=$(pkg_of || true)
        [ -n "$pkg" ] || die "cannot resolve the kernel package of linux-image-amd64"
    fi
    v=${pkg#linux-image-}
    cache=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}/kernel-$v
    if [ ! -s "$cache/boot/vmlinuz-$v" ]; then
        mkdir -p "${cache%/*}"
        tmp=$(mktemp -d "${cache%/*}/.dl.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        chown _apt "$tmp" 2>/dev/null || true   # apt downloads as user _apt
        echo "tiny-guest.sh: downloading $pkg" >&2
        (cd "$tmp" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
        mkdir "$tmp/x"
        dpkg-deb --fsys-tarfile "$tmp"/*.deb |
            tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' \
                './lib/modules/*/kernel/drivers/acpi/button.ko*' \
                './lib/modules/*/kernel/drivers/input/evdev.ko*' ||
            die "extracting $pkg failed"
        rm -rf "$cache"
        mv "$tmp/x" "$cache"
        rm -rf "$tmp"
        trap - EXIT
    fi
    kernel=$cache/boot/vmlinuz-$v moddir=$cache/lib/modules/$v
fi

# --- busybox -----------------------------------------------------------------
bb=${HVCTL_BUSYBOX:-/bin/busybox}
[ -x "$bb" ] || die "$bb missing: apt-get install busybox-static"
if ldd "$bb" >/dev/null 2>&1; then
    die "$bb is dynamically linked: apt-get install busybox-static"
fi
command -v cpio >/dev/null || die "cpio missing: apt-get install cpio"

# --- build the initramfs in a temp dir, then rename into place -------------
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/modules,etc/acpi/PWRF}
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
mods=""
for m in kernel/drivers/acpi/button.ko kernel/drivers/input/evdev.ko; do
    src=""
    for c in "$moddir/$m" "$moddir/$m.xz" "$moddir/$m.zst" "$moddir/$m.gz"; do
        [ -n "$moddir" ] && [ -e "$c" ] && { src=$c; break; }
    done
    if [ -z "$src" ]; then
        echo "tiny-guest.sh: warning: ${m##*/} not found; guest will ignore ACPI shutdown" >&2
        continue
    fi
    dst=$root/lib/modules/${m##*/}
    case $src in
        *.xz) xz -dc "$src" >"$dst" ;;
        *.zst) zstd -qdc "$src" >"$dst" ;;
        *.gz) gzip -dc "$src" >"$dst" ;;
        *) cp "$src" "$dst" ;;
    esac
    mods="$mods ${m##*/}"
done

cat >"$root/etc/acpid.conf" <<'EOF'
PWRF PWRF/00000080
PWRB PWRF/00000080
EOF
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo HVCTL-GUEST-POWEROFF >/dev/console
sync
poweroff -f
EOF
chmod 755 "$root/etc/acpi/PWRF/00000080"

cat >"$root/init" <<EOF
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $mods; do insmod /lib/modules/\$m 2>/dev/null; done
# acpid scans /dev/input/event* once at start-up, so start it after insmod.
ls /dev/input/event* >/dev/null 2>&1 && acpid -c /etc/acpi -a /etc/acpid.conf -l /tmp/acpid.log
echo HVCTL-GUEST-READY
while :; do sleep 3600; done
EOF
chmod 755 "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$work/initrd.cpio.gz"
cp "$kernel" "$work/vmlinuz"
chmod 644 "$work/vmlinuz" "$work/initrd.cpio.gz"
mv -f "$work/vmlinuz" "$out/vmlinuz"
mv -f "$work/initrd.cpio.gz" "$out/initrd.cpio.gz"
