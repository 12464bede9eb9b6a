#!/bin/bash
# Smoke test of the vcsim harness: builds (a no-op when cached), starts a vCenter-mode and an
# ESXi-mode simulator side by side, drives both with govc, and stops them.
#
#   tests/vcsim/smoke.sh [BUILDDIR]      (default: <repo>/build/vcsim)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=${1:-$ROOT/build/vcsim}
"$HERE/build.sh" "$B"
B=$(cd "$B" && pwd)
export VCSIM_BIN=$B/bin/vcsim
GOVC=$B/bin/govc

RUN=$(mktemp -d "${TMPDIR:-/tmp}/vcsim-smoke.XXXXXX")
trap '"$HERE/vcsim.sh" stop "$RUN/vc"; "$HERE/vcsim.sh" stop "$RUN/esx"; rm -rf "$RUN"' EXIT

"$HERE/vcsim.sh" start "$RUN/vc" >/dev/null
"$HERE/vcsim.sh" start "$RUN/esx" -esx >/dev/null

# check DIR DATACENTER POOL: one instance, one VM lifecycle.
check() {
  local dir=$1 dc=$2 pool=$3 url
  url=$(cat "$dir/url")
  case $url in https://127.0.0.1:*/sdk) ;; *) echo "unexpected url $url" >&2; return 1 ;; esac
  (
    export GOVC_URL="user:pass@${url#https://}" GOVC_INSECURE=1 GOVMOMI_HOME=$dir/govmomi-home
    "$GOVC" about | grep -q 'govmomi simulator'
    [ "$("$GOVC" ls "/$dc/vm" | wc -l)" -ge 2 ]
    "$GOVC" vm.create -m 64 -c 1 -net 'VM Network' -ds LocalDS_0 -pool "$pool" -on=false testvm
    "$GOVC" vm.info testvm | grep -q 'poweredOff'
    "$GOVC" vm.power -on testvm >/dev/null
    "$GOVC" vm.info testvm | grep -q 'poweredOn'
    "$GOVC" vm.destroy testvm
    if "$GOVC" vm.info testvm | grep -q testvm; then echo "testvm still exists" >&2; exit 1; fi
    # A wrong password must be refused (govc about alone does not log in).
    if GOVC_URL="user:wrong@${url#https://}" GOVMOMI_HOME=$dir/empty-home \
        "$GOVC" ls / >/dev/null 2>"$dir/wrong.err"; then
      echo "wrong password accepted" >&2; exit 1
    fi
    grep -q 'Login failure' "$dir/wrong.err"
  )
  echo "ok: $url ($dc)"
}
check "$RUN/vc" DC0 /DC0/host/DC0_C0/Resources
check "$RUN/esx" ha-datacenter /ha-datacenter/host/localhost.localdomain/Resources
