#!/usr/bin/env bash
# Disks and NICs on vSphere through the hvctl binary, checked with govc
# against a running vcsim (expectations come from govc's answers, never
# from hvctl's): a running VM gets a disk made from a datastore image (a
# copy in its folder, grown beyond the image) and a NIC, a disk grows, and
# apply --prune removes a disk (its VMDK stays on the datastore) and a NIC,
# all without a restart (the boot time stays). Bad input: a missing image, a
# size below the image's, a copy that would overwrite a file; each refused
# naming the VM and the disk, with nothing made. Run against a vCenter and
# an ESXi simulator (the copy's request differs).
#
# What vcsim 0.24.2 cannot show (QUIRKS.md), and test_vsphere_devices.cpp
# checks as request goldens instead: an attached existing disk reads
# capacity 0 there, so the copy's own size is what hvctl's grow sets; the
# copy is byte for byte (CopyVirtualDisk_Task without destSpec, as vCenter
# takes it); ExtendVirtualDisk_Task is not used.
#
# usage: e2e-devices.sh HVCTL_BIN VCSIM_URL WORKDIR GOVC_BIN
set -euo pipefail

hvctl=$1 url=$2 work=$3 govc=$4
source "$(dirname "$0")/e2e_lib.sh"

# govc vm.info -json VM, one line per disk ("disk FILE CAPACITY_KB") and NIC ("nic MAC").
devices() {
  "$govc" vm.info -json "$1" | python3 -c '
import json, sys
vm = json.load(sys.stdin)["VirtualMachines"][0]
for d in vm["Config"]["Hardware"]["Device"]:
    if "CapacityInKB" in d: print("disk", d["Backing"]["FileName"], d["CapacityInKB"])
    elif "MacAddress" in d: print("nic", d["MacAddress"])'
}
boot_time() { "$govc" vm.info -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["VirtualMachines"][0]["Summary"]["Runtime"]["BootTime"])'; }
vm_count() { "$govc" find / -type m -name "$1" | wc -l; }
spec() {  # NAME DISKS NICS [EXTRA SPEC LINES]
  printf 'apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s}\nspec:\n  memory: {size: 64MiB}\n  disks: %s\n  nics: %s\n  power: running\n%s' \
    "$1" "$2" "$3" "${4:-}"
}

# The base image: a 16 MiB VMDK (descriptor and flat file) put on the datastore with govc.
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n\n# Extent description\nRW 32768 VMFS "base-flat.vmdk"\n\n# The Disk Data Base\nddb.adapterType = "lsilogic"\n' >"$work/base.vmdk"
head -c 16777216 /dev/zero >"$work/base-flat.vmdk"
"$govc" datastore.mkdir -ds "$ds" -p images
"$govc" datastore.upload -ds "$ds" "$work/base.vmdk" images/base.vmdk >/dev/null 2>&1
"$govc" datastore.upload -ds "$ds" "$work/base-flat.vmdk" images/base-flat.vmdk >/dev/null 2>&1

vm=e2e-dev
"$hvctl" --config "$cfg" destroy "$vm" --yes >/dev/null 2>&1 || true
spec "$vm" '[{id: root, size: 16MiB}]' '[{id: eth0, network: VM Network}]' >"$work/v1.yaml"
expect 0 apply -f "$work/v1.yaml"
devices "$vm" >"$work/dev1"
[ "$(grep -c '^disk ' "$work/dev1")" = 1 ] && grep -q "^disk \[$ds\] $vm/.* 16384$" "$work/dev1" || fail "v1 disks: $(cat "$work/dev1")"
[ "$(grep -c '^nic ' "$work/dev1")" = 1 ] || fail "v1 NICs: $(cat "$work/dev1")"
eth0_mac=$(awk '$1 == "nic" {print $2}' "$work/dev1")
booted=$(boot_time "$vm")

# Hot-add: a disk made from the image, grown to 32 MiB, and a second NIC, on the running VM.
spec "$vm" "[{id: root, size: 16MiB}, {id: data, from: \"[$ds] images/base.vmdk\", size: 32MiB}]" \
  '[{id: eth0, network: VM Network}, {id: eth1, network: VM Network}]' >"$work/v2.yaml"
