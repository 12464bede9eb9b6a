#!/usr/bin/env bash
# hvctl's main job on an embedded default: starts a private libvirtd (QEMU
# under TCG), applies the demo fleet of tiny guests, shows the plan, the
# result and a second, empty plan, then cleans everything up.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
scripts/install-deps.sh
scripts/build.sh
build=$(cd "${HVCTL_BUILD_DIR:-build}" && pwd)
hvctl=$build/hvctl
demo=$build/demo
mkdir -p "$demo"

tests/harness/tiny-guest.sh "$demo/guest" >/dev/null
tests/harness/libvirtd.sh stop "$demo/libvirtd" >/dev/null 2>&1 || true
tests/harness/libvirtd.sh start "$demo/libvirtd" >/dev/null
cleanup() {
  "$hvctl" --config "$demo/config.yaml" destroy --yes -q demo-web-01 demo-web-02 demo-batch-01 >/dev/null 2>&1 || true
  tests/harness/libvirtd.sh stop "$demo/libvirtd" >/dev/null 2>&1 || true
}
trap cleanup EXIT

cat > "$demo/config.yaml" <<EOC
default_target: demo
targets:
  demo:
    type: libvirt
    uri: "$(cat "$demo/libvirtd/uri")"
    domain_type: qemu
EOC
cp "$src/examples/fleet/fleet.yaml" "$demo/fleet.yaml"   # its guest/ paths are relative to it

run() { echo; echo "\$ hvctl $*"; "$hvctl" --config "$demo/config.yaml" "$@"; }
run validate -f "$demo/fleet.yaml"
run plan -f "$demo/fleet.yaml"
run apply -f "$demo/fleet.yaml"
run list
set +e
run plan -f "$demo/fleet.yaml" --detailed-exitcode
echo "(exit code $?: 0 means nothing left to do)"
set -e
echo; echo "Cleaning up: destroying the demo VMs and stopping the private libvirtd."
