// Writes <deviceChange> entries for controllers, disks, CD-ROM drives and
// NICs, choosing controllers and free unit numbers against the devices a VM
// already has. Internal to translate.cpp.
//
// A CD-ROM drive is a VirtualCdrom (govc device.cdrom.add's shape): with an
// ISO, a VirtualCdromIsoBackingInfo of its datastore path, connected and
// connected at power-on; empty, govc's default backing (device.cdrom.eject):
// a VirtualCdromAtapiBackingInfo named cdrom-<controller key>-<unit>, no
// autodetect, and not connected, as there is nothing to connect. It sits on
// a free slot of the built-in IDE controllers (200, 201: two units each), or
// of a SATA (AHCI) controller, added when none has one free. vSphere offers
// no new SCSI drives.
#pragma once

#include <map>
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
  // On the controller `d.controller` names (added before, or the VM's),
  // else on the first of its bus with a free unit (one is added if none).
  std::string add_disk(const DiskSpec& d);
  // A controller of spec.controllers, on its kind's lowest free bus number;
  // returns its address "scsi1". Disks may name it from then on.
  std::string add_controller(const ControllerSpec& c);
  // A removal by device key; vSphere refuses it while devices sit on it.
  void remove_controller(const Controller& have);
  // A drive on its bus (ide when unset); returns its address "ide0:0".
  std::string add_cdrom(const CdromSpec& cd);
  // Another medium ("" ejects): an edit of the backing and connection.
  void edit_cdrom(const Cdrom& have, const std::string& image);
  void remove_cdrom(const Cdrom& have);
  // An edit to `size_mib`: capacityInKB and capacityInBytes.
  void grow_disk(const Disk& have, std::uint64_t size_mib);
  // A removal by device key; without fileOperation the VMDK stays on the
  // datastore, with delete_file it is destroyed too.
  void remove_disk(const Disk& have, bool delete_file = false);
  void add_nic(const NicSpec& n);
  void edit_nic(const Nic& have, const NicSpec& want);
  void remove_nic(const Nic& have);
  int changes() const { return changes_; }

private:
  const Controller& controller_for(const std::string& kind);
  const Controller& named_controller(const std::string& id);
  int free_unit(const Controller& c) const;  // -1 when full
  const Controller& new_controller(const std::string& kind, const std::string& type);
  void write_cdrom(xml::Element dev, const std::string& image, int controller_key, int unit);
  xml::Element change(const char* operation, const char* file_operation);
  void write_backing(xml::Element dev, const std::string& network);

  xml::Element spec_;
  const NetworkMap& nets_;
  std::vector<Controller> controllers_;
  std::map<std::string, int> by_id_;  // controller id -> key
  std::set<std::pair<int, int>> slots_;
  int next_key_ = -100;
  int changes_ = 0;
};

// Units a controller kind offers (SCSI skips 7, its own).
std::vector<int> units_for(const std::string& kind);

}  // namespace hvctl::vsphere