expect 2 plan -f "$work/v2.yaml" --detailed-exitcode
! grep -qi restart "$work/out" || fail "plan: adding a disk and a NIC should not need a restart"
expect 0 -vv apply -f "$work/v2.yaml"
# The copy asks a host (ESXi, vcsim -esx) for a thin disk; vCenter takes no destSpec.
api=$("$govc" about -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["About"]["ApiType"])')
grep -q 'soap #[0-9]* CopyVirtualDisk_Task: HTTP 200' "$work/err" || fail "no CopyVirtualDisk_Task"
contains err "VM '$vm': disks[data]: copying [$ds] images/base.vmdk (16MiB) to [$ds] $vm/$vm-data.vmdk"
if [ "$api" = HostAgent ]; then contains err '<destSpec xsi:type="VirtualDiskSpec"><diskType>thin</diskType>'
else ! grep -q '<destSpec' "$work/err" || fail "a destSpec went to $api"; fi
devices "$vm" >"$work/dev2"
grep -qx "disk \[$ds\] $vm/$vm-data.vmdk 32768" "$work/dev2" || fail "v2: no 32 MiB data disk on the copy: $(cat "$work/dev2")"
[ "$(grep -c '^disk ' "$work/dev2")" = 2 ] && [ "$(grep -c '^nic ' "$work/dev2")" = 2 ] || fail "v2 devices: $(cat "$work/dev2")"
[ "$("$govc" device.ls -vm "$vm" | grep -c ' VirtualDisk ')" = 2 ] || fail "govc device.ls: not 2 disks"
"$govc" datastore.ls -ds "$ds" "$vm" >"$work/ls2"
grep -qx "$vm-data.vmdk" "$work/ls2" && grep -qx "$vm-data-flat.vmdk" "$work/ls2" || fail "the copy is not in the VM's folder: $(cat "$work/ls2")"
"$govc" datastore.ls -ds "$ds" images >"$work/ls-images"  # to a file: grep -q would cut govc's pipe (pipefail)
grep -qx base.vmdk "$work/ls-images" || fail "the base image went away"
[ "$(boot_time "$vm")" = "$booted" ] || fail "the VM was restarted for a hot-add"
expect 0 plan -f "$work/v2.yaml" --detailed-exitcode

# Growth: root 16 -> 48 MiB, live.
sed 's/{id: root, size: 16MiB}/{id: root, size: 48MiB}/' "$work/v2.yaml" >"$work/v3.yaml"
expect 0 apply -f "$work/v3.yaml"
devices "$vm" >"$work/dev3"
grep -q "^disk \[$ds\] $vm/$vm.vmdk 49152$" "$work/dev3" || fail "root did not grow to 48 MiB: $(cat "$work/dev3")"
[ "$(boot_time "$vm")" = "$booted" ] || fail "the VM was restarted for a grow"
expect 0 plan -f "$work/v3.yaml" --detailed-exitcode

# Removal: data and eth1 leave the spec; plan keeps them, --prune removes them.
spec "$vm" '[{id: root, size: 48MiB}]' '[{id: eth0, network: VM Network}]' >"$work/v4.yaml"
expect 0 plan -f "$work/v4.yaml" --detailed-exitcode
contains out "kept (not in spec)"
expect 2 plan --prune -f "$work/v4.yaml" --detailed-exitcode
contains out "disks[data] present -> remove (image kept)"
! grep -qi restart "$work/out" || fail "plan: removing a disk and a NIC should not need a restart"
expect 0 apply --prune -f "$work/v4.yaml"
devices "$vm" >"$work/dev4"
[ "$(grep -c '^disk ' "$work/dev4")" = 1 ] && grep -q "^disk \[$ds\] $vm/$vm.vmdk 49152$" "$work/dev4" || fail "prune left: $(cat "$work/dev4")"
[ "$(awk '$1 == "nic" {print $2}' "$work/dev4")" = "$eth0_mac" ] || fail "prune removed the wrong NIC: $(cat "$work/dev4")"
"$govc" datastore.ls -ds "$ds" "$vm" >"$work/ls4"
grep -qx "$vm-data.vmdk" "$work/ls4" || fail "the pruned disk's VMDK was deleted: $(cat "$work/ls4")"
[ "$(boot_time "$vm")" = "$booted" ] || fail "the VM was restarted for a prune"
expect 0 plan --prune -f "$work/v4.yaml" --detailed-exitcode

