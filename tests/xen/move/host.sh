#!/usr/bin/env bash
# e2e_xen_move: hvctl move of a vcsim VM to real Xen. On this host: a vcsim
# whose datastore holds a bootable Linux disk (tests/harness/bootable-disk.sh)
# as the flat extent of VM "mover". Then Xen under QEMU with a network
# (run-in-dom0.sh --net): hvctl inside dom0 moves the VM from the vcsim
# (the host's 127.0.0.1:PORT is 10.0.2.2:PORT there) to libxl:local, and
# dom0/run.sh checks the guest boots from the moved disk through pvgrub.
# Usage: host.sh HVCTL CACHE_DIR WORK_DIR VCSIM_BUILD_DIR run-in-dom0-args... (the --bin FILEs)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../../.." && pwd)
HVCTL=$1 CACHE=$2 WORK=$3 VCSIM_BUILD=$4; shift 4
mkdir -p "$WORK"
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || { echo "cannot build vcsim"; exit 1; }
export VCSIM_BIN=$VCSIM_BUILD/bin/vcsim
W=$(mktemp -d "$WORK/move-e2e.XXXXXX")
cleanup() { "$SRC/tests/vcsim/vcsim.sh" stop "$W/vcsim" >/dev/null 2>&1 || true; rm -rf "$W"; }
trap cleanup EXIT

"$SRC/tests/vcsim/vcsim.sh" start "$W/vcsim" >/dev/null
url=$(cat "$W/vcsim/url")
port=${url##*:}; port=${port%%/*}
marker="moved-$(date +%s)-$$"
cat > "$W/host-config.yaml" <<EOC
targets:
  vc: {type: vsphere, uri: "$url", username: user, password_env: VC_PASSWORD, insecure: true}
EOC
# The harness keeps its kernel and images where it always does; hvctl's session cache is private.
export HVCTL_CACHE_DIR=${HVCTL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hvctl-test}
export VC_PASSWORD=pass XDG_CACHE_HOME=$W/cache
source "$SRC/tests/harness/vcsim-mover.sh"
# 256 MiB: zeros after the partition make a copy long enough to interrupt.
vcsim_mover "$W/vcsim" "$HVCTL" "$W/host-config.yaml" vc mover "$marker" 256M
mkdir -p "$W/test"

# dom0 reaches the vcsim through QEMU's user network.
cp -a "$HERE/dom0/." "$W/test/"
cp "$SRC/tests/xen/e2e/lib.sh" "$W/test/xen-lib.sh"
cat > "$W/test/config.yaml" <<EOC
targets:
  vc: {type: vsphere, uri: "https://10.0.2.2:$port/sdk", username: user, password_env: VC_PASSWORD, insecure: true}
  xen: {type: xen, uri: "libxl:local"}
  xen-small: {type: xen, uri: "libxl:local", state_dir: /mnt/small}
EOC
printf 'MARKER=%s\nSHA256=%s\nSIZE=%s\n' "$marker" "$MOVER_SHA256" "$MOVER_SIZE" > "$W/test/params"
rc=0
"$SRC/tests/xen/harness/run-in-dom0.sh" --net --timeout 660 --cache "$CACHE" "$@" "$W/test" || rc=$?
# The source, seen from the host afterwards: still there, off, labelled.
state=$("$HVCTL" --config "$W/host-config.yaml" --target vc get mover -o json)
python3 - "$state" <<'EOP' || rc=1
import json, sys
d = json.loads(sys.argv[1])
ok = d["power"] == "stopped" and d["labels"].get("hvctl.moved-to") == "xen/mover"
print(("PASS" if ok else "FAIL") + ": the vcsim source is kept, stopped, labelled hvctl.moved-to=xen/mover (" +
      d["power"] + ", " + json.dumps(d["labels"]) + ")")
sys.exit(0 if ok else 1)
EOP
if [ "$(sha256sum "$MOVER_FLAT" | cut -d' ' -f1)" = "$MOVER_SHA256" ]; then echo "PASS: the source's disk is unchanged"; else echo "FAIL: the source's disk changed"; rc=1; fi
exit "$rc"
