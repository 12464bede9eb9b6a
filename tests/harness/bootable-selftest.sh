#!/usr/bin/env bash
# bootable-selftest.sh [libvirt] [xen]   (default: both)
#
# Proves bootable-disk.sh's image boots from its own disk:
#   libvirt  the private libvirtd (libvirtd.sh) runs a domain whose only disk
#            is the image (virtio, then sata; SeaBIOS, serial console to a
#            file); its console must show "HVCTL-MOVED-GUEST <marker>" once;
#            then an ACPI shutdown must power it off.
#   xen      Xen under QEMU (run-in-dom0.sh --net): dom0 fetches the image
#            with busybox wget from an HTTP server on this host's 127.0.0.1
#            (python3 -m http.server; 10.0.2.2 in dom0), checks its sha256,
#            prints the throughput, and boots it with xl as a PV guest
#            (pvgrub2, grub-x86_64-xen.bin) and as a PVH guest
#            (grub-i386-xen_pvh.bin); each console must show the marker
#            (bootable-dom0.sh is dom0's side).
# Each part uses its own marker, so a console line can only come from that
# part's image. Waits are for console lines, with deadlines; nothing is retried.
# Exit: 0 all passed; 1 a check failed; 77 nothing could run (a part that
# cannot run on this machine is skipped and said).
# Env: HVCTL_CACHE_DIR (bootable-disk.sh's cache), XEN_HARNESS_CACHE
# (default <cache>/xen-harness), BOOTABLE_SELFTEST_DIR (kept work dir).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}
parts=${*:-libvirt xen}
work=${BOOTABLE_SELFTEST_DIR:-$(mktemp -d /tmp/hvctl-bootable.XXXXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd) && chmod a+x "$work"
passes=0 fails=0 skips=0 ran=0
ok() { echo "ok: $*"; passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
skipped() { echo "SKIP: $*"; skips=$((skips + 1)); }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", (b - a) / 1e9}'; }
# wait_for SECONDS COMMAND...: polls every 0.2 s until COMMAND succeeds
wait_for() {
    local n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
    return 1
}
has_line() { grep -q "$2" "$1" 2>/dev/null; }

part_libvirt() {
    local lv=$work/libvirt marker=selftest-libvirt uri rc
    "$here/bootable-disk.sh" "$work/libvirt.img" "$marker"; rc=$?
    [ $rc = 0 ] || { [ $rc = 77 ] && { skipped "libvirt: no bootable disk"; return; }; bad "bootable-disk.sh rc $rc"; return; }
    command -v virsh >/dev/null || { skipped "libvirt: no virsh (libvirt-clients)"; return; }
    ran=1
    uri=$("$here/libvirtd.sh" start "$lv") || { bad "libvirtd.sh start"; return; }
    # QEMU runs as the daemon's user and opens the disk read-write.
    chown --reference="$lv/scratch" "$work/libvirt.img"
    libvirt_boot virtio vda
    libvirt_boot sata sda
    "$here/libvirtd.sh" stop "$lv"
}

# libvirt_boot BUS DEV: a domain with the image as its one disk on BUS boots
# to the marker, and powers off on virsh shutdown (ACPI).
libvirt_boot() {
    local bus=$1 name=hvctl-bootable-$1 console=$lv/scratch/hvctl-bootable-$1.console.log t
    rm -f "$console"
    cat >"$work/$name.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$work/libvirt.img'/>
      <target dev='$2' bus='$bus'/>
    </disk>
    <serial type='file'><source path='$console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
    virsh -q -c "$uri" define "$work/$name.xml" >/dev/null || { bad "libvirt $bus: define"; return; }
    t=$(now)
    if virsh -q -c "$uri" start "$name" >/dev/null; then
        if wait_for 180 has_line "$console" "HVCTL-MOVED-GUEST $marker"; then
            ok "libvirt $bus: SeaBIOS booted GRUB and Linux from the disk: HVCTL-MOVED-GUEST $marker after $(secs "$t") s"
            [ "$(grep -c HVCTL-MOVED-GUEST "$console")" = 1 ] && ok "libvirt $bus: the marker line is printed once" ||
                bad "libvirt $bus: $(grep -c HVCTL-MOVED-GUEST "$console") marker lines"
            t=$(now)
            virsh -q -c "$uri" shutdown "$name" >/dev/null
            shut_off() { [ "$(virsh -c "$uri" domstate "$name" 2>/dev/null | head -1)" = "shut off" ]; }
            if wait_for 60 shut_off; then ok "libvirt $bus: ACPI shutdown powered it off ($(secs "$t") s)"
            else bad "libvirt $bus: not shut off 60 s after virsh shutdown"; fi
        else
            bad "libvirt $bus: no marker on the console in 180 s"; tail -c 2000 "$console" | cat -v
        fi
    else bad "libvirt $bus: virsh start"; fi
    virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1
    virsh -q -c "$uri" undefine "$name" >/dev/null
}

part_xen() {
    local marker=selftest-xen t rc port="" log=$work/http.log test=$work/xen-test pid
    mkdir -p "$work/www" "$test"
    "$here/bootable-disk.sh" "$work/www/disk.img" "$marker"; rc=$?
    [ $rc = 0 ] || { [ $rc = 77 ] && { skipped "xen: no bootable disk"; return; }; bad "bootable-disk.sh rc $rc"; return; }
    # port 0: the server picks a free port and says which.
    python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" >"$log" 2>&1 &
    pid=$!
    http_port() { port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\).*/\1/p' "$log" 2>/dev/null); [ -n "$port" ]; }
    wait_for 10 http_port || { bad "xen: the HTTP server did not start: $(cat "$log")"; kill "$pid"; return; }
    cp "$here/bootable-dom0.sh" "$test/run.sh"
    { echo "PORT=$port"; echo "MARKER=$marker"; echo "SHA256=$(sha256sum <"$work/www/disk.img" | cut -d' ' -f1)"
      echo "SIZE=$(stat -c %s "$work/www/disk.img")"; } >"$test/params"
    t=$(now)
    "$here/../xen/harness/run-in-dom0.sh" --cache "${XEN_HARNESS_CACHE:-$cache/xen-harness}" --net --timeout 1200 \
        --mem 2048 "$test" >"$work/xen.out" 2>&1
    rc=$?
    kill "$pid"; wait "$pid" 2>/dev/null
    cat "$work/xen.out"
    case $rc in
        77) skipped "xen: run-in-dom0.sh cannot run here" ;;
        0|1) ran=1
           passes=$((passes + $(grep -c '^PASS:' "$work/xen.out"))) fails=$((fails + $(grep -c '^FAIL:' "$work/xen.out")))
           [ $rc = 1 ] && ! grep -q '^FAIL:' "$work/xen.out" && bad "xen: dom0's script failed"
           echo "xen: $(secs "$t") s for the whole run-in-dom0.sh" ;;
        *) ran=1; bad "xen: run-in-dom0.sh rc $rc" ;;
    esac
}

for p in $parts; do
    case $p in libvirt|xen) "part_$p" ;; *) echo "unknown part $p (libvirt, xen)" >&2; exit 2 ;; esac
done
echo "bootable-selftest: $passes passed, $fails failed, $skips skipped (work dir $work)"
[ $fails = 0 ] || exit 1
[ $ran = 1 ] || exit 77
[ -n "${BOOTABLE_SELFTEST_DIR:-}" ] || rm -rf "$work"
exit 0
