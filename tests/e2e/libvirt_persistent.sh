#!/usr/bin/env bash
# End to end against a private libvirtd running tiny QEMU guests under TCG,
# whose state outlives each hvctl process.
# Usage: libvirt_persistent.sh HVCTL SOURCE_DIR WORK_DIR
set -uo pipefail
HVCTL=$1 SRC=$2
source "$SRC/tests/e2e/lib.sh"
WORK=$(reachable_work_dir "$3")
E2E_TMP=$WORK/tmp
rm -rf "$E2E_TMP"; mkdir -p "$E2E_TMP"

private_libvirtd "$3"

spec() {  # spec NAME POWER MEMORY
  cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $1, labels: {suite: e2e}}
spec:
  cpu: {count: 1}
  memory: {size: $3}
  boot: {kernel: $WORK/guest/vmlinuz, ramdisk: $WORK/guest/initrd.cpio.gz, cmdline: console=ttyS0}
  power: $2
EOS
}
mkdir -p "$E2E_TMP/specs"
{ spec e2e-a running 128MiB; spec e2e-b stopped 128MiB; } > "$E2E_TMP/specs/fleet.yaml"

expect_exit 2 "plan before apply reports pending changes" -- plan -f "$E2E_TMP/specs" --detailed-exitcode
ok "plan shows two creates" contains "$out" "Plan: 2 to create"
expect_exit 0 "apply creates and powers the fleet" -- apply -f "$E2E_TMP/specs"
expect_exit 0 "a new process lists the VMs" -- list -o json
ok "e2e-a is running" [ "$(json_get "$out" "[v['power'] for v in d['items'] if v['name']=='e2e-a'][0]")" = running ]
ok "e2e-b is stopped" [ "$(json_get "$out" "[v['power'] for v in d['items'] if v['name']=='e2e-b'][0]")" = stopped ]
ok "labels survive" [ "$(json_get "$out" "[v['labels']['suite'] for v in d['items'] if v['name']=='e2e-a'][0]")" = e2e ]
expect_exit 0 "second apply succeeds" -- apply -f "$E2E_TMP/specs"
ok "second apply does nothing and says so" contains "$out" "No changes"
expect_exit 0 "plan --detailed-exitcode: in sync" -- plan -f "$E2E_TMP/specs" --detailed-exitcode

{ spec e2e-a running 128MiB; spec e2e-b stopped 160MiB; } > "$E2E_TMP/specs/fleet.yaml"
expect_exit 2 "a changed spec is pending" -- plan -f "$E2E_TMP/specs" --detailed-exitcode -o json
ok "exactly that change is planned" [ "$(json_get "$out" "[(i['vm'], c['field'], c['from'], c['to']) for i in d['items'] for c in i['changes']]")" = "[('e2e-b', 'memory.size', '128MiB', '160MiB')]" ]
expect_exit 0 "apply the change" -- apply -f "$E2E_TMP/specs"
expect_exit 0 "in sync again" -- plan -f "$E2E_TMP/specs" --detailed-exitcode

expect_exit 0 "export e2e-a" -- export e2e-a
printf '%s\n' "$out" > "$E2E_TMP/exported.yaml"
expect_exit 0 "exported spec validates" -- validate -f "$E2E_TMP/exported.yaml"
expect_exit 0 "exported spec plans as a no-op" -- plan -f "$E2E_TMP/exported.yaml" --detailed-exitcode
expect_exit 0 "exported spec applies as a no-op" -- apply -f "$E2E_TMP/exported.yaml"
ok "nothing changed" contains "$out" "No changes"

expect_exit 0 "graceful stop of e2e-a" -- stop e2e-a --timeout 60
expect_exit 0 "get e2e-a" -- get e2e-a -o json
ok "e2e-a is stopped" [ "$(json_get "$out" "d['power']")" = stopped ]
expect_exit 0 "apply --wait brings e2e-a back up" -- apply -f "$E2E_TMP/specs" --wait --timeout 60
ok "apply started it" contains "$out" "started"
ok "and waited until it ran" contains "$err" "e2e-a: settled (running)"

# The serial console, both ways: once it has booted, the guest answers each
# line typed with HVCTL-GUEST-HEARD <line>. One console session; we type a
# probe every 2 s until the answer shows (the guest may still be booting, and
# its boot marker may come before the console attaches: QEMU keeps no backlog
# for a late reader), then stop typing and let --timeout detach it.
rm -f "$E2E_TMP/probe.fifo"; mkfifo "$E2E_TMP/probe.fifo"
"$HVCTL" console e2e-a --timeout 60 <"$E2E_TMP/probe.fifo" >"$E2E_TMP/console.out" 2>"$E2E_TMP/stderr" &
console_pid=$!
exec 7>"$E2E_TMP/probe.fifo"
for i in $(seq 1 27); do
  sleep 2
  printf 'echo-probe-%s\r' "$i" >&7
  grep -q "HVCTL-GUEST-HEARD echo-probe-" "$E2E_TMP/console.out" && break
