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
# After READY, a guest with a virtio-blk PCI device loads virtio_pci,
# virtio_blk and ext4 (which mounts ext2), waits up to 5 s for /dev/vda,
# mounts it read-only and prints "HVCTL-GUEST-DISK <contents of /marker>", or
# "HVCTL-GUEST-DISK-FAIL <reason>".  A guest without one prints nothing more
# about it.  Then the guest watches for devices, so hot-plug shows:
#   "HVCTL-GUEST-BLOCK vdX <size>MiB"  for each virtio disk after vda, as it
#                                      appears and each time its size changes;
#   "HVCTL-GUEST-IP <address>"         for each NIC (virtio_net) as it
#                                      appears, once it has a DHCP lease
#                                      (busybox udhcpc);
#   "HVCTL-GUEST-NIC-GONE <ethN>"      when a NIC is unplugged;
#   "HVCTL-GUEST-CDROM <its /marker>"  when the IDE CD-ROM (/dev/sr0) gets an
#                                      ISO9660 medium, each time it changes;
#   "HVCTL-GUEST-CDROM-EMPTY"          when it has none (ejected);
#   "HVCTL-GUEST-SEED-HOSTNAME <name>" and "HVCTL-GUEST-SEED-MARKER <value>"
#                                      for a NoCloud seed: the first block
#                                      device (sr*, vd*) whose ISO 9660
#                                      volume id is cidata, mounted read-only:
#                                      local-hostname from its meta-data
#                                      (surrounding "" removed, nothing
#                                      unescaped) and <value> from a line
#                                      "# hvctl-marker: <value>" in its
#                                      user-data; again when either changes
#                                      (seed-probe.sh, shared with the Xen
#                                      test guest);
#   "HVCTL-GUEST-SEED-FAIL cannot mount <dev>"  for a cidata device that
#                                      does not mount as iso9660;
#   "HVCTL-GUEST-SEED-NONE"            once, when no seed was there in the
#                                      first 5 s of watching (one found later
#                                      is still reported);
#   "HVCTL-GUEST-HEARD <line>"         for each line typed on the console
#                                      after READY.
#
# Debian packages needed: busybox-static cpio gzip
# Kernel source, first that applies:
#   1. $HVCTL_GUEST_KERNEL (+ $HVCTL_GUEST_MODULES, the matching
#      /lib/modules/<version> dir; without it the guest ignores ACPI shutdown)
#   2. /boot/vmlinuz-<v> with /lib/modules/<v> (i.e. any installed Debian
#      linux-image-*-amd64; the newest such pair is used)
#   3. otherwise: `apt-get download` of the linux-image-<v>-amd64 package that
#      linux-image-amd64 depends on (no install, no initramfs rebuild), and
#      only vmlinuz + the module dirs below are extracted (dpkg-deb | tar) into
#      ${HVCTL_CACHE_DIR:-$HOME/.cache/hvctl-test}/kernel-<v>.  Needs apt
#      lists (runs `apt-get update` once if the package is unknown).
#   Set HVCTL_GUEST_KERNEL_SOURCE=download to force 3 (used to test it).
# Modules are found by name under the modules dir, with their dependencies
# read from each module's own depends= field (a downloaded package has no
# modules.dep: depmod makes it on install).
#
# If both outputs exist and OUTDIR/.key matches this script's and
# seed-probe.sh's content (so a
# change to the guest rebuilds an old cache once), nothing is done.  Outputs
# are world-readable because QEMU runs as an unprivileged user under
# tests/harness/libvirtd.sh.
set -euo pipefail

