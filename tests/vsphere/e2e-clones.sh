#!/usr/bin/env bash
# Templates, clones and first-boot identity on vSphere through the hvctl
# binary, checked with govc against a running vcsim (expectations come from
# govc's answers, never from hvctl's): a VM made, snapshotted and then
# marked a template with `template: true`; a full clone of it with spec.init
# (guestinfo keys seen by govc vm.info -e, decoded) and a linked clone with a
# guest customization (vcsim reports the customized host name and address in
# `guest` once it is powered on); each plans clean afterwards. Bad input,
# each exit 7 with nothing made and the source unchanged: a missing template
# (plan and apply), source.template naming a plain VM, a linked clone of a VM
# without a snapshot, and (with ESX_URL) any clone on a standalone ESXi host.
# A changed host name or customization is impossible without --reinit, and
# applied with it (new guestinfo with a new instance-id; CustomizeVM_Task
# with the VM off). Last, `template: false` makes the
# template a VM again (MarkAsVirtualMachine).
#
# What vcsim cannot show (QUIRKS.md): it ignores a linked clone's
# diskMoveType (the clone's disk has no parent), and the clone spec's config
# and customization. So the linked clone is checked by the calls hvctl makes
# (-vv) and its request by the goldens (test_vsphere_provision.cpp:
# clone-linked.xml); vcsim's guest fields come from the CustomizeVM_Task
# hvctl sends after the clone, which a real vCenter would not need.
#
# usage: e2e-clones.sh HVCTL_BIN VCSIM_URL WORKDIR GOVC_BIN [ESX_URL]
set -euo pipefail

hvctl=$1 url=$2 work=$3 govc=$4 esx_url=${5:-}
source "$(dirname "$0")/e2e_lib.sh"

vm_count() { "$govc" find / -type m -name "$1" | wc -l; }
info() {  # VM PYTHON-EXPR over govc vm.info -json's VirtualMachines[0] as `vm`
  "$govc" vm.info -json "$1" | python3 -c "import json,sys; vm=json.load(sys.stdin)['VirtualMachines'][0]; print($2)"
}
spec() {  # NAME EXTRA-SPEC-LINES
  printf 'apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s}\nspec:\n%s\n' "$1" "$2"
}
impossible() {  # FILE WHAT VM...: plan and apply exit 7 and make none of VM...
  local file=$1 what=$2; shift 2
  expect 7 plan -f "$file"
  contains out "$what"
  expect 7 apply -f "$file"
  for v in "$@"; do [ "$(vm_count "$v")" = 0 ] || fail "$v was made though the plan was impossible"; done
}

for v in tpl plain web-full web-linked nope-clone bad-kind bad-link; do
  "$hvctl" --config "$cfg" destroy "$v" --yes >/dev/null 2>&1 || true
done

# The source: a stopped VM with a disk and a NIC, then a snapshot, then a template.
base='  memory: {size: 64MiB}
  disks: [{id: root, size: 16MiB}]
  nics: [{id: eth0, network: VM Network}]
  power: stopped'
spec tpl "$base" >"$work/tpl-vm.yaml"
expect 0 apply -f "$work/tpl-vm.yaml"
[ "$(info tpl 'vm["Config"]["Template"]')" = False ] || fail "tpl is a template before template: true"

# A linked clone of a VM without a snapshot; a VM named as a template.
spec bad-link '  source: {vm: tpl, linked: true}' >"$work/bad-link.yaml"
impossible "$work/bad-link.yaml" "has none; hvctl never changes the source" bad-link
"$govc" snapshot.tree -vm tpl >"$work/tree" 2>&1 || true
[ ! -s "$work/tree" ] || fail "the source got a snapshot: $(cat "$work/tree")"
spec bad-kind '  source: {template: tpl}' >"$work/bad-kind.yaml"
impossible "$work/bad-kind.yaml" "source template 'tpl' is a VM, not a template" bad-kind

expect 0 snapshot create tpl golden
spec tpl "$base
  template: true" >"$work/tpl.yaml"
expect 0 apply -f "$work/tpl.yaml"
[ "$(info tpl 'vm["Config"]["Template"]')" = True ] || fail "template: true did not make tpl a template"
expect 0 plan -f "$work/tpl.yaml" --detailed-exitcode

# A missing template: plan and apply refuse it, nothing is made.
spec nope-clone '  source: {template: no-such-template}' >"$work/nope.yaml"
impossible "$work/nope.yaml" "source template 'no-such-template' does not exist" nope-clone

# A full clone with first-boot identity.
cat >"$work/user-data" <<'UD'
#cloud-config
# hvctl-marker: e2e-clones
final_message: e2e-clones
UD
cat >"$work/web-full.yaml" <<YAML
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: web-full}
spec:
  source: {template: tpl}
  cpu: {count: 2}
  init:
    hostname: web-full
    sshAuthorizedKeys: ["ssh-ed25519 AAAAC3NzaE2E ops@example"]
    cloudInit: {userData: user-data}
  power: stopped
