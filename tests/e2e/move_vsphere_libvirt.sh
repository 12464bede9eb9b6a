#!/usr/bin/env bash
# hvctl move between vSphere and libvirt, on real counterparts: a vcsim whose
# VM "mover" has a bootable Linux disk (a file under vcsim's datastore
# directory), and a private libvirtd running QEMU (TCG) guests.
#  1. vcsim -> libvirt: refused while the source runs; then with --shutdown
#     the disk streams into a pool volume (checksum = the source's), the VM
#     is defined, and its written spec boots it (SeaBIOS, GRUB on the disk,
#     the marker from its initramfs); the source is kept, off and labelled,
#     and a start of it is refused without --force.
#  2. libvirt -> vcsim, the way back: the disk arrives on the datastore as a
#     flat extent with its descriptor, the VM is defined with it and started,
#     and once it is ready the source is deleted (--delete-source).
#  3. vcsim stopped (SIGSTOP) mid-copy: the move fails, defines nothing, and
#     once vcsim answers again a re-run starts the copy cleanly and finishes.
#  4. a libvirt VM on a qcow2 overlay of a raw base volume (a linked clone),
#     with two internal snapshots, moves to vcsim whole with --consolidate:
#     its snapshots go first, libvirt converts it into a raw scratch volume,
#     which is streamed and removed; the base volume is unchanged.
#  Step 1 makes a vSphere snapshot first: refused, then deleted by --consolidate.
# Usage: move_vsphere_libvirt.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
HVCTL=$1 SRC=$2 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
source "$SRC/tests/harness/vcsim-mover.sh"
WORK=$(reachable_work_dir "$3")
E2E_TMP=$WORK/tmp
rm -rf "$E2E_TMP"; mkdir -p "$E2E_TMP"
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || { echo "cannot build vcsim"; exit 1; }
export VCSIM_BIN=$VCSIM_BUILD/bin/vcsim
private_libvirtd "$3"
trap '"$SRC/tests/vcsim/vcsim.sh" stop "$WORK/vcsim" >/dev/null 2>&1; stop_private_libvirtd' EXIT
"$SRC/tests/vcsim/vcsim.sh" stop "$WORK/vcsim" >/dev/null 2>&1
"$SRC/tests/vcsim/vcsim.sh" start "$WORK/vcsim" >/dev/null || exit 1
LVIRSH=(virsh -q -c "$(cat "$WORK/libvirtd/uri")")
for d in $("${LVIRSH[@]}" list --all --name); do  # an earlier run's (the daemon keeps them)
  "${LVIRSH[@]}" destroy "$d" >/dev/null 2>&1; "${LVIRSH[@]}" undefine "$d" >/dev/null
done
rm -rf "$WORK/pool"; mkdir -p "$WORK/pool"; chmod 777 "$WORK/pool"
{ "${LVIRSH[@]}" pool-destroy disks; "${LVIRSH[@]}" pool-undefine disks; } >/dev/null 2>&1
"${LVIRSH[@]}" pool-define-as disks dir --target "$WORK/pool" >/dev/null && "${LVIRSH[@]}" pool-start disks >/dev/null
cat > "$E2E_TMP/config.yaml" <<EOC
targets:
  lab: {type: libvirt, uri: "$(cat "$WORK/libvirtd/uri")", domain_type: qemu, pool: disks}
  vc: {type: vsphere, uri: "$(cat "$WORK/vcsim/url")", username: user, password_env: VC_PASSWORD, insecure: true,
       timeout: 3s}
EOC
# The harness keeps its kernel and images where it always does; hvctl's session cache is private.
export HVCTL_CACHE_DIR=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}
export HVCTL_CONFIG=$E2E_TMP/config.yaml VC_PASSWORD=pass XDG_CACHE_HOME=$E2E_TMP/cache
export HVCTL_STATE_DIR=$E2E_TMP/state HVCTL_LOCK_DIR=$E2E_TMP/locks
marker="to-libvirt-$$"
vcsim_mover "$WORK/vcsim" "$HVCTL" "$HVCTL_CONFIG" vc mover "$marker" 64M || exit 1
MAP=(--map-network "VM Network=user")