die() { echo "tiny-guest.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
key=$(cat "${BASH_SOURCE[0]}" "$here/seed-probe.sh" | sha256sum | cut -c1-16)
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.cpio.gz" ] &&
   [ "$(cat "$out/.key" 2>/dev/null)" = "$key" ]; then
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
    # .extracted names what was taken out, so a cache from before the disk
    # modules is extracted again.
    extracted="vmlinuz button evdev virtio virtio_blk ext4 jbd2 mbcache crc16 crc32c_generic virtio_net failover ata scsi cdrom isofs"
    if [ ! -s "$cache/boot/vmlinuz-$v" ] ||
       [ "$(cat "$cache/.extracted" 2>/dev/null)" != "$extracted" ]; then
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
                './lib/modules/*/kernel/drivers/input/evdev.ko*' \
                './lib/modules/*/kernel/drivers/virtio/*' \
                './lib/modules/*/kernel/drivers/block/virtio_blk.ko*' \
                './lib/modules/*/kernel/drivers/net/virtio_net.ko*' \
                './lib/modules/*/kernel/drivers/net/net_failover.ko*' \
                './lib/modules/*/kernel/net/core/failover.ko*' \
                './lib/modules/*/kernel/fs/ext4/*' './lib/modules/*/kernel/fs/jbd2/*' \
                './lib/modules/*/kernel/fs/mbcache.ko*' \
                './lib/modules/*/kernel/lib/crc16.ko*' \
                './lib/modules/*/kernel/crypto/crc32c_generic.ko*' \
                './lib/modules/*/kernel/drivers/ata/*' './lib/modules/*/kernel/drivers/scsi/scsi_mod.ko*' \
                './lib/modules/*/kernel/drivers/scsi/scsi_common.ko*' './lib/modules/*/kernel/drivers/scsi/sr_mod.ko*' \
                './lib/modules/*/kernel/drivers/cdrom/*' './lib/modules/*/kernel/fs/isofs/*' ||
            die "extracting $pkg failed"
        echo "$extracted" >"$tmp/x/.extracted"
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
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,lib/modules,etc/acpi/PWRF}
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
# add_module NAME VAR: copies module NAME (decompressed) and, first, the
# modules it depends on into the initramfs, appending "NAME.ko" to the list
# in VAR in load order; returns 1 when NAME or a dependency is missing.
declare -A modpath=() copied=()
if [ -n "$moddir" ] && [ -d "$moddir" ]; then
    while IFS= read -r f; do
        n=${f##*/}; n=${n%%.ko*}; modpath[${n//-/_}]=$f
    done < <(find "$moddir" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
fi
add_module() {
    local name=${1//-/_} var=$2 src dst deps d
    [ -n "${copied[$name]:-}" ] && return 0
    src=${modpath[$name]:-}
    [ -n "$src" ] || { echo "tiny-guest.sh: warning: module $name not found" >&2; return 1; }
    dst=$root/lib/modules/$name.ko
    case $src in
        *.xz) xz -dc "$src" >"$dst" ;;
        *.zst) zstd -qdc "$src" >"$dst" ;;
        *.gz) gzip -dc "$src" >"$dst" ;;
        *) cp "$src" "$dst" ;;
    esac
    copied[$name]=1
    deps=$(tr '\0' '\n' <"$dst" | LC_ALL=C sed -n 's/^depends=//p')
    for d in ${deps//,/ }; do add_module "$d" "$var" || return 1; done
    printf -v "$var" '%s %s' "${!var}" "$name.ko"
}
mods=""
for m in button evdev; do
    add_module $m mods ||
        echo "tiny-guest.sh: warning: guest will ignore ACPI shutdown" >&2
done
# CONFIG_VIRTIO_PCI is =m on Debian's amd64 kernel, so it comes along; ext4
# (CONFIG_EXT4_USE_FOR_EXT2) asks for crc32c through the crypto API, which
# insmod cannot load on demand, hence crc32c_generic by name.
diskmods=""
for m in virtio_pci virtio_blk crc32c_generic ext4; do
    add_module $m diskmods ||
        { echo "tiny-guest.sh: warning: guest will not read its disk" >&2; diskmods=""; break; }
done
netmods=""
add_module virtio_net netmods || { echo "tiny-guest.sh: warning: guest will not use a NIC" >&2; netmods=""; }
# The IDE CD-ROM of a pc machine: ata_piix (with libata and the SCSI core),
# sr_mod (with cdrom) and isofs.
cdmods=""
for m in ata_piix sr_mod isofs; do
    add_module $m cdmods ||
        { echo "tiny-guest.sh: warning: guest will not read a CD-ROM" >&2; cdmods=""; break; }
done

cat >"$root/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case $1 in
    bound|renew)
        ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
        echo "HVCTL-GUEST-IP $ip" >/dev/console ;;
