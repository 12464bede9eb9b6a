#!/usr/bin/env bash
# CD-ROM drives and disk controllers on vSphere through the hvctl binary,
# checked with govc against a running vcsim (expectations come from govc's
# answers, never from hvctl's): a VM made with an lsilogic controller, a disk
# on it and a drive holding an ISO the test built and uploaded; on the running
# VM the ISO is changed (export then writes the drive and the controller
# back, and the exported spec plans clean) and ejected without a restart (the
# boot time stays); a drive added on SATA takes a restart and an AHCI
# controller. Bad input: an ISO that is not on the datastore is refused
# at its spec line, naming the VM and the drive, for a new VM (none is made)
# and for a running one (it is left as it was); so is a new drive on scsi.
#
# What vcsim cannot show: that real vSphere refuses to hot-add an IDE drive
# (plan says restart for any new drive; test_vsphere_cdroms.cpp has the
# requests as goldens).
#
# usage: e2e-cdroms.sh HVCTL_BIN VCSIM_URL WORKDIR GOVC_BIN
set -euo pipefail

hvctl=$1 url=$2 work=$3 govc=$4
source "$(dirname "$0")/e2e_lib.sh"

# What govc says of VM's devices (device.ls for each device's type, device.info
# for the rest), one line each: "controller TYPE" per SCSI/SATA/NVMe controller,
# "disk CONTROLLER_TYPE UNIT" per disk, "cdrom CONTROLLER_TYPE SUMMARY CONNECTED" per drive.
devices() {
  "$govc" device.ls -vm "$1" >"$work/ls"
  "$govc" device.info -vm "$1" 'disk-*' 'cdrom-*' >"$work/info"
  python3 - "$work/ls" "$work/info" <<'PY'
import sys
types, dev = {}, {}
for line in open(sys.argv[1]):
    name, kind = line.split(None, 2)[:2]
    types[name] = kind
    if kind.endswith("Controller") and kind not in ("VirtualIDEController", "VirtualPCIController",
                                                    "VirtualPS2Controller", "VirtualSIOController"):
        print("controller", kind)
def flush():
    if dev.get("Type") == "VirtualDisk": print("disk", types.get(dev["Controller"]), dev["Unit number"])
    if dev.get("Type") == "VirtualCdrom": print("cdrom", types.get(dev["Controller"]), dev["Summary"], dev["Connected"])
for line in open(sys.argv[2]):
    if line.startswith("Name:"):
        flush()
        dev.clear()
    key, _, value = line.strip().partition(":")
    dev[key] = value.strip()
flush()
PY
}
boot_time() { "$govc" vm.info -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["VirtualMachines"][0]["Summary"]["Runtime"]["BootTime"])'; }
vm_count() { "$govc" find / -type m -name "$1" | wc -l; }
spec() {  # NAME IMAGE: an lsilogic controller, a disk on it, a drive holding IMAGE
  printf 'apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s}\nspec:\n  memory: {size: 64MiB}\n  controllers: [{id: scsi0, type: scsi, model: lsilogic}]\n  disks: [{id: root, size: 16MiB, controller: scsi0}]\n  cdroms:\n    - {id: cd0, image: "%s"}\n  power: running\n' "$1" "$2"
}

# Two small ISOs, built here and uploaded with govc.
for name in a b; do
  mkdir -p "$work/iso-$name" && echo "disc $name" >"$work/iso-$name/README"
  genisoimage -quiet -V "HVCTL_$name" -o "$work/$name.iso" "$work/iso-$name"
done
"$govc" datastore.mkdir -ds "$ds" -p iso
for name in a b; do "$govc" datastore.upload -ds "$ds" "$work/$name.iso" "iso/$name.iso" >/dev/null 2>&1; done

vm=e2e-cd
"$hvctl" --config "$cfg" destroy "$vm" --yes >/dev/null 2>&1 || true
spec "$vm" "[$ds] iso/a.iso" >"$work/v1.yaml"
expect 0 apply -f "$work/v1.yaml"
devices "$vm" >"$work/dev1"
grep -qx "controller VirtualLsiLogicController" "$work/dev1" || fail "no lsilogic controller: $(cat "$work/dev1")"
grep -qx "disk VirtualLsiLogicController 0" "$work/dev1" || fail "the disk is not on the lsilogic controller: $(cat "$work/dev1")"
! grep -q ParaVirtualSCSIController "$work/dev1" || fail "a pvscsi controller was added beside the listed one"
grep -qx "cdrom VirtualIDEController ISO \[$ds\] iso/a.iso true" "$work/dev1" || fail "v1 drive: $(cat "$work/dev1")"
booted=$(boot_time "$vm")
expect 0 plan -f "$work/v1.yaml" --detailed-exitcode