done
exec 7>&-
wait "$console_pid"
ok "console carries input to the guest and its answer back" grep -q "HVCTL-GUEST-HEARD echo-probe-" "$E2E_TMP/console.out"
ok "console detached after --timeout" contains "$(cat "$E2E_TMP/stderr")" "detached"

expect_exit 3 "destroy without --yes refuses when not interactive" -- destroy e2e-a
ok "refusal says why" contains "$err" "without --yes"
expect_exit 0 "e2e-a still exists" -- get e2e-a
expect_exit 3 "a bad spec is rejected before anything is contacted" -- apply -f "$SRC/tests/e2e/data/bad.yaml"
ok "bad spec error has file:line:column" contains "$err" "bad.yaml:6:"
expect_exit 0 "destroy --yes removes both" -- destroy --yes e2e-a e2e-b
expect_exit 0 "list after destroy" -- list -o json
ok "no VMs left" [ "$(json_get "$out" "len(d['items'])")" = 0 ]
expect_exit 8 "destroying a missing VM is exit 8, no such VM (not 4: the target answered)" -- destroy --yes e2e-a

# A disk made from a base image: a qcow2 overlay in a dir pool, made by
# libvirt's storage API, that QEMU opens when the guest starts.
LVIRSH=(virsh -q -c "$(cat "$WORK/libvirtd/uri")")
rm -rf "$WORK/pool" "$WORK/base"  # an earlier run keeps pruned images there
mkdir -p "$WORK/pool" "$WORK/base"
chmod 777 "$WORK/pool"
qemu-img create -q -f qcow2 "$WORK/base/base.qcow2" 128M
chmod -R a+rX "$WORK/base"
{ "${LVIRSH[@]}" pool-destroy disks; "${LVIRSH[@]}" pool-undefine disks; } >/dev/null 2>&1  # from an earlier run
"${LVIRSH[@]}" pool-define-as disks dir --target "$WORK/pool" >/dev/null && "${LVIRSH[@]}" pool-start disks >/dev/null
cat > "$E2E_TMP/config.yaml" <<EOC
targets:
  lab: {type: libvirt, uri: "$(cat "$WORK/libvirtd/uri")", domain_type: qemu, pool: disks}
default_target: lab
EOC
disk_spec() {  # disk_spec NAME DISKS [POWER] [MEMORY]
  cat <<EOS
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $1}
spec:
  cpu: {count: 1}
  memory: {size: ${4:-64MiB}}
  boot: {kernel: $WORK/guest/vmlinuz, ramdisk: $WORK/guest/initrd.cpio.gz, cmdline: console=ttyS0}
  disks: $2
  power: ${3:-running}
EOS
}
# data is on ide, which QEMU cannot hot-plug: its removal takes a restart.
disk_spec img-a "[{id: root, from: $WORK/base/base.qcow2, size: 256MiB}, {id: data, size: 32MiB, bus: ide}]" > "$E2E_TMP/img-a.yaml"
expect_exit 0 "apply: a running VM whose root disk is made from a base image" -- apply -f "$E2E_TMP/img-a.yaml"
info=$(qemu-img info -U --output=json "$WORK/pool/img-a-root.img" 2>&1)  # -U: QEMU holds it
ok "the root disk is a qcow2 overlay of the base image" \
  [ "$(json_get "$info" "(d['format'], d['backing-filename'], d['backing-filename-format'])")" = "('qcow2', '$WORK/base/base.qcow2', 'qcow2')" ]
