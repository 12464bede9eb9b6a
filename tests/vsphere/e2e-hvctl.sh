#!/usr/bin/env bash
# The hvctl binary against a running vcsim: apply/plan/list/export/power/
# destroy, exit codes, and the SOAP calls of a second plan for 20 and 200
# VMs: the cached session's check (currentSession), container view, one
# RetrievePropertiesEx that lists the VMs, one per slice of 200 VMs (read in
# parallel), DestroyView; without the session cache: service content, login,
# the same reads, logout. `get` of one VM costs the same few calls at any size
# and shows where it runs (runtime); hosts, networks and storage list vcsim's.
#
# usage: e2e-hvctl.sh HVCTL_BIN VCSIM_URL WORKDIR
set -euo pipefail

hvctl=$1 url=$2 work=$3
mkdir -p "$work"
cfg=$work/config.yaml
cat >"$cfg" <<YAML
targets:
  vc:
    type: vsphere
    uri: $url
    username: user
    password_env: VC_PASSWORD
    insecure: true
YAML
export VC_PASSWORD=pass
export XDG_CACHE_HOME=$work/cache  # the session cache, private to this run
unset HVCTL_NO_SESSION_CACHE

fail() { echo "FAIL: $*" >&2; echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"; exit 1; } >&2
# expect RC CMD...: runs hvctl with the config; stdout/stderr in $work/out, $work/err.
expect() {
  local want=$1 rc=0; shift
  "$hvctl" --config "$cfg" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = "$want" ] || fail "hvctl $* exited $rc, expected $want"
}
contains() { grep -qF -- "$2" "$work/$1" || fail "$1 lacks '$2'"; }

gen_specs() {  # COUNT PREFIX FILE
  local i
  for ((i = 0; i < $1; i++)); do
    cat <<YAML
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $2-$i, labels: {fleet: $2}}
spec:
  cpu: {count: 1}
  memory: {size: 32MiB}
  disks: [{id: root, size: 16MiB}]
  nics: [{id: eth0, network: VM Network}]
  power: running
YAML
  done >"$3"
}

# Applies FILE, then prints the SOAP calls of a second plan (which must be clean).
apply_then_count() {
  local start end
  start=$(date +%s.%N)
  expect 0 apply -f "$1"
  end=$(date +%s.%N)
  echo "apply $(grep -c '^kind:' "$1") VMs: $(echo "$end - $start" | bc) s" >&2
  expect 0 -vv plan -f "$1" --detailed-exitcode
  sed -n 's/^\[[0-9.]*s\] soap: \([0-9]*\) calls.*/\1/p' "$work/err"
}

gen_specs 20 e2e-small "$work/small.yaml"
gen_specs 200 e2e-big "$work/big.yaml"
expect 2 plan -f "$work/small.yaml" --detailed-exitcode
small=$(apply_then_count "$work/small.yaml")
big=$(apply_then_count "$work/big.yaml")
expect 0 list -o json
contains out '"e2e-big-199"'
contains out '"e2e-small-0"'
total=$(grep -c '^      "target": "vc",$' "$work/out")  # one per VM item
echo "second plan: $small SOAP calls with 20 VMs applied, $big with 200 more ($total VMs in all)"
# vcsim's own VMs and the 20: one slice; with the 200 as well: $total / 200 rounded up.
[ "$small" = 5 ] && [ "$big" = $((4 + (total + 199) / 200)) ] || fail "call counts $small (20 VMs) vs $big ($total VMs)"
HVCTL_NO_SESSION_CACHE=1 expect 0 -vv plan -f "$work/small.yaml" --detailed-exitcode
grep -q "^\[[0-9.]*s\] soap: $((5 + (total + 199) / 200)) calls" "$work/err" || fail "without the session cache: $(grep '^\[[0-9.]*s\] soap:' "$work/err")"

# The session cache: one file, 0600, no password; a run that finds it sends no Login.
cache_files=("$XDG_CACHE_HOME"/hvctl/*.session)
[ "${#cache_files[@]}" = 1 ] && [ "$(stat -c %a "${cache_files[0]}")" = 600 ] || fail "session cache: ${cache_files[*]}"
! grep -q "$VC_PASSWORD" "${cache_files[0]}" || fail "the session cache holds the password"
# get of one VM among $total: the session check, the view, every name, the one VM,
# its and its host's ancestors (inventory path, host name), DestroyView.
expect 0 -vv get e2e-big-7 -o json
contains out '"e2e-big-7"'
! grep -q '^\[[0-9.]*s\] soap #[0-9]* Login:' "$work/err" || fail "get logged in again despite the cached session"
! grep -q '^\[[0-9.]*s\] soap #[0-9]* Logout:' "$work/err" || fail "get logged out of the cached session"
grep -q '^\[[0-9.]*s\] soap: 6 calls' "$work/err" || fail "get of one VM: $(grep '^\[[0-9.]*s\] soap:' "$work/err")"
# get -o json indents runtime's keys (host, path, ...) by four spaces.
grep -q '^    "host": "DC0_C0_H[0-9]*",$' "$work/out" || fail "get e2e-big-7: runtime.host is no host of cluster DC0_C0"
contains out '    "path": "/DC0/vm/e2e-big-7",'
# vcsim's own VM on its standalone host, powered on at vcsim's start.
expect 0 get DC0_H0_VM0 -o json
contains out '    "host": "DC0_H0",'
grep -q '^    "bootedAt": "20[0-9-]*T[0-9:]*Z",\?$' "$work/out" || fail "get DC0_H0_VM0: no runtime.bootedAt"
expect 0 hosts
contains out DC0_C0_H0
expect 0 networks
contains out "VM Network"
expect 0 storage
contains out LocalDS_0
echo "garbage" >"${cache_files[0]}"
expect 0 -vv get e2e-big-7
grep -q '^\[[0-9.]*s\] soap #[0-9]* Login:' "$work/err" || fail "a garbage session cache did not lead to a login"
[ "$(stat -c %a "${cache_files[0]}")" = 600 ] && grep -q '^cookie ' "${cache_files[0]}" || fail "cache not rewritten"
expect 0 export e2e-small-0
cp "$work/out" "$work/export.yaml"
contains out "fleet: e2e-small"
expect 0 plan -f "$work/export.yaml" --detailed-exitcode

for verb in stop start reboot pause resume; do expect 0 "$verb" e2e-small-1; done
expect 0 stop --force e2e-small-1
expect 0 list
grep -q '^e2e-small-1 .*stopped' "$work/out" || fail "e2e-small-1 is not stopped"

expect 0 destroy e2e-small-0 --yes
expect 0 list
! grep -q '^e2e-small-0 ' "$work/out" || fail "e2e-small-0 still listed"

# Exit codes: invalid input 3, backend failure 4, partial 5.
cat >"$work/cap.yaml" <<YAML
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: e2e-cap}
spec: {cpu: {count: 1, cap: 50}}
YAML
expect 3 plan -f "$work/cap.yaml"
contains err "cpu.cap cannot be expressed on vSphere (its CPU limit is in MHz)"
VC_PASSWORD=wrong HVCTL_NO_SESSION_CACHE=1 expect 4 list
contains err "target 'vc': login as 'user' failed: Login failure (InvalidLogin)"
cat >"$work/partial.yaml" <<YAML
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: e2e-small-2}
spec: {vsphere: {guestId: noSuchGuestOs}}
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: e2e-new}
spec: {memory: {size: 64MiB}, power: stopped}
YAML
expect 5 apply -f "$work/partial.yaml"
contains out "reconfigure VM 'e2e-small-2'"
contains out "(InvalidArgument)"
echo "e2e: ok"
