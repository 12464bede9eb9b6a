#!/usr/bin/env bash
# ctest entry vsphere_vcsim: builds vcsim if needed, starts two simulators (a
# vCenter with vcsim's own certificate, and one serving a certificate made here
# by openssl), runs the doctest suite "vsphere-vcsim", then drives the hvctl
# binary end to end, including the check that a second plan of 200 VMs reads
# the inventory in a constant number of SOAP calls, and disks and NICs added,
# grown, pruned and made from a datastore image as govc sees them
# (e2e-devices.sh), CD-ROM drives and controllers (e2e-cdroms.sh), and
# templates, clones, guestinfo and guest customization (e2e-clones.sh). The
# simulators are stopped
# by PID on any exit.
#
# usage: run-vcsim-tests.sh HVCTL_BIN TESTS_BIN SOURCE_DIR VCSIM_BUILD_DIR
set -euo pipefail

hvctl=$1 tests=$2 src=$3 vcsim_build=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/hvctl-vsphere.XXXXXX")
sims=()

cleanup() {
  local rc=$?
  for dir in "${sims[@]}"; do "$src/tests/vcsim/vcsim.sh" stop "$dir" >/dev/null 2>&1 || true; done
  if [ "$rc" -eq 0 ]; then rm -rf "$work"; else echo "vsphere_vcsim: failed; logs in $work" >&2; fi
}
trap cleanup EXIT

start_sim() {  # DIR [vcsim flags]: starts one simulator (not in a subshell: `sims` must see it)
  local dir=$1; shift
  sims+=("$dir")
  VCSIM_BIN="$vcsim_build/bin/vcsim" "$src/tests/vcsim/vcsim.sh" start "$dir" "$@" >/dev/null
}

"$src/tests/vcsim/build.sh" "$vcsim_build" >/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_sim "$work/sim"
start_sim "$work/sim-tls" -tlscert "$work/cert.pem" -tlskey "$work/key.pem"
url=$(cat "$work/sim/url") tls_url=$(cat "$work/sim-tls/url")
export HVCTL_VCSIM_URL=$url HVCTL_VCSIM_TLS_URL=$tls_url HVCTL_VCSIM_CA=$work/cert.pem
HVCTL_VCSIM_THUMBPRINT=$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
export HVCTL_VCSIM_THUMBPRINT

# Sessions kept between runs go to a private cache; the doctest cases count
# Login calls, so they run without it unless a case turns it on itself.
export XDG_CACHE_HOME=$work/cache
echo "== doctest suite vsphere-vcsim against $url"
HVCTL_NO_SESSION_CACHE=1 "$tests" --test-suite=vsphere-vcsim

echo "== hvctl end to end"
"$src/tests/vsphere/e2e-hvctl.sh" "$hvctl" "$url" "$work/e2e"
"$src/tests/vsphere/e2e-safe-apply.sh" "$hvctl" "$url" "$work/e2e-safe"
"$src/tests/vsphere/e2e-devices.sh" "$hvctl" "$url" "$work/e2e-devices" "$vcsim_build/bin/govc"
"$src/tests/vsphere/e2e-cdroms.sh" "$hvctl" "$url" "$work/e2e-cdroms" "$vcsim_build/bin/govc"
start_sim "$work/sim-esx" -esx  # a host: CopyVirtualDisk_Task with a destSpec
"$src/tests/vsphere/e2e-devices.sh" "$hvctl" "$(cat "$work/sim-esx/url")" "$work/e2e-devices-esx" "$vcsim_build/bin/govc"
"$src/tests/vsphere/e2e-clones.sh" "$hvctl" "$url" "$work/e2e-clones" "$vcsim_build/bin/govc" "$(cat "$work/sim-esx/url")"
start_sim "$work/sim-migrate" -vm 0  # no VMs of vcsim's own: a drain moves only the test's
"$src/tests/vsphere/e2e-migrate.sh" "$hvctl" "$(cat "$work/sim-migrate/url")" "$work/e2e-migrate" "$vcsim_build/bin/govc"