ok "grown to the size the spec asks" [ "$(json_get "$info" "d['virtual-size']")" = $((256 << 20)) ]
expect_exit 0 "get" -- get img-a -o json
ok "the VM runs with it" [ "$(json_get "$out" "(d['power'], [x['size'] for x in d['spec']['disks'] if x['id'] == 'root'])")" = "('running', ['256MiB'])" ]
expect_exit 0 "a second plan is clean (from is read once)" -- plan -f "$E2E_TMP/img-a.yaml" --detailed-exitcode
disk_spec img-a "[{id: root, from: $WORK/base/base.qcow2, size: 256MiB}]" > "$E2E_TMP/img-a-root.yaml"
expect_exit 0 "a disk the spec leaves out is no change" -- plan -f "$E2E_TMP/img-a-root.yaml" --detailed-exitcode
ok "plan says it is kept" contains "$out" "kept (not in spec): disks[data]"
expect_exit 2 "plan --prune: its removal is a change" -- plan --prune -f "$E2E_TMP/img-a-root.yaml" --detailed-exitcode
ok "plan --prune names it, its image kept, with a restart (ide)" contains "$out" "disks[data] present -> remove (image kept) (needs restart)"
expect_exit 0 "apply --prune removes it" -- apply --prune --force-stop -f "$E2E_TMP/img-a-root.yaml"
expect_exit 0 "get after the prune" -- get img-a -o json
ok "the VM runs with its root disk only" [ "$(json_get "$out" "(d['power'], [x['id'] for x in d['spec']['disks']])")" = "('running', ['root'])" ]
ok "the removed disk's image is kept" test -f "$WORK/pool/img-a-data.img"
expect_exit 0 "and a plan with --prune is clean" -- plan --prune -f "$E2E_TMP/img-a-root.yaml" --detailed-exitcode
disk_spec img-b "[{id: root, from: $WORK/base/base.qcow2, size: 64MiB}]" > "$E2E_TMP/img-b.yaml"
expect_exit 4 "a size below the image's is refused" -- apply -f "$E2E_TMP/img-b.yaml"
ok "naming the VM, the disk and both sizes" grep -q "disk 'root' from base image .* VM 'img-b': size 64MiB is below the image's virtual size of 128MiB" <<<"$out"
ok "and nothing is made" bash -c '[ ! -e "$1/pool/img-b-root.img" ] && ! "${@:2}" list --all | grep -q img-b' _ "$WORK" "${LVIRSH[@]}"
disk_spec img-c "[{id: root, from: $WORK/base/missing.qcow2}]" > "$E2E_TMP/img-c.yaml"
expect_exit 4 "a missing base image is refused" -- apply -f "$E2E_TMP/img-c.yaml"
ok "naming the file and why" grep -q "base image $WORK/base/missing.qcow2 .*No such file or directory" <<<"$out"
expect_exit 0 "destroy" -- destroy --yes img-a

# The guest reads that disk: tiny-guest.sh mounts /dev/vda and prints
# "HVCTL-GUEST-DISK <its /marker>". The base is an 8M ext2 image holding a
# marker, as qcow2; img-d's root disk is its overlay as it is, img-e's grown
# to 64MiB. The VMs start paused, so their consoles are attached before the
# guests print anything, and are resumed by a second apply. 128MiB: in 64MiB
# (img-a's) this guest prints nothing at all, not even the kernel's log.
marker=hvctl-disk-marker-$$-$RANDOM
mkdir -p "$E2E_TMP/marker-fs"
printf '%s\n' "$marker" > "$E2E_TMP/marker-fs/marker"
ok "an ext2 base image holding the marker, as qcow2" bash -c \
  'mke2fs -q -t ext2 -d "$1/marker-fs" "$1/marker.raw" 8M && qemu-img convert -O qcow2 "$1/marker.raw" "$2" && chmod a+r "$2"' \
  _ "$E2E_TMP" "$WORK/base/marker.qcow2"
# img-e also has a CD-ROM (ide), with an ISO holding a marker of its own:
# the guest prints "HVCTL-GUEST-CDROM <its /marker>" each time the medium
# changes, "HVCTL-GUEST-CDROM-EMPTY" once it is ejected.
for cd in a b; do
  mkdir -p "$E2E_TMP/cd-$cd"
  printf 'cd-%s-%s\n' "$cd" "$marker" > "$E2E_TMP/cd-$cd/marker"
  ok "an ISO holding marker cd-$cd" bash -c 'genisoimage -quiet -V "HVCTL$2" -o "$3" "$1" && chmod a+r "$3"' \
    _ "$E2E_TMP/cd-$cd" "$cd" "$WORK/base/cd-$cd.iso"