# 1. vcsim -> libvirt
expect_exit 0 "start the source" -- --target vc start mover
expect_exit 7 "a running source is never copied without --shutdown" -- --target vc move mover --to lab "${MAP[@]}"
ok "it says so" contains "$out" "a running VM is never copied"
expect_exit 0 "the source still runs" -- --target vc get mover -o json
ok "  (running)" [ "$(json_get "$out" "d['power']")" = running ]
ok "nothing was copied" [ -z "$(ls -A "$WORK/pool")" ]
expect_exit 0 "a snapshot of the source" -- --target vc snapshot create mover pre-move
expect_exit 7 "its snapshot stops the move" -- --target vc move mover --to lab "${MAP[@]}" --shutdown --dry-run
ok "  saying how to move it all the same" contains "$out" "or move with --consolidate, which deletes them first"
expect_exit 0 "--consolidate plans its deletion" -- \
  --target vc move mover --to lab "${MAP[@]}" --shutdown --consolidate --dry-run
ok "  naming it" contains "$out" "consolidate: delete its 1 snapshot(s) first, children first: pre-move"
expect_exit 0 "  and deletes nothing yet" -- --target vc snapshot list mover -o json
ok "  (pre-move is there)" [ "$(json_get "$out" "[i['name'] for i in d['items']]")" = "['pre-move']" ]
expect_exit 0 "--shutdown --consolidate stops the source, deletes its snapshot, copies its disk, defines it on libvirt" -- \
  --target vc move mover --to lab "${MAP[@]}" --shutdown --consolidate --no-start -O "$E2E_TMP/moved.yaml"
ok "it stopped the source first" contains "$err" "stopped mover on vc"
ok "then deleted the snapshot" contains "$err" "deleted mover's 1 snapshot(s) on vc: pre-move (their changes stay in its disks)"
ok "it verified the copy" contains "$err" "verified, xxh128:$MOVER_XXH128"
expect_exit 0 "the snapshot is gone" -- --target vc snapshot list mover -o json
ok "  (none left)" [ "$(json_get "$out" "d['items']")" = "[]" ]
ok "the pool volume holds the source disk's content" \
  [ "$(sha256sum "$WORK/pool/mover-root.raw" | cut -d' ' -f1)" = "$MOVER_SHA256" ]
ok "the written spec puts the disk on virtio" grep -q "bus: virtio" "$E2E_TMP/moved.yaml"
expect_exit 0 "the source is kept" -- --target vc get mover -o json
ok "  off, labelled hvctl.moved-to=lab/mover" \
  [ "$(json_get "$out" "(d['power'], d['labels'].get('hvctl.moved-to'))")" = "('stopped', 'lab/mover')" ]
expect_exit 3 "a start of the moved source is refused" -- --target vc start mover
ok "  it says why and how" contains "$err" "start --force"
{ cat "$E2E_TMP/moved.yaml"; printf '  power: running\n  ready:\n    console: "HVCTL-MOVED-GUEST %s"\n' "$marker"; } \
  > "$E2E_TMP/moved-ready.yaml"
expect_exit 0 "the written spec boots the copy from its disk (BIOS, GRUB) until it prints its marker" -- \
  --target lab apply -f "$E2E_TMP/moved-ready.yaml" --wait --timeout 240
expect_exit 0 "stop the copy" -- --target lab stop mover --force

# 2. libvirt -> vcsim
expect_exit 0 "the way back: libvirt -> vcsim, the source deleted once its copy is ready" -- --target lab move mover \
  --to vc --name mover-back --map-network "user=VM Network" --delete-source -O "$E2E_TMP/back.yaml"