# A copy never overwrites: a file where disk 'extra' would go is left alone, nothing attached.
echo "not a disk" >"$work/squatter"
"$govc" datastore.upload -ds "$ds" "$work/squatter" "$vm/$vm-extra.vmdk" >/dev/null 2>&1
spec "$vm" "[{id: root, size: 48MiB}, {id: extra, from: \"[$ds] images/base.vmdk\"}]" '[{id: eth0, network: VM Network}]' >"$work/v5.yaml"
expect 4 apply -f "$work/v5.yaml"
contains out "VM '$vm'"
contains out "disks[extra]: [$ds] $vm/$vm-extra.vmdk exists already"
devices "$vm" >"$work/dev5"
cmp -s "$work/dev4" "$work/dev5" || fail "a refused copy changed the VM: $(cat "$work/dev5")"
"$govc" datastore.download -ds "$ds" "$vm/$vm-extra.vmdk" "$work/squatter.back" >/dev/null 2>&1
cmp -s "$work/squatter" "$work/squatter.back" || fail "the existing file was overwritten"
expect 0 destroy "$vm" --yes
# The same for a new VM: refused before the VM is made (a rollback would take its folder).
"$govc" datastore.mkdir -ds "$ds" -p e2e-dev-new
"$govc" datastore.upload -ds "$ds" "$work/squatter" e2e-dev-new/e2e-dev-new-root.vmdk >/dev/null 2>&1
spec e2e-dev-new "[{id: root, from: \"[$ds] images/base.vmdk\"}]" '[]' >"$work/new.yaml"
expect 4 apply -f "$work/new.yaml"
contains out "disks[root]: [$ds] e2e-dev-new/e2e-dev-new-root.vmdk exists already"
[ "$(vm_count e2e-dev-new)" = 0 ] || fail "a VM was made although its disk's copy would overwrite a file"
"$govc" datastore.download -ds "$ds" e2e-dev-new/e2e-dev-new-root.vmdk "$work/squatter.new" >/dev/null 2>&1
cmp -s "$work/squatter" "$work/squatter.new" || fail "the existing file was overwritten"

# Bad input: nothing is made, no VM and no copy.
spec e2e-dev-bad "[{id: root, from: \"[$ds] images/missing.vmdk\"}]" '[]' >"$work/bad.yaml"
expect 4 apply -f "$work/bad.yaml"  # apply: 4 for a VM that failed, whatever the cause
contains out "target 'vc': VM 'e2e-dev-bad': disks[root]: base image [$ds] images/missing.vmdk does not exist on datastore $ds"
grep -q "bad.yaml:6:[0-9]*: " "$work/out" || fail "the error is not at the spec's line of disks[0].from"
[ "$(vm_count e2e-dev-bad)" = 0 ] || fail "a VM was made for a missing image"
! "$govc" datastore.ls -ds "$ds" e2e-dev-bad >/dev/null 2>&1 || fail "a folder was made for a missing image"
spec e2e-dev-small "[{id: root, from: \"[$ds] images/base.vmdk\", size: 8MiB}]" '[]' >"$work/small.yaml"
expect 4 apply -f "$work/small.yaml"
grep -q "small.yaml:6:[0-9]*: " "$work/out" || fail "the error is not at the spec's line of disks[0].size"
contains out "VM 'e2e-dev-small': disks[root]: size 8MiB is below the base image's virtual size of 16MiB"
[ "$(vm_count e2e-dev-small)" = 0 ] || fail "a VM was made for a size below the image's"
echo "e2e-devices: ok"