done
# img-d has spec.init: hvctl builds its NoCloud seed, uploads it to the
# pool and attaches it; the guest finds it by its label (cidata) and prints
# "HVCTL-GUEST-SEED-HOSTNAME <local-hostname>" and "HVCTL-GUEST-SEED-MARKER
# <value>" from user-data's "# hvctl-marker: <value>" (a file next to the spec).
printf '#cloud-config\n# hvctl-marker: seed-%s\npackage_update: false\n' "$marker" > "$E2E_TMP/user-data"
seed_host=seed-host-$$
seed_cdrom() { printf '  init:\n    hostname: %s\n    cloudInit: {userData: user-data}\n' "$seed_host"; }
marker_specs() {  # marker_specs POWER [IMG-E'S ISO]
  disk_spec img-d "[{id: root, from: $WORK/base/marker.qcow2}]" "$1" 128MiB
  seed_cdrom
  disk_spec img-e "[{id: root, from: $WORK/base/marker.qcow2, size: 64MiB}]" "$1" 128MiB
  echo "  cdroms: [{id: cd0, image: \"${2-$WORK/base/cd-a.iso}\"}]"
}
marker_specs paused > "$E2E_TMP/marker.yaml"
expect_exit 0 "apply: two paused VMs whose root disks are made from the marker image" -- apply -f "$E2E_TMP/marker.yaml"
consoles=()
for vm in img-d img-e; do
  "$HVCTL" console "$vm" --timeout 300 </dev/null >"$E2E_TMP/$vm.console" 2>"$E2E_TMP/$vm.console.err" &
  consoles+=($!)
done
for vm in img-d img-e; do
  ok "console attached to $vm" wait_for 30 grep -q "connected to $vm's console" "$E2E_TMP/$vm.console.err"
done
marker_specs running > "$E2E_TMP/marker.yaml"
expect_exit 0 "apply resumes them" -- apply -f "$E2E_TMP/marker.yaml"
ok "img-d's guest mounted its disk and read the marker" \
  wait_for 150 grep -aqF "HVCTL-GUEST-DISK $marker" "$E2E_TMP/img-d.console"
ok "img-e's guest, on the disk grown past the image, too" \
  wait_for 30 grep -aqF "HVCTL-GUEST-DISK $marker" "$E2E_TMP/img-e.console"
ok "img-e's guest reads the ISO in its CD-ROM" \
  wait_for 60 grep -aqF "HVCTL-GUEST-CDROM cd-a-$marker" "$E2E_TMP/img-e.console"
ok "img-d's guest finds its seed by label and reads local-hostname from meta-data" \
  wait_for 60 grep -aqF "HVCTL-GUEST-SEED-HOSTNAME seed-host-$$" "$E2E_TMP/img-d.console"
ok "and the marker from user-data (Rock Ridge names: meta-data, user-data)" \
  wait_for 10 grep -aqF "HVCTL-GUEST-SEED-MARKER seed-$marker" "$E2E_TMP/img-d.console"
ok "img-e's guest, whose CD-ROM has another label, finds no seed" \
  wait_for 60 grep -aqF "HVCTL-GUEST-SEED-NONE" "$E2E_TMP/img-e.console"
ok "img-d's seed is a volume hvctl uploaded to the pool" test -s "$WORK/pool/img-d-seed.iso"
expect_exit 0 "get img-d" -- get img-d -o json
ok "get shows its init, not the seed's drive" \
  [ "$(json_get "$out" "(d['spec']['init']['hostname'], 'cdroms' in d['spec'])")" = "('$seed_host', False)" ]
ok "and takes none for one" bash -c '! grep -aq "HVCTL-GUEST-SEED-\(HOSTNAME\|MARKER\|FAIL\)" "$1"' _ "$E2E_TMP/img-e.console"
for vm in img-d img-e; do  # what each guest said, or how far it got
  grep -a "HVCTL-GUEST-\(DISK\|SEED\)" "$E2E_TMP/$vm.console" || tail -n 5 "$E2E_TMP/$vm.console"
done | sed 's/^/  /'
info=$(qemu-img info -U --output=json "$WORK/pool/img-e-root.img" 2>&1)
ok "img-e's overlay is 64MiB over the 8M image" \
  [ "$(json_get "$info" "(d['virtual-size'], d['backing-filename'])")" = "($((64 << 20)), '$WORK/base/marker.qcow2')" ]