ok "  it waited for the copy first" contains "$err" "mover-back is ready"
expect_exit 8 "  the libvirt source is gone" -- --target lab get mover
DS=$(ls -d "$WORK"/vcsim/tmp/*LocalDS_0* | head -1)
back=$(ls "$DS"/mover-back/*-flat.vmdk 2>/dev/null | head -1)
ok "the disk arrived on the datastore as a flat extent" [ -n "$back" ]
ok "  with the source's content" [ "$(sha256sum "$back" | cut -d' ' -f1)" = "$MOVER_SHA256" ]
expect_exit 0 "the VM is defined on vcsim" -- --target vc get mover-back -o json
ok "  with the disk on SCSI and its NIC on VM Network" \
  [ "$(json_get "$out" "([x.get('bus') for x in d['spec']['disks']], [n['network'] for n in d['spec']['nics']])")" = "(['scsi'], ['VM Network'])" ]

# 3. vcsim stopped mid-copy (an 1 GiB disk: long enough to catch)
vcsim_mover "$WORK/vcsim" "$HVCTL" "$HVCTL_CONFIG" vc big "big-$$" 1G || exit 1
"$HVCTL" --target vc move big --to lab "${MAP[@]}" --no-start >"$E2E_TMP/big.out" 2>"$E2E_TMP/big.err" &
pid=$!
vcsim_pid=$(cat "$WORK/vcsim/pid")
if wait_for 60 bash -c '[ "$(cat "$1"/moves/big-*.json 2>/dev/null | grep -o "\"[0-9a-f]\{32\}\"" | wc -l)" -ge 8 ]' _ "$HVCTL_STATE_DIR"
then kill -STOP "$vcsim_pid"; fi
wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"  # (the target's timeout: 3s ends the read)
kill -CONT "$vcsim_pid"
rc=0; wait "$pid" || rc=$?
pid=
ok "the move fails while vcsim does not answer (rc $rc)" [ "$rc" = 4 ]
ok "  and says what it was copying" grep -q "disk 'root'\|big" "$E2E_TMP/big.err"
expect_exit 8 "  nothing is defined on libvirt" -- --target lab get big
expect_exit 0 "once vcsim answers, a re-run starts the copy cleanly and finishes" -- \
  --target vc move big --to lab "${MAP[@]}" --no-start
ok "  the copy is the source's" [ "$(sha256sum "$WORK/pool/big-root.raw" | cut -d' ' -f1)" = "$MOVER_SHA256" ]

# 4. libvirt (a qcow2 overlay) -> vcsim
head -c 12M /dev/urandom > "$WORK/pool/qbase.raw"; truncate -s 16M "$WORK/pool/qbase.raw"
"${LVIRSH[@]}" pool-refresh disks >/dev/null
"${LVIRSH[@]}" vol-create-as disks q-root.qcow2 16M --format qcow2 --backing-vol "$WORK/pool/qbase.raw" \
  --backing-vol-format raw >/dev/null
base_sha=$(sha256sum "$WORK/pool/qbase.raw" | cut -d' ' -f1)
cat > "$E2E_TMP/q.yaml" <<EOS
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: q}
spec:
  memory: {size: 64MiB}
  disks: [{id: root, path: $WORK/pool/q-root.qcow2, format: qcow2, bus: virtio}]
  nics: [{id: eth0, network: user}]
  power: stopped
EOS
expect_exit 0 "a VM on a qcow2 overlay of a raw base volume" -- --target lab apply -f "$E2E_TMP/q.yaml"
ok "with two internal snapshots, one a child of the other" bash -c \
  '"$@" snapshot-create-as q s1 >/dev/null && "$@" snapshot-create-as q s2 >/dev/null' _ "${LVIRSH[@]}"
expect_exit 7 "its snapshots stop the move" -- --target lab move q --to vc --map-network "user=VM Network" --dry-run
ok "  saying so" contains "$out" "VM 'q' has 2 snapshot(s)"
expect_exit 0 "its move plan with --consolidate says how the qcow2 disk travels" -- --target lab move q --to vc \
  --map-network "user=VM Network" --consolidate --dry-run
ok "  converted by libvirt into a raw scratch volume" contains "$out$err" "qcow2 volume converted by libvirt"
ok "  the child snapshot deleted before its parent" contains "$out" "children first: s2, s1"
expect_exit 0 "the qcow2 VM moves to vcsim" -- --target lab move q --to vc --map-network "user=VM Network" \
  --consolidate --no-start
ok "  its snapshots deleted first" contains "$err" "deleted q's 2 snapshot(s) on lab: s2, s1"
ok "  from libvirt and from the qcow2 file" bash -c \
  '[ -z "$("${@:2}" snapshot-list q --name)" ] && [ -z "$(qemu-img snapshot -U -l "$1")" ]' _ "$WORK/pool/q-root.qcow2" "${LVIRSH[@]}"
q_flat=$(ls "$DS"/q/*-flat.vmdk 2>/dev/null | head -1)
same_sha() { [ -n "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
ok "the flat extent on the datastore is the overlay read through its base" same_sha "$q_flat" "$base_sha"
ok "the scratch volume is gone" [ -z "$(ls "$WORK/pool" | grep hvctl-move)" ]
ok "the source overlay still reads as its base (only its snapshots went)" \
  qemu-img compare -U -q "$WORK/pool/q-root.qcow2" "$WORK/pool/qbase.raw"
ok "  and its base is unchanged" same_sha "$WORK/pool/qbase.raw" "$base_sha"
finish
