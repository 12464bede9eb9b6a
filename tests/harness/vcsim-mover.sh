# Sourced by the move tests: a vcsim VM whose disk is a bootable Linux
# (bootable-disk.sh), a real file under vcsim's datastore directory.
#
#   vcsim_mover VCSIM_DIR HVCTL CONFIG TARGET NAME MARKER SIZE
#
# VCSIM_DIR: a running vcsim.sh instance; CONFIG names it as TARGET. Puts
# the image, grown to SIZE (zeros after its partition), as the flat extent
# [LocalDS_0] NAME/NAME-flat.vmdk with a monolithicFlat descriptor NAME.vmdk
# beside it, then `hvctl apply`s VM NAME (1 vCPU, 256 MiB, guest id
# otherLinux64Guest, that disk, a NIC on "VM Network", stopped). Sets
# MOVER_SHA256 and MOVER_XXH128 (`xxhsum -H2`, what hvctl move reports) of the disk's raw content, MOVER_SIZE and MOVER_FLAT (the
# extent's path on this host).
vcsim_mover() {
  local dir=$1 hvctl=$2 config=$3 target=$4 name=$5 marker=$6 size=$7 ds_dir here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  ds_dir=$(ls -d "$dir"/tmp/*LocalDS_0* | head -1)
  [ -d "$ds_dir" ] || { echo "vcsim_mover: no LocalDS_0 directory under $dir/tmp" >&2; return 1; }
  mkdir -p "$ds_dir/$name"
  MOVER_FLAT=$ds_dir/$name/$name-flat.vmdk
  "$here/bootable-disk.sh" "$MOVER_FLAT" "$marker" >/dev/null || return 1
  truncate -s "$size" "$MOVER_FLAT"
  MOVER_SIZE=$(stat -c %s "$MOVER_FLAT")
  MOVER_SHA256=$(sha256sum "$MOVER_FLAT" | cut -d' ' -f1)
  MOVER_XXH128=$(xxhsum -H2 "$MOVER_FLAT" | cut -d' ' -f1)
  printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n\n' > "$ds_dir/$name/$name.vmdk"
  printf 'RW %s VMFS "%s-flat.vmdk"\n\nddb.adapterType = "lsilogic"\n' "$((MOVER_SIZE / 512))" "$name" >> "$ds_dir/$name/$name.vmdk"
  "$hvctl" --config "$config" apply -f - >/dev/null <<EOS
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $name, labels: {app: moved}}
spec:
  target: $target
  cpu: {count: 1}
  memory: {size: 256MiB}
  disks:
    - {id: root, path: "[LocalDS_0] $name/$name.vmdk"}
  nics:
    - {id: eth0, network: VM Network}
  power: stopped
  vsphere: {guestId: otherLinux64Guest}
EOS
}
