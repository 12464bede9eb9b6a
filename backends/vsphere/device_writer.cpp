#include "device_writer.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace hvctl::vsphere {
namespace {

void write_device_info(xml::Element dev, const std::string& label, const std::string& summary) {
  if (label.empty()) return;
  auto info = dev.add("deviceInfo");
  info.add("label", label);
  info.add("summary", summary.empty() ? label : summary);
}

// An existing disk as an edit or removal names it: its key, then (after the
// device info an edit writes) its backing, controller and unit.
xml::Element existing_disk(xml::Element change) {
  auto dev = change.add("device");
  dev.typed("VirtualDisk");
  return dev;
}

void disk_place(xml::Element dev, const Disk& have) {
  auto backing = dev.add("backing");
  backing.typed(have.backing_type.empty() ? "VirtualDiskFlatVer2BackingInfo" : have.backing_type);
  backing.add("fileName", have.file);
  if (!have.disk_mode.empty()) backing.add("diskMode", have.disk_mode);
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
}

}  // namespace

std::vector<int> units_for(const std::string& kind) {
  std::vector<int> units;
  const int count = kind == "scsi" ? 16 : kind == "sata" ? 30 : kind == "nvme" ? 15 : 2;
  for (int u = 0; u < count; ++u)
    if (!(kind == "scsi" && u == 7)) units.push_back(u);
  return units;
}

DeviceWriter::DeviceWriter(xml::Element spec, const VmConfig& base, const NetworkMap& nets)
    : spec_(spec), nets_(nets), controllers_(base.controllers), slots_(base.slots) {
  for (const auto& [key, id] : controller_ids(base)) by_id_[id] = key;
}

xml::Element DeviceWriter::change(const char* operation, const char* file_operation) {
  ++changes_;
  auto c = spec_.add("deviceChange");
  c.add("operation", operation);
  if (file_operation) c.add("fileOperation", file_operation);
  return c;
}

int DeviceWriter::free_unit(const Controller& c) const {
  for (int u : units_for(c.kind))
    if (!slots_.count({c.key, u})) return u;
  return -1;
}

// A controller on the lowest bus number its kind has free (vSphere: 0-3).
const Controller& DeviceWriter::new_controller(const std::string& kind, const std::string& type) {
  int bus = 0;
  while (std::any_of(controllers_.begin(), controllers_.end(), [&](const Controller& c) { return c.kind == kind && c.bus == bus; }))
    ++bus;
  if (type.empty() || bus > 3) throw std::invalid_argument(fmt::format("a VM has at most 4 {} controllers", kind));
  controllers_.push_back({next_key_--, type, kind, bus});
  const Controller& c = controllers_.back();
  auto dev = change("add", nullptr).add("device");
  dev.typed(type);
  dev.add("key", static_cast<long long>(c.key));
  dev.add("busNumber", static_cast<long long>(c.bus));
  if (kind == "scsi") dev.add("sharedBus", "noSharing");
  return c;
}

const Controller& DeviceWriter::controller_for(const std::string& kind) {
  for (const auto& c : controllers_)
    if (c.kind == kind && free_unit(c) >= 0) return c;
  if (kind == "ide") throw std::invalid_argument("the two IDE controllers have no free unit");
  return new_controller(kind, controller_type(kind, ""));
}

const Controller& DeviceWriter::named_controller(const std::string& id) {
  auto it = by_id_.find(id);
  for (const auto& c : controllers_)
    if (it != by_id_.end() && c.key == it->second) return c;
  throw std::invalid_argument(fmt::format("controller '{}' is neither in spec.controllers nor on the VM", id));
}

std::string DeviceWriter::add_controller(const ControllerSpec& spec) {
  const std::string kind = spec.type.value_or("scsi");
  const Controller& c = new_controller(kind, controller_type(kind, spec.model.value_or("")));
  by_id_[spec.id] = c.key;
  return c.address();
}

void DeviceWriter::remove_controller(const Controller& have) {
  auto dev = change("remove", nullptr).add("device");
  dev.typed(have.type);
  dev.add("key", static_cast<long long>(have.key));
  write_device_info(dev, have.label, have.summary);
  dev.add("busNumber", static_cast<long long>(have.bus));
}

std::string DeviceWriter::add_disk(const DiskSpec& d) {
  const Controller c = d.controller ? named_controller(*d.controller) : controller_for(d.bus.value_or("scsi"));
  const std::string& kind = c.kind;
  const int unit = free_unit(c);
  if (unit < 0) throw std::invalid_argument(fmt::format("controller {} has no free unit", c.address()));
  slots_.emplace(c.key, unit);
  auto dev = change("add", d.path ? nullptr : "create").add("device");
  dev.typed("VirtualDisk");
  dev.add("key", static_cast<long long>(next_key_--));
  auto backing = dev.add("backing");
  backing.typed("VirtualDiskFlatVer2BackingInfo");
  backing.add("fileName", d.path.value_or(""));
  backing.add("diskMode", "persistent");
  if (!d.path) backing.add("thinProvisioned", true);
  dev.add("controllerKey", static_cast<long long>(c.key));
  dev.add("unitNumber", static_cast<long long>(unit));
  if (d.size_mib && !d.from) dev.add("capacityInKB", static_cast<long long>(*d.size_mib * 1024));
  return fmt::format("{}{}:{}", kind, c.bus, unit);
}