YAML
expect 0 plan -f "$work/web-full.yaml"
contains out "create (clone of tpl, 2 vCPU)"
expect 0 -vv apply -f "$work/web-full.yaml"
contains err "CloneVM_Task"
[ "$(vm_count web-full)" = 1 ] || fail "no VM web-full after the clone"
[ "$(info web-full 'vm["Config"]["Hardware"]["NumCPU"]')" = 2 ] || fail "the clone did not get cpu.count 2"
"$govc" vm.info -e web-full >"$work/extra"
meta=$(awk '$1 == "guestinfo.metadata:" {v=$2} END {print v}' "$work/extra")
user=$(awk '$1 == "guestinfo.userdata:" {v=$2} END {print v}' "$work/extra")
grep -q "guestinfo.metadata.encoding: *base64" "$work/extra" || fail "no guestinfo.metadata.encoding: $(cat "$work/extra")"
grep -q "guestinfo.userdata.encoding: *base64" "$work/extra" || fail "no guestinfo.userdata.encoding"
base64 -d <<<"$user" | cmp -s - "$work/user-data" || fail "guestinfo.userdata is not the user-data file"
base64 -d <<<"$meta" | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["local-hostname"] == "web-full", m
assert m["public-keys"] == ["ssh-ed25519 AAAAC3NzaE2E ops@example"], m
assert m["instance-id"].startswith("iid-"), m' || fail "guestinfo.metadata: $(base64 -d <<<"$meta")"
expect 0 plan -f "$work/web-full.yaml" --detailed-exitcode
# The source is read at create only (hvctl.source records it): another is no change, and the plan says so.
sed 's|template: tpl}|template: tpl-other}|' "$work/web-full.yaml" >"$work/web-full-other.yaml"
grep -q 'tpl-other' "$work/web-full-other.yaml" || fail "the test's sed found no source to change"
expect 0 plan -f "$work/web-full-other.yaml" --detailed-exitcode
contains out "ignored (read at create only): source.template tpl -> tpl-other"

# A new host name: impossible without --reinit; with it, new metadata and a new instance-id.
metadata() { "$govc" vm.info -e "$1" | awk '$1 == "guestinfo.metadata:" {v=$2} END {print v}' | base64 -d; }
sed 's|hostname: web-full|hostname: web-full-2|' "$work/web-full.yaml" >"$work/web-full-2.yaml"
expect 7 apply -f "$work/web-full-2.yaml"
contains err "--reinit"
[ "$(metadata web-full | python3 -c 'import json,sys; print(json.load(sys.stdin)["local-hostname"])')" = web-full ] \
  || fail "the refused change changed guestinfo.metadata"
expect 0 apply -f "$work/web-full-2.yaml" --reinit
metadata web-full | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["local-hostname"] == "web-full-2", m
assert m["instance-id"] != sys.argv[1], m' "$(base64 -d <<<"$meta" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance-id"])')" \
  || fail "after --reinit, guestinfo.metadata: $(metadata web-full)"
expect 0 plan -f "$work/web-full-2.yaml" --detailed-exitcode

# A linked clone with a guest customization, powered on.
cat >"$work/web-linked.yaml" <<'YAML'
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: web-linked}
spec:
  source: {template: tpl, linked: true}
  init: {hostname: web-linked}
  vsphere:
    customization: {domain: example.com, ipv4: 10.0.0.21/24, gateway: 10.0.0.1, dns: [10.0.0.2]}
YAML
expect 0 plan -f "$work/web-linked.yaml"
contains out "create (clone of tpl, linked)"
expect 0 -vv apply -f "$work/web-linked.yaml"
contains err "CloneVM_Task"
contains err "CustomizeVM_Task"
[ "$(vm_count web-linked)" = 1 ] || fail "no VM web-linked after the linked clone"
[ "$(info web-linked 'vm["Guest"]["HostName"]')" = web-linked ] || fail "guest.hostName: $(info web-linked 'vm["Guest"]')"
[ "$(info web-linked 'vm["Guest"]["IpAddress"]')" = 10.0.0.21 ] || fail "guest.ipAddress: $(info web-linked 'vm["Guest"]')"
expect 0 get web-linked -o json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "10.0.0.21" in json.dumps(d), d' "$work/out" \
  || fail "get -o json shows no 10.0.0.21"
expect 0 plan -f "$work/web-linked.yaml" --detailed-exitcode
[ "$(info tpl 'vm["Config"]["Template"]')" = True ] || fail "cloning changed the template"

# A new address: impossible without --reinit (left as it is), applied with it.
sed 's|10.0.0.21/24|10.0.0.22/24|' "$work/web-linked.yaml" >"$work/web-linked-2.yaml"
expect 7 plan -f "$work/web-linked-2.yaml"
contains out "--reinit"
expect 0 -vv apply -f "$work/web-linked-2.yaml" --reinit
contains err "CustomizeVM_Task"
[ "$(info web-linked 'vm["Guest"]["IpAddress"]')" = 10.0.0.22 ] || fail "after --reinit, guest.ipAddress: $(info web-linked 'vm["Guest"]')"
expect 0 plan -f "$work/web-linked-2.yaml" --detailed-exitcode

# template: false makes the template a VM again, in its datacenter's pool.
for v in web-full web-linked; do expect 0 destroy "$v" --yes; done
spec tpl "$base
  template: false" >"$work/tpl-back.yaml"
expect 0 apply -f "$work/tpl-back.yaml"
[ "$(info tpl 'vm["Config"]["Template"]')" = False ] || fail "template: false left tpl a template"
expect 0 destroy tpl --yes

# A standalone ESXi host cannot clone: refused before anything is made.
if [ -n "$esx_url" ]; then
  url=$esx_url work=$work/esx
  source "$(dirname "$0")/e2e_lib.sh"
  spec esx-src "$base" >"$work/src.yaml"
  expect 0 apply -f "$work/src.yaml"
  spec esx-clone '  source: {vm: esx-src}' >"$work/clone.yaml"
  impossible "$work/clone.yaml" "standalone ESXi host" esx-clone
  expect 0 destroy esx-src --yes
fi
echo "e2e-clones: ok"