# Hot-plug into img-d's running guest, each with apply --no-restart (which
# fails rather than restart) and the same QEMU process (domain id) after:
# a second disk (an empty volume) and a NIC on user-mode networking in one
# apply; the guest reports the disk ("HVCTL-GUEST-BLOCK vdb 16MiB") and the
# address DHCP gave the NIC. Then the disk grows, and the NIC is pruned.
hot_start=$SECONDS
domid=$("${LVIRSH[@]}" domid img-d)
hot_spec() {  # hot_spec DATA_SIZE NICS [EXTRA_DISK] [PRUNE] [POWER]; DATA_SIZE "": no data disk
  disk_spec img-d "[{id: root, from: $WORK/base/marker.qcow2}${1:+, {id: data, size: $1\}}${3:+, $3}]" "${5:-running}" 128MiB
  seed_cdrom
  printf '  nics: %s\n' "$2"
  [ -z "${4:-}" ] || echo "  prune: true"
}
changes() { json_get "$1" "[(c['field'], c['to'], c['needsRestart']) for i in d['items'] for c in i['changes']]"; }
hot_spec 16MiB "[{id: eth0, network: user, model: virtio}]" > "$E2E_TMP/hot.yaml"
expect_exit 2 "plan: a disk and a NIC added to a running VM" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode -o json
ok "both are hot: no restart" [ "$(changes "$out")" = "[('disks[data]', 'add', False), ('nics[eth0]', 'add', False)]" ]
expect_exit 0 "apply --no-restart attaches them" -- apply --no-restart -f "$E2E_TMP/hot.yaml"
ok "the guest sees the new disk" wait_for 60 grep -aqF "HVCTL-GUEST-BLOCK vdb 16MiB" "$E2E_TMP/img-d.console"
ok "the guest's new NIC got an address by DHCP (user-mode networking)" \
  wait_for 60 grep -aqF "HVCTL-GUEST-IP 10.0.2.15" "$E2E_TMP/img-d.console"
expect_exit 0 "get" -- get img-d -o json
ok "hvctl lists both, the NIC as network user" \
  [ "$(json_get "$out" "(d['power'], [x['id'] for x in d['spec']['disks']], [(n['id'], n['network']) for n in d['spec']['nics']])")" = "('running', ['root', 'data'], [('eth0', 'user')])" ]
ok "libvirt's config has them too" bash -c '"${@:2}" dumpxml --inactive img-d | grep -q "type=.user." && "${@:2}" domblklist --inactive img-d | grep -q "$1/pool/img-d-data.img"' _ "$WORK" "${LVIRSH[@]}"
expect_exit 0 "then the plan is clean" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode
hot_spec 16MiB "[{id: eth0, network: user, model: virtio}]" "{id: legacy, size: 8MiB, bus: ide}" > "$E2E_TMP/hot-ide.yaml"
expect_exit 2 "plan: an ide disk cannot be hot-plugged, so it takes a restart" -- \
  plan -f "$E2E_TMP/hot-ide.yaml" --detailed-exitcode
ok "and the plan says so" contains "$out" "disks[legacy] (unset) -> add (needs restart)"

hot_spec 32MiB "[{id: eth0, network: user, model: virtio}]" > "$E2E_TMP/hot.yaml"
expect_exit 2 "plan: a larger disk on a running VM" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode -o json
ok "grows hot" [ "$(changes "$out")" = "[('disks[data].size', '32MiB', False)]" ]
expect_exit 0 "apply --no-restart grows it" -- apply --no-restart -f "$E2E_TMP/hot.yaml"
info=$(qemu-img info -U --output=json "$WORK/pool/img-d-data.img" 2>&1)
ok "the volume is 32MiB" [ "$(json_get "$info" "d['virtual-size']")" = $((32 << 20)) ]
ok "and the guest sees it grow" wait_for 30 grep -aqF "HVCTL-GUEST-BLOCK vdb 32MiB" "$E2E_TMP/img-d.console"

hot_spec 32MiB "[]" "" prune > "$E2E_TMP/hot.yaml"
expect_exit 2 "plan --prune: the NIC the spec leaves out goes, hot" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode -o json
ok "a hot removal" [ "$(changes "$out")" = "[('nics[eth0]', 'remove', False)]" ]
expect_exit 0 "apply --no-restart detaches it" -- apply --no-restart -f "$E2E_TMP/hot.yaml"
ok "the guest saw it go" wait_for 30 grep -aqF "HVCTL-GUEST-NIC-GONE eth0" "$E2E_TMP/img-d.console"
expect_exit 0 "get after the prune" -- get img-d -o json
ok "hvctl no longer lists it, the VM runs" [ "$(json_get "$out" "(d['power'], d['spec'].get('nics', []))")" = "('running', [])" ]
ok "libvirt's live and persistent XML agree" bash -c '! "$@" dumpxml img-d | grep -q "<interface" && ! "$@" dumpxml --inactive img-d | grep -q "<interface"' _ "${LVIRSH[@]}"
expect_exit 0 "and a second plan is clean" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode

# A paused guest cannot release a disk: pruning one from paused img-d is a
# restart, not an unplug left pending in QEMU (which a TCG guest resumed
# later may never answer); apply --no-restart leaves the VM as it was.
hot_spec 32MiB "[]" "" prune paused > "$E2E_TMP/hot.yaml"
expect_exit 0 "apply pauses img-d" -- apply -f "$E2E_TMP/hot.yaml"
hot_spec "" "[]" "" prune paused > "$E2E_TMP/hot.yaml"
expect_exit 2 "plan --prune of a disk on the paused VM" -- plan -f "$E2E_TMP/hot.yaml" --detailed-exitcode -o json
ok "is a restart, saying why" [ "$(json_get "$out" "[(c['field'], c['needsRestart'], c.get('restartReason')) for i in d['items'] for c in i['changes']]")" = \
  "[('disks[data]', True, 'the VM is paused: its guest cannot release it')]" ]
expect_exit 4 "apply --no-restart refuses it" -- apply --no-restart -f "$E2E_TMP/hot.yaml"
ok "saying why" contains "$out$err" "VM 'img-d' needs a restart for this change; left unchanged (--no-restart)"
ok "config and live domain both keep the disk, the VM paused" bash -c \
  '"${@:2}" domblklist --inactive img-d | grep -q "$1" && "${@:2}" domblklist img-d | grep -q "$1" && "${@:2}" domstate img-d | grep -q paused' \
  _ "$WORK/pool/img-d-data.img" "${LVIRSH[@]}"
hot_spec "" "[]" "" prune > "$E2E_TMP/hot.yaml"
expect_exit 0 "resumed, apply --no-restart detaches it hot" -- apply --no-restart -f "$E2E_TMP/hot.yaml"
ok "the guest let go of the disk: live and config agree" \
  bash -c '! "${@:2}" domblklist img-d | grep -q "$1" && ! "${@:2}" domblklist --inactive img-d | grep -q "$1"' _ "$WORK/pool/img-d-data.img" "${LVIRSH[@]}"
expect_exit 0 "get" -- get img-d -o json
ok "hvctl lists its root disk only, running" [ "$(json_get "$out" "(d['power'], [x['id'] for x in d['spec']['disks']])")" = "('running', ['root'])" ]
ok "the removed disk's image is kept" test -f "$WORK/pool/img-d-data.img"
ok "img-d ran throughout, in one QEMU process" [ "$("${LVIRSH[@]}" domid img-d)" = "$domid" ]
echo "  (hot-plug, growth and prune took $((SECONDS - hot_start))s)"

# img-e's CD-ROM: another ISO, then none, each changed live (no restart).
cd_start=$SECONDS
domid_e=$("${LVIRSH[@]}" domid img-e)
marker_specs running "$WORK/base/cd-b.iso" > "$E2E_TMP/marker.yaml"
expect_exit 2 "plan: a new medium is a change" -- plan -f "$E2E_TMP/marker.yaml" --detailed-exitcode -o json
ok "made live" [ "$(changes "$out")" = "[('cdroms[cd0].image', '$WORK/base/cd-b.iso', False)]" ]
expect_exit 0 "apply --no-restart changes the medium" -- apply --no-restart -f "$E2E_TMP/marker.yaml"
ok "the guest reads the new ISO" wait_for 60 grep -aqF "HVCTL-GUEST-CDROM cd-b-$marker" "$E2E_TMP/img-e.console"
marker_specs running "" > "$E2E_TMP/marker.yaml"
expect_exit 0 "apply --no-restart ejects it" -- apply --no-restart -f "$E2E_TMP/marker.yaml"
ok "the guest finds the drive empty" wait_for 60 grep -aqF "HVCTL-GUEST-CDROM-EMPTY" "$E2E_TMP/img-e.console"
expect_exit 0 "get img-e" -- get img-e -o json
ok "get says the drive is empty" [ "$(json_get "$out" "d['spec']['cdroms']")" = "[{'id': 'cd0', 'image': '', 'bus': 'ide'}]" ]
ok "libvirt's live and persistent XML agree: no medium" bash -c \
  '! "$@" dumpxml img-e | grep -q "cd-.\.iso" && ! "$@" dumpxml --inactive img-e | grep -q "cd-.\.iso"' _ "${LVIRSH[@]}"