void DeviceWriter::grow_disk(const Disk& have, std::uint64_t size_mib) {
  auto dev = existing_disk(change("edit", nullptr));
  dev.add("key", static_cast<long long>(have.key));
  write_device_info(dev, have.label, have.summary);
  disk_place(dev, have);
  dev.add("capacityInKB", static_cast<long long>(size_mib * 1024));
  dev.add("capacityInBytes", static_cast<long long>(size_mib << 20));  // what vSphere 5.5+ reads first
}

void DeviceWriter::remove_disk(const Disk& have, bool delete_file) {
  auto dev = existing_disk(change("remove", delete_file ? "destroy" : nullptr));  // none: the VMDK is kept
  dev.add("key", static_cast<long long>(have.key));
  disk_place(dev, have);
  dev.add("capacityInKB", have.capacity_kb);
}

void DeviceWriter::write_cdrom(xml::Element dev, const std::string& image, int controller_key, int unit) {
  auto backing = dev.add("backing");
  if (image.empty()) {
    backing.typed("VirtualCdromAtapiBackingInfo");
    backing.add("deviceName", fmt::format("cdrom-{}-{}", controller_key, unit));
    backing.add("useAutoDetect", false);
  } else {
    backing.typed("VirtualCdromIsoBackingInfo");
    backing.add("fileName", image);
  }
  auto connect = dev.add("connectable");
  connect.add("startConnected", !image.empty());
  connect.add("allowGuestControl", true);
  connect.add("connected", !image.empty());
  dev.add("controllerKey", static_cast<long long>(controller_key));
  dev.add("unitNumber", static_cast<long long>(unit));
}

std::string DeviceWriter::add_cdrom(const CdromSpec& cd) {
  const std::string kind = cd.bus.value_or("ide");
  if (kind != "ide" && kind != "sata")
    throw std::invalid_argument(fmt::format("cdroms[{}]: vSphere adds CD-ROM drives on ide or sata, not {}", cd.id, kind));
  const Controller c = controller_for(kind);
  const int unit = free_unit(c);
  slots_.emplace(c.key, unit);
  auto dev = change("add", nullptr).add("device");
  dev.typed("VirtualCdrom");
  dev.add("key", static_cast<long long>(next_key_--));
  write_cdrom(dev, cd.image.value_or(""), c.key, unit);
  return fmt::format("{}:{}", c.address(), unit);
}

void DeviceWriter::edit_cdrom(const Cdrom& have, const std::string& image) {
  auto dev = change("edit", nullptr).add("device");
  dev.typed("VirtualCdrom");
  dev.add("key", static_cast<long long>(have.key));
  write_device_info(dev, have.label, have.summary);
  write_cdrom(dev, image, have.controller_key, have.unit.value_or(0));
}

void DeviceWriter::remove_cdrom(const Cdrom& have) {
  auto dev = change("remove", nullptr).add("device");
  dev.typed("VirtualCdrom");
  dev.add("key", static_cast<long long>(have.key));
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
}

void DeviceWriter::write_backing(xml::Element dev, const std::string& network) {
  auto backing = dev.add("backing");
  auto it = nets_.find(network);
  if (it != nets_.end() && it->second.distributed) {
    backing.typed("VirtualEthernetCardDistributedVirtualPortBackingInfo");
    auto port = backing.add("port");
    port.add("switchUuid", it->second.switch_uuid);
    port.add("portgroupKey", it->second.portgroup_key);
  } else {
    backing.typed("VirtualEthernetCardNetworkBackingInfo");
    backing.add("deviceName", network);
  }
}

void DeviceWriter::add_nic(const NicSpec& n) {
  const std::string type = nic_type(n.model.value_or("vmxnet3"));
  auto dev = change("add", nullptr).add("device");
  dev.typed(type);
  dev.add("key", static_cast<long long>(next_key_--));
  write_backing(dev, n.network.value_or("VM Network"));
  auto connect = dev.add("connectable");
  connect.add("startConnected", true);
  connect.add("allowGuestControl", true);
  connect.add("connected", false);
  dev.add("addressType", n.mac ? "manual" : "generated");
  if (n.mac) dev.add("macAddress", *n.mac);
}

void DeviceWriter::edit_nic(const Nic& have, const NicSpec& want) {
  auto dev = change("edit", nullptr).add("device");
  dev.typed(have.type);
  dev.add("key", static_cast<long long>(have.key));
  write_device_info(dev, have.label, have.summary);
  write_backing(dev, want.network.value_or(have.network));
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
  const bool manual = want.mac.has_value() || have.address_type == "manual";
  dev.add("addressType", manual ? "manual" : "generated");
  const std::string mac = want.mac.value_or(have.mac);
  if (manual && !mac.empty()) dev.add("macAddress", mac);
}

void DeviceWriter::remove_nic(const Nic& have) {
  auto dev = change("remove", nullptr).add("device");
  dev.typed(have.type);
  dev.add("key", static_cast<long long>(have.key));
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
  if (!have.mac.empty()) dev.add("macAddress", have.mac);
}

}  // namespace hvctl::vsphere
