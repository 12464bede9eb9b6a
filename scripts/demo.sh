#!/usr/bin/env bash
# hvctl's main job on an embedded default: starts a private libvirtd (QEMU
# under TCG) and VMware's vCenter simulator (vcsim), applies the demo fleet
# (three tiny guests on libvirt, one VM on vSphere), shows the plan, the
# result and a second, empty plan, then cleans everything up.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
scripts/install-deps.sh
scripts/build.sh
build=$(cd "${HVCTL_BUILD_DIR:-build}" && pwd)
hvctl=$build/hvctl
source tests/e2e/lib.sh
# The private libvirtd and its guests run as an unprivileged user: a clone in a
# closed directory (root's home is 0700) gets its demo directory under /tmp.
demo=$(reachable_work_dir "$build/demo")

tests/harness/tiny-guest.sh "$demo/guest" >/dev/null
tests/harness/libvirtd.sh stop "$demo/libvirtd" >/dev/null 2>&1 || true
tests/harness/libvirtd.sh start "$demo/libvirtd" >/dev/null
tests/vcsim/build.sh "$build/vcsim" >/dev/null
export VCSIM_BIN=$build/vcsim/bin/vcsim  # vcsim.sh defaults to build/; follow HVCTL_BUILD_DIR
tests/vcsim/vcsim.sh stop "$demo/vcsim" >/dev/null 2>&1 || true
tests/vcsim/vcsim.sh start "$demo/vcsim" >/dev/null
cleanup() {
  "$hvctl" --config "$demo/config.yaml" destroy --yes -q demo-web-01 demo-web-02 demo-batch-01 >/dev/null 2>&1 || true
  tests/harness/libvirtd.sh stop "$demo/libvirtd" >/dev/null 2>&1 || true
  tests/vcsim/vcsim.sh stop "$demo/vcsim" >/dev/null 2>&1 || true
  [ "$demo" = "$build/demo" ] || rm -rf "$demo"
}
trap cleanup EXIT
export DEMO_VC_PASSWORD=pass   # vcsim's; hvctl reads it through password_env

cat > "$demo/config.yaml" <<EOC
default_target: demo
targets:
  demo:
    type: libvirt
    uri: "$(cat "$demo/libvirtd/uri")"
    domain_type: qemu
  vc:
    type: vsphere
    uri: "$(cat "$demo/vcsim/url")"
    username: user
    password_env: DEMO_VC_PASSWORD
    insecure: true                 # vcsim's self-signed certificate; hvctl warns on every run
EOC
cp "$src/examples/fleet/fleet.yaml" "$demo/fleet.yaml"   # its guest/ paths are relative to it

run() { echo; echo "\$ hvctl $*"; "$hvctl" --config "$demo/config.yaml" "$@"; }
run validate -f "$demo/fleet.yaml"
run plan -f "$demo/fleet.yaml"
run apply -f "$demo/fleet.yaml"
run list -A
set +e
run plan -f "$demo/fleet.yaml" --detailed-exitcode
echo "(exit code $?: 0 means nothing left to do)"
set -e
echo; echo "Cleaning up: destroying the demo VMs and stopping the private libvirtd."
