// Writes <deviceChange> entries for disks and NICs, choosing controllers and
// free unit numbers against the devices a VM already has. Internal to
// translate.cpp.
#pragma once

#include <string>
#include <vector>

#include "translate.hpp"

namespace hvctl::vsphere {

class DeviceWriter {
public:
  // `base`: the VM's current devices (for a new VM: its built-in IDE controllers).
  DeviceWriter(xml::Element spec, const VmConfig& base, const NetworkMap& nets);

  // Adds a disk (new, or an existing file when `d.path` is set: the user's
  // disk, or the copy of a base image hvctl made for it when `d.from` is set
  // too); returns its address "scsi0:0". An existing file keeps its own size.
  std::string add_disk(const DiskSpec& d);
  // An edit to `size_mib`: capacityInKB and capacityInBytes.
  void grow_disk(const Disk& have, std::uint64_t size_mib);
  // A removal by device key, without fileOperation: the VMDK stays on the datastore.
  void remove_disk(const Disk& have);
  void add_nic(const NicSpec& n);
  void edit_nic(const Nic& have, const NicSpec& want);
  void remove_nic(const Nic& have);
  int changes() const { return changes_; }

private:
  const Controller& controller_for(const std::string& kind);
  xml::Element change(const char* operation, const char* file_operation);
  void write_backing(xml::Element dev, const std::string& network);

  xml::Element spec_;
  const NetworkMap& nets_;
  std::vector<Controller> controllers_;
  std::set<std::pair<int, int>> slots_;
  int next_key_ = -100;
  int changes_ = 0;
};

// Units a controller kind offers (SCSI skips 7, its own).
std::vector<int> units_for(const std::string& kind);

}  // namespace hvctl::vsphere