ok "img-e ran throughout, in one QEMU process" [ "$("${LVIRSH[@]}" domid img-e)" = "$domid_e" ]
marker_specs running "$WORK/base/missing.iso" > "$E2E_TMP/marker.yaml"
expect_exit 5 "a missing ISO is refused (img-d, unchanged, succeeds: partial)" -- apply --no-restart -f "$E2E_TMP/marker.yaml"
ok "naming the VM, the drive and the file" grep -q "cannot put $WORK/base/missing.iso in cdrom 'cd0' of VM 'img-e': no such file" <<<"$out"
ok "and the drive is left as it was" bash -c '! "$@" dumpxml --inactive img-e | grep -q "missing.iso"' _ "${LVIRSH[@]}"
echo "  (CD-ROM changes took $((SECONDS - cd_start))s)"

# A base image of another format than the disk declares: refused before
# anything is made, naming the VM, the disk and the spec line.
cp "$E2E_TMP/marker.raw" "$WORK/base/marker.raw"
disk_spec img-f "[{id: root, from: $WORK/base/marker.raw, format: qcow2}]" > "$E2E_TMP/img-f.yaml"
expect_exit 4 "a raw image declared qcow2 is refused" -- apply -f "$E2E_TMP/img-f.yaml"
ok "naming the VM, the disk, both formats and the line" \
  grep -q "disk 'root' from base image $WORK/base/marker.raw for VM 'img-f': the image is raw, not qcow2 as its format says at $E2E_TMP/img-f.yaml:9:" <<<"$out"
ok "and nothing is made" bash -c '[ ! -e "$1/pool/img-f-root.img" ] && ! "${@:2}" list --all | grep -q img-f' _ "$WORK" "${LVIRSH[@]}"

# A changed init would make img-d a new instance: impossible without
# --reinit; with it, the seed is rebuilt with the VM off and its guest reads
# the new one at the next boot (started paused, so its console misses nothing).
seed_start=$SECONDS
seed_host=seed-host2-$$
domid=$("${LVIRSH[@]}" domid img-d)
hot_spec "" "[]" "" prune > "$E2E_TMP/hot.yaml"
expect_exit 7 "plan: a changed init is impossible without --reinit" -- plan -f "$E2E_TMP/hot.yaml"
ok "saying why" contains "$out$err" "VM 'img-d': spec.init.hostname changes its first-boot identity"
expect_exit 7 "apply leaves it as it is" -- apply -f "$E2E_TMP/hot.yaml"
ok "img-d runs on, in the same QEMU process" [ "$("${LVIRSH[@]}" domid img-d)" = "$domid" ]
hot_spec "" "[]" "" prune paused > "$E2E_TMP/hot.yaml"
expect_exit 0 "apply --reinit rebuilds the seed and restarts img-d (paused)" -- apply --reinit -f "$E2E_TMP/hot.yaml"
"$HVCTL" console img-d --timeout 200 </dev/null >"$E2E_TMP/img-d2.console" 2>"$E2E_TMP/img-d2.console.err" &
consoles+=($!)
ok "console attached to the new img-d" wait_for 30 grep -q "connected to img-d's console" "$E2E_TMP/img-d2.console.err"
hot_spec "" "[]" "" prune > "$E2E_TMP/hot.yaml"
expect_exit 0 "apply resumes it, nothing else to change" -- apply -f "$E2E_TMP/hot.yaml"
ok "its guest reads the new host name from the rebuilt seed" \
  wait_for 150 grep -aqF "HVCTL-GUEST-SEED-HOSTNAME $seed_host" "$E2E_TMP/img-d2.console"
grep -a "HVCTL-GUEST-SEED" "$E2E_TMP/img-d2.console" | sed 's/^/  /'
echo "  (--reinit took $((SECONDS - seed_start))s)"

# A clone's source must be stopped on libvirt (its disks are copied), and
# must exist: both are impossible, and nothing is made.
clone_spec() {  # clone_spec NAME SOURCE READY [INIT]; READY "": none (with INIT: cloud-init's final message)
  printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s}\nspec:\n  source: %s\n' "$1" "$2"
  [ -z "$3" ] || printf '  ready: {console: "%s"}\n' "$3"
  [ -z "${4:-}" ] || printf '  init:\n    hostname: %s\n    cloudInit: {userData: clone-user-data}\n' "$4"
}
{ clone_spec clone-bad "{vm: img-e}" "x"; clone_spec clone-none "{template: tpl-gone}" "x"; } > "$E2E_TMP/clone-bad.yaml"
expect_exit 7 "a running source and a missing template are impossible" -- apply -f "$E2E_TMP/clone-bad.yaml"
ok "saying why for the running one" contains "$out$err" "source VM 'img-e' is running"
ok "and for the missing one" contains "$out$err" "source template 'tpl-gone' does not exist on this target"
ok "and nothing is made" bash -c '! "$@" list --all | grep -q "clone-\(bad\|none\)"' _ "${LVIRSH[@]}"