esac
EOF
chmod 755 "$root/etc/udhcpc.script"
cp "$here/seed-probe.sh" "$root/etc/seed-probe.sh"

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
. /etc/seed-probe.sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $mods; do insmod /lib/modules/\$m 2>/dev/null; done
# acpid scans /dev/input/event* once at start-up, so start it after insmod.
ls /dev/input/event* >/dev/null 2>&1 && acpid -c /etc/acpi -a /etc/acpid.conf -l /tmp/acpid.log
echo HVCTL-GUEST-READY
# Answer each line typed on the console, so a test can see the guest itself
# (not only its tty's echo) at whatever moment it attaches.
# (A background list's stdin is /dev/null unless redirected: keep the console's.)
exec 3<&0
(while read -r line; do echo "HVCTL-GUEST-HEARD \$line"; done) <&3 &
# A virtio-blk PCI device (legacy 0x1001 or modern 0x1042): read its marker.
vblk=""
for d in /sys/bus/pci/devices/*; do
    [ "\$(cat \$d/vendor 2>/dev/null)" = 0x1af4 ] || continue
    case \$(cat \$d/device) in 0x1001|0x1042) vblk=1 ;; esac
done
[ -n "\$vblk" ] && {
    for m in $diskmods; do insmod /lib/modules/\$m 2>/dev/null; done
    i=0
    while [ ! -b /dev/vda ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
    if [ -z "$diskmods" ]; then
        echo "HVCTL-GUEST-DISK-FAIL no virtio_blk/ext4 modules in the initramfs"
    elif [ ! -b /dev/vda ]; then
        echo "HVCTL-GUEST-DISK-FAIL no /dev/vda after 5 s"
    elif ! err=\$(mount -t ext2 -o ro /dev/vda /mnt 2>&1); then
        echo "HVCTL-GUEST-DISK-FAIL mount: \$(echo \$err)"
    elif [ ! -r /mnt/marker ]; then
        echo "HVCTL-GUEST-DISK-FAIL no /marker on /dev/vda"
    else
        echo "HVCTL-GUEST-DISK \$(cat /mnt/marker)"
    fi
}
# Devices as they come and go (hot-plug): virtio disks after vda and their
# sizes, NICs with a DHCP lease, the CD-ROM's medium. virtio_pci too, for a guest that had no disk.
for m in $diskmods $netmods $cdmods; do insmod /lib/modules/\$m 2>/dev/null; done
mkdir -p /cd /seed
blocks="" nics="" cd="" seed="" seedwait=0
while :; do
    # A NoCloud seed (seed-probe.sh): its host name and marker each time
    # they change; NONE once when there is none after 10 passes (5 s).
    now=\$(seed_read /dev/sr* /dev/vd*)
    if [ -n "\$now" ] && [ "\$now" != "\$seed" ]; then
        seed=\$now
        seed_print "\$now"
    elif [ -z "\$seed" ] && [ \$seedwait -lt 10 ]; then
        seedwait=\$((seedwait + 1))
        [ \$seedwait -eq 10 ] && echo HVCTL-GUEST-SEED-NONE
    fi
    # A CD-ROM's medium as it changes: the ISO's /marker, or none.
    if [ -b /dev/sr0 ]; then
        if mount -t iso9660 -o ro /dev/sr0 /cd 2>/dev/null; then
            now="\$(cat /cd/marker 2>/dev/null)"
            umount /cd
        else
            now=EMPTY
        fi
        if [ "\$now" != "\$cd" ]; then
            cd=\$now
            if [ "\$now" = EMPTY ]; then echo HVCTL-GUEST-CDROM-EMPTY; else echo "HVCTL-GUEST-CDROM \$now"; fi
        fi
    fi
    for b in /sys/block/vd[b-z]; do
        [ -e "\$b" ] || continue
        entry="\${b##*/}:\$(cat \$b/size)"
        case " \$blocks " in *" \$entry "*) continue ;; esac
        blocks="\$blocks \$entry"
        echo "HVCTL-GUEST-BLOCK \${b##*/} \$((\${entry#*:} / 2048))MiB"
    done
    for e in /sys/class/net/eth*; do
        [ -e "\$e" ] || continue
        case " \$nics " in *" \${e##*/} "*) continue ;; esac
        nics="\$nics \${e##*/}"
        ip link set \${e##*/} up
        udhcpc -i \${e##*/} -s /etc/udhcpc.script -q -n -t 30 -T 1 >/dev/null 2>&1 &
    done
    left=""
    for n in \$nics; do
        if [ -e /sys/class/net/\$n ]; then left="\$left \$n"; else echo "HVCTL-GUEST-NIC-GONE \$n"; fi
    done
    nics=\$left
    sleep 0.5
done
EOF
chmod 755 "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$work/initrd.cpio.gz"
cp "$kernel" "$work/vmlinuz"
chmod 644 "$work/vmlinuz" "$work/initrd.cpio.gz"
mv -f "$work/vmlinuz" "$out/vmlinuz"
mv -f "$work/initrd.cpio.gz" "$out/initrd.cpio.gz"
echo "$key" >"$out/.key"
