#!/usr/bin/env bash
# selftest.sh [WORKDIR]
#
# Proves the harness with virsh only: private libvirtd, a TCG direct-boot
# guest, state seen by separate client processes and across a daemon restart,
# suspend/resume, reboot, graceful (ACPI) shutdown, destroy, undefine.
# Prints timings.  Stops everything it started, also on failure.
# Without WORKDIR it uses a mktemp -d dir, removed if all checks pass.
# Debian packages needed: those of libvirtd.sh and tiny-guest.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
auto=0
[ $# -ge 1 ] || auto=1   # an auto-created WORKDIR is removed on success
work=${1:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
chmod a+x "$work"
lv=$work/libvirt
images=$work/guest
name=hvctl-selftest
fails=0 passes=0

now() { date +%s%N; }
ms() { echo "$(( ($(now) - $1) / 1000000 )) ms"; }
ok() { echo "ok: $*"; passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
cleanup() { "$here/libvirtd.sh" stop "$lv" || true; }
trap cleanup EXIT
trap 'echo "FAIL: aborted at line $LINENO"' ERR

# Wait up to $1 s for command "$@" to succeed.
wait_for() {
    local t=$1 i; shift
    for ((i = 0; i < t * 5; i++)); do "$@" && return 0; sleep 0.2; done
    return 1
}
markers() { grep -c "^$1" "$console" 2>/dev/null || true; }
has_markers() { [ "$(markers "$1")" -ge "$2" ]; }
state_is() { [ "$(virsh -c "$uri" domstate "$name" 2>/dev/null | head -n1)" = "$1" ]; }

t=$(now)
"$here/tiny-guest.sh" "$images"
echo "tiny guest ready: $(ms "$t")"

t=$(now)
uri=$("$here/libvirtd.sh" start "$lv")
echo "daemon ready: $(ms "$t")  URI: $uri"
console=$lv/scratch/$name.console.log
rm -f "$console"

xml=$work/$name.xml
cat >"$xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$images/vmlinuz</kernel>
    <initrd>$images/initrd.cpio.gz</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'>
      <source path='$console' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF

virsh -q -c "$uri" define "$xml" >/dev/null
ok "define"
t=$(now)
virsh -q -c "$uri" start "$name" >/dev/null
ok "start ($(ms "$t"))"
if wait_for 120 has_markers HVCTL-GUEST-READY 1; then
    ok "guest READY marker $(ms "$t") after start"
else
    bad "no READY marker within 120 s"; tail -n 20 "$console" || true
fi

# A second, unrelated client process sees the same state.
if bash -c "virsh -c '$uri' list --name | grep -qx '$name'"; then
    ok "second client process sees $name running"
else
    bad "second client does not see $name"
fi

virsh -q -c "$uri" suspend "$name" >/dev/null
state_is paused && ok "suspend -> paused" || bad "suspend: $(virsh -c "$uri" domstate "$name")"
virsh -q -c "$uri" resume "$name" >/dev/null
state_is running && ok "resume -> running" || bad "resume: $(virsh -c "$uri" domstate "$name")"

t=$(now)
virsh -q -c "$uri" reboot "$name" >/dev/null
if wait_for 120 has_markers HVCTL-GUEST-READY 2; then
    ok "reboot: guest READY again $(ms "$t") after 'virsh reboot'"
else
    bad "reboot: no second READY marker"
fi

t=$(now)
virsh -q -c "$uri" shutdown "$name" >/dev/null
if wait_for 60 state_is "shut off"; then
    ok "graceful shutdown: shut off $(ms "$t") after 'virsh shutdown'"
else
    bad "graceful shutdown: still $(virsh -c "$uri" domstate "$name")"
    virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true
fi
has_markers HVCTL-GUEST-POWEROFF 2 && ok "guest ran its ACPI handler (reboot + shutdown)" ||
    bad "POWEROFF markers: $(markers HVCTL-GUEST-POWEROFF)"

# Persistent definition survives a daemon restart.
"$here/libvirtd.sh" stop "$lv"
uri=$("$here/libvirtd.sh" start "$lv")
if virsh -c "$uri" list --all --name | grep -qx "$name"; then
    ok "definition survives daemon restart"
else
    bad "definition lost across daemon restart"
fi

# A running guest survives a daemon restart (the daemon reconnects to it).
virsh -q -c "$uri" start "$name" >/dev/null
wait_for 120 has_markers HVCTL-GUEST-READY 3 || bad "third boot: no READY marker"
qpid=$(cat "$lv/xdg/run/libvirt/qemu/run/$name.pid")
kill -TERM "$(cat "$lv/daemon/libvirtd.pid")"
wait_for 15 bash -c "! kill -0 $(cat "$lv/daemon/libvirtd.pid") 2>/dev/null"
uri=$("$here/libvirtd.sh" start "$lv")
if state_is running && kill -0 "$qpid"; then
    ok "running guest (qemu pid $qpid) survives daemon restart"
else
    bad "running guest lost across daemon restart"
fi

t=$(now)
virsh -q -c "$uri" destroy "$name" >/dev/null
if state_is "shut off"; then ok "destroy ($(ms "$t"))"; else bad "destroy"; fi
if kill -0 "$qpid" 2>/dev/null; then bad "qemu $qpid alive after destroy"; else ok "qemu process gone"; fi
virsh -q -c "$uri" undefine "$name" >/dev/null
if virsh -c "$uri" list --all --name | grep -qx "$name"; then bad "still defined"; else ok "undefine"; fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ] || { echo "logs kept in $work"; exit 1; }
if [ $auto -eq 1 ]; then cleanup; trap - EXIT; rm -rf "$work"; fi