expect_exit 0 "destroy both" -- destroy --yes img-d img-e
ok "their consoles closed with them" wait "${consoles[@]}"
ok "img-d's seed went with it" test ! -e "$WORK/pool/img-d-seed.iso"

# Clones (spec.source) of tpl-a, a template whose root disk is made from the
# marker image: a full copy and a linked overlay, each booting from its own
# disk while the template's image stays as it was. One apply --wait makes
# both and returns once each is ready by its console: the linked clone's
# ready.console line, and the full clone's cloud-init final message, which
# the test guest prints after reading its own seed (no ready condition).
clone_start=$SECONDS
{ disk_spec tpl-a "[{id: root, from: $WORK/base/marker.qcow2}]" stopped 128MiB; echo "  template: true"; } |
  sed '/^  power:/d' > "$E2E_TMP/tpl.yaml"
expect_exit 0 "apply: a template" -- apply -f "$E2E_TMP/tpl.yaml"
ok "made and never started" [ "$("${LVIRSH[@]}" domstate tpl-a)" = "shut off" ]
expect_exit 3 "start refuses a template" -- start tpl-a
ok "saying why" contains "$out$err" "VM 'tpl-a' is a template: templates are never powered on"
tpl_sum=$(sha256sum < "$WORK/pool/tpl-a-root.img")
printf '#cloud-config\n# hvctl-marker: clone-%s\npackage_update: false\n' "$marker" > "$E2E_TMP/clone-user-data"
{ clone_spec clone-full "{template: tpl-a}" "" "clone-host-$$"
  clone_spec clone-linked "{template: tpl-a, linked: true}" "HVCTL-GUEST-DISK $marker"; } > "$E2E_TMP/clones.yaml"
expect_exit 2 "plan: two clones" -- plan -f "$E2E_TMP/clones.yaml" --detailed-exitcode
ok "plan says what each is a clone of" contains "$out" "create (clone of tpl-a, linked), start"
ok "and the full one" contains "$out" "create (clone of tpl-a), start"
expect_exit 0 "apply --wait: both made, started and ready by their consoles" -- \
  apply --wait --timeout 240 -f "$E2E_TMP/clones.yaml" -o json
ok "the full clone, with init and no ready condition, by cloud-init's final message on its console" \
  contains "$out" "console showed cloud-init's final message"
ok "and by the disk's marker on the linked clone's" contains "$out" "console showed 'HVCTL-GUEST-DISK $marker'"
clone_spec clone-full "{template: tpl-a}" "" "clone-host-$$" > "$E2E_TMP/clone-full.yaml"
expect_exit 0 "a later wait --for ready, in a process that did not start it, does not wait for first boot again" -- \
  wait -f "$E2E_TMP/clone-full.yaml" --for ready --timeout 20
ok "and says why" contains "$out$err" "cloud-init's end not watched: this hvctl did not start the VM"
info=$(qemu-img info -U --output=json "$WORK/pool/clone-full-root.img" 2>&1)
ok "the full clone's disk is a copy, with no backing file" [ "$(json_get "$info" "d.get('backing-filename', 'none')")" = "none" ]
info=$(qemu-img info -U --output=json "$WORK/pool/clone-linked-root.img" 2>&1)
ok "the linked clone's disk is an overlay on the template's" \
  [ "$(json_get "$info" "(d['format'], d['backing-filename'])")" = "('qcow2', '$WORK/pool/tpl-a-root.img')" ]
ok "the template's image is unchanged" [ "$(sha256sum < "$WORK/pool/tpl-a-root.img")" = "$tpl_sum" ]
ok "the template stays off" [ "$("${LVIRSH[@]}" domstate tpl-a)" = "shut off" ]
expect_exit 0 "a second plan is clean" -- plan -f "$E2E_TMP/clones.yaml" --detailed-exitcode
clone_spec clone-full "{template: tpl-b}" "x" > "$E2E_TMP/clone-changed.yaml"
expect_exit 0 "a changed source is no change" -- plan -f "$E2E_TMP/clone-changed.yaml" --detailed-exitcode
ok "and the plan says it is ignored" contains "$out" "ignored (read at create only): source.template tpl-a -> tpl-b"
expect_exit 0 "destroy the clones and the template" -- destroy --yes clone-full clone-linked tpl-a
ok "their volumes went with them" bash -c '! ls "$1"/pool/ | grep -q "\(clone-\|tpl-a\)"' _ "$WORK"
echo "  (clones took $((SECONDS - clone_start))s)"

finish