# Change the ISO, then eject it, on the running VM: no restart.
spec "$vm" "[$ds] iso/b.iso" >"$work/v2.yaml"
expect 2 plan -f "$work/v2.yaml" --detailed-exitcode
! grep -qi restart "$work/out" || fail "plan: changing the ISO should not need a restart"
expect 0 apply -f "$work/v2.yaml"
devices "$vm" >"$work/dev2"
grep -qx "cdrom VirtualIDEController ISO \[$ds\] iso/b.iso true" "$work/dev2" || fail "v2 drive: $(cat "$work/dev2")"
[ "$(grep -c '^cdrom ' "$work/dev2")" = 1 ] || fail "v2: not one drive: $(cat "$work/dev2")"
# Export writes the drive (with its ISO) and the controller back; the exported spec plans clean.
expect 0 export "$vm"
cp "$work/out" "$work/export.yaml"
grep -q "model: lsilogic" "$work/export.yaml" || fail "export lacks the lsilogic controller"
grep -q "controller: scsi0" "$work/export.yaml" || fail "export lacks the disk's controller"
grep -qF 'image: "[LocalDS_0] iso/b.iso"' "$work/export.yaml" || fail "export lacks the drive's ISO"
expect 0 plan -f "$work/export.yaml" --detailed-exitcode
spec "$vm" "" >"$work/v3.yaml"
expect 0 apply -f "$work/v3.yaml"
devices "$vm" >"$work/dev3"
grep -qx "cdrom VirtualIDEController cdrom-[0-9]* false" "$work/dev3" || fail "v3: not ejected: $(cat "$work/dev3")"
[ "$(boot_time "$vm")" = "$booted" ] || fail "the VM was restarted to change a drive's medium"
expect 0 plan -f "$work/v3.yaml" --detailed-exitcode

# A new drive needs the VM off (vSphere cannot hot-add IDE devices): plan says so,
# and apply restarts the VM for it. On sata, an AHCI controller comes with it.
sed 's|    - {id: cd0, image: ""}|    - {id: cd0, image: ""}\n    - {id: cd1, image: "", bus: sata}|' "$work/v3.yaml" >"$work/v4.yaml"
expect 2 plan -f "$work/v4.yaml" --detailed-exitcode
contains out "cdroms[cd1]"
grep -qi restart "$work/out" || fail "plan: adding a drive to a running VM should need a restart"
expect 0 apply -f "$work/v4.yaml"
devices "$vm" >"$work/dev4"
grep -qx "controller VirtualAHCIController" "$work/dev4" || fail "v4: no AHCI controller: $(cat "$work/dev4")"
grep -qx "cdrom VirtualAHCIController cdrom-[0-9]* false" "$work/dev4" || fail "v4: no drive on SATA: $(cat "$work/dev4")"
[ "$("$govc" vm.info "$vm" | awk '/Power state:/ {print $3}')" = poweredOn ] || fail "v4: the VM is not running again"
expect 0 plan -f "$work/v4.yaml" --detailed-exitcode

# Bad input: an ISO that is not on the datastore.
spec "$vm" "[$ds] iso/missing.iso" >"$work/bad-running.yaml"
expect 4 apply -f "$work/bad-running.yaml"
contains out "target 'vc': VM '$vm': cdroms[cd0]: ISO [$ds] iso/missing.iso does not exist on datastore $ds"
grep -q "bad-running.yaml:9:[0-9]*: " "$work/out" || fail "the error is not at the spec's line of cdroms[0].image"
devices "$vm" >"$work/dev5"
cmp -s "$work/dev4" "$work/dev5" || fail "a refused ISO changed the VM: $(cat "$work/dev5")"
expect 0 destroy "$vm" --yes
spec e2e-cd-bad "[$ds] iso/missing.iso" >"$work/bad.yaml"
expect 4 apply -f "$work/bad.yaml"
contains out "target 'vc': VM 'e2e-cd-bad': cdroms[cd0]: ISO [$ds] iso/missing.iso does not exist on datastore $ds"
grep -q "bad.yaml:9:[0-9]*: " "$work/out" || fail "the error is not at the spec's line of cdroms[0].image"
[ "$(vm_count e2e-cd-bad)" = 0 ] || fail "a VM was made for a missing ISO"
sed 's|image: "\(.*\)"}|image: "\1", bus: scsi}|' "$work/v1.yaml" | sed 's/e2e-cd}/e2e-cd-scsi}/' >"$work/scsi.yaml"
expect 4 apply -f "$work/scsi.yaml"
contains out "target 'vc': VM 'e2e-cd-scsi': cdroms[cd0]: vSphere adds CD-ROM drives on ide or sata, not scsi"
grep -q "scsi.yaml:9:[0-9]*: " "$work/out" || fail "the error is not at the spec's line of cdroms[0].bus"
[ "$(vm_count e2e-cd-scsi)" = 0 ] || fail "a VM was made for a drive on scsi"
echo "e2e-cdroms: ok"
