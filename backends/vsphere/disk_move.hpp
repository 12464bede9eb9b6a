// hvctl move on vSphere, the pure part: which file holds each disk's bytes
// (from the VM's devices and layoutEx), what a cold copy cannot carry, the
// descriptor a placed disk gets, and the FileManager requests. No I/O;
// VmMove (vm_move.hpp) does the calls.
//
// What vSphere keeps, and what hvctl takes from it:
// * A disk's files are in layoutEx.disk[key].chain: one link per disk in
//   the chain (base disk, then one delta per snapshot or a linked clone's
//   parent), each naming its files by key in layoutEx.file, typed
//   diskDescriptor (the small text .vmdk) and diskExtent (the data,
//   <name>-flat.vmdk for a flat disk). hvctl reads the file names from
//   there, never guessing them from the descriptor's name.
// * A flat extent is the disk's raw image, byte for byte, served by the
//   datastore file access (/folder/...) with Range. Anything else is a
//   blocker said with what to do: a chain longer than one link, snapshots
//   at all, a raw device mapping, an encrypted disk (backing keyId), a disk
//   on vSAN or vVol (no flat file to download), sparse and seSparse backings
//   (hosted or snapshot formats), an extent split over several files.
// * The capacity is capacityInBytes (else capacityInKB). vcsim reads an
//   attached disk's as 0; then the descriptor's extent lines tell it, else
//   the extent's length (VmMove).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base_disks.hpp"
#include "properties.hpp"
#include "soap_client.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

// One VirtualDisk device as a move reads it.
struct MoveDisk {
  int key = 0;
  std::string backing_type;  // VirtualDiskFlatVer2BackingInfo ...
  std::string file;          // backing fileName: the descriptor, "[ds] web/web.vmdk"
  std::string key_id;        // backing keyId.keyId: set when the disk is encrypted
  std::string device_name;   // an RDM's LUN (backing deviceName)
  bool has_parent = false;   // backing parent: a delta disk
  std::uint64_t capacity = 0;  // bytes; 0 when vSphere says none (vcsim)
  Moref datastore;           // backing datastore
};
// What disks_for_move reads of VM `vm` in one RetrievePropertiesEx: the
// configuration (vm_property_paths, for the disks' ids), layoutEx,
// snapshot and datastore.
PropertyQuery move_query(const Moref& vm);

// The VirtualDisks of a config.hardware.device <val>.
std::vector<MoveDisk> read_move_disks(const xmlNode* devices);

struct LayoutFile {
  std::string name, type;  // "[ds] web/web-flat.vmdk", diskExtent | diskDescriptor | ...
};
struct VmLayout {
  std::map<int, LayoutFile> files;                        // by file key
  std::map<int, std::vector<std::vector<int>>> chains;    // disk key -> links -> file keys
};
// A layoutEx <val> (VirtualMachineFileLayoutEx).
VmLayout read_layout(const xmlNode* layout_ex);

// One disk's files, before any I/O.
struct DiskFiles {
  std::string id;
  DatastorePath descriptor, extent;
  std::uint64_t capacity = 0;  // 0: to be found (descriptor, else the extent's length)
  Moref datastore;
};
struct MovePlan {
  std::vector<DiskFiles> disks;
  std::vector<std::string> blockers;
  std::vector<std::string> consolidable;  // blockers the VM's snapshots cause: deleting them resolves these
};
// What a cold copy of the VM takes: each disk of `disks` (ids by device
// key, as the VM's spec names them) with its files, or why it cannot.
// `datastore_types` maps datastore names to summary.type (VMFS, NFS, vsan...).
MovePlan plan_move(const std::vector<MoveDisk>& disks, const std::map<int, std::string>& ids, const VmLayout& layout,
                   bool has_snapshots, const std::map<std::string, std::string>& datastore_types);

// "[ds] web/web-root.vmdk" -> "[ds] web/web-root-flat.vmdk".
DatastorePath flat_extent_path(const DatastorePath& descriptor);

// The length of a flat extent holding `capacity` bytes: whole 512-byte sectors.
inline std::uint64_t flat_bytes(std::uint64_t capacity) { return (capacity + 511) / 512 * 512; }

// The descriptor of a flat disk of `capacity` bytes (whole sectors: a
// partial last one counts) whose data is the file `flat_name` beside it: what ESXi writes for a
// thick disk on any datastore (createType "vmfs", one VMFS extent).
std::string flat_descriptor(const std::string& flat_name, std::uint64_t capacity);

// FileManager requests, after _this: MakeDirectory (with its parents) and
// DeleteDatastoreFile_Task, in datacenter `dc`.
void write_make_directory(xml::Element top, const std::string& path, const Moref& dc);
void write_delete_file(xml::Element top, const std::string& path, const Moref& dc);

}  // namespace hvctl::vsphere
