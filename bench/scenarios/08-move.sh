#!/usr/bin/env bash
# summary: move a 2 GiB disk vcsim -> libvirt: hvctl move vs govc datastore.download + qemu-img convert
# Scenario 8, cold migration: `hvctl move` of a vcsim VM whose 2 GiB disk
# (a bootable Linux, 512 MiB of random data after it, zeros to the end) is a
# flat extent on vcsim's datastore, into a pool volume of a private libvirtd
# (QEMU), the VM defined there. The peer is the same disk work done by hand:
# `govc datastore.download` of the extent to a local file, then `qemu-img
# convert` of it into the pool (sparse, as hvctl writes). hvctl streams (no
# scratch copy) and reads the copy back to check every block's XXH3-128; the
# peer checks nothing and defines no VM; a second peer adds the check by
# hand (xxhsum -H2 of the download and of the copy, the digest hvctl reports). Before each run the previous run's
# copy, VM and the source's moved-to label are removed (--prepare, untimed).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-8.XXXXXX)
chmod 755 "$W"
trap 'vcsim_stop "$W/sim"; "$REPO/tests/harness/libvirtd.sh" stop "$W/lv" >/dev/null 2>&1; rm -rf "$W"' EXIT
# The harness keeps its kernel and images where it always does; hvctl's session cache is private.
export HVCTL_CACHE_DIR=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}
export VC_PASSWORD=pass XDG_CACHE_HOME=$W/cache HVCTL_STATE_DIR=$W/state HVCTL_LOCK_DIR=$W/locks
SIZE=${BENCH_MOVE_SIZE:-2G}

vcsim_fresh "$W/sim"
"$REPO/tests/harness/libvirtd.sh" start "$W/lv" >/dev/null
mkdir -p "$W/pool" && chmod 777 "$W/pool"
virsh -q -c "$(cat "$W/lv/uri")" pool-define-as disks dir --target "$W/pool" >/dev/null
virsh -q -c "$(cat "$W/lv/uri")" pool-start disks >/dev/null
cfg=$W/hvctl.yaml
{ sed -n '1,2p' "$W/sim/hvctl.yaml"; printf '  lab: {type: libvirt, uri: "%s", domain_type: qemu, pool: disks}\n' "$(cat "$W/lv/uri")"; } > "$cfg"
source "$REPO/tests/harness/vcsim-mover.sh"
vcsim_mover "$W/sim" "$HVCTL" "$cfg" vc mover bench "$SIZE"
head -c 512M /dev/urandom | dd of="$MOVER_FLAT" bs=1M seek=128 conv=notrunc status=none
sum=$(sha256sum "$MOVER_FLAT" | cut -d' ' -f1)
note "disk: $(numfmt --to=iec "$MOVER_SIZE") ($(du -h "$MOVER_FLAT" | cut -f1) allocated), sha256 ${sum:0:16}"

cat > "$W/reset.sh" <<EOS
#!/bin/sh
# Undo a run: the copy's VM and volume, the journal, the source's label.
HVCTL_CONFIG=$cfg $HVCTL --target lab destroy mover --yes >/dev/null 2>&1
virsh -q -c "$(cat "$W/lv/uri")" vol-delete mover-root.raw --pool disks >/dev/null 2>&1
rm -rf "$W/state"
printf 'apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: mover, labels: {app: moved}}\nspec: {target: vc}\n' |
  HVCTL_CONFIG=$cfg $HVCTL apply --force -f - >/dev/null
rm -f "$W/dl.raw" "$W/pool/hand.raw"
virsh -q -c "$(cat "$W/lv/uri")" pool-refresh disks >/dev/null
EOS
chmod +x "$W/reset.sh"
measure hvctl "hvctl move ($SIZE, verified, VM defined)" "$(runs_or 3)" --prepare "$W/reset.sh" -- \
  "HVCTL_CONFIG=$cfg $HVCTL -q --target vc move mover --to lab --map-network 'VM Network=user' --no-start >/dev/null"
[ "$(sha256sum "$W/pool/mover-root.raw" | cut -d' ' -f1)" = "$sum" ] || bench_die "hvctl's copy differs from the source"
measure peer "govc datastore.download + qemu-img convert" "$(runs_or 3)" --prepare "$W/reset.sh" -- \
  ". $W/sim/env; $GOVC datastore.download -ds LocalDS_0 mover/mover-flat.vmdk $W/dl.raw && qemu-img convert -f raw -O raw $W/dl.raw $W/pool/hand.raw"
[ "$(sha256sum "$W/pool/hand.raw" | cut -d' ' -f1)" = "$sum" ] || bench_die "the peer's copy differs from the source"
measure peer "the same, then xxhsum -H2 of the download and of the copy" "$(runs_or 3)" --prepare "$W/reset.sh" -- \
  ". $W/sim/env; $GOVC datastore.download -ds LocalDS_0 mover/mover-flat.vmdk $W/dl.raw && qemu-img convert -f raw -O raw $W/dl.raw $W/pool/hand.raw && [ \"\$(xxhsum -H2 < $W/dl.raw)\" = \"\$(xxhsum -H2 < $W/pool/hand.raw)\" ]"
