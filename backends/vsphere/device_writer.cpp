#include "device_writer.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace hvctl::vsphere {
namespace {

const char* controller_type(const std::string& kind) {
  if (kind == "scsi") return "ParaVirtualSCSIController";
  if (kind == "sata") return "VirtualAHCIController";
  if (kind == "nvme") return "VirtualNVMEController";
  return nullptr;  // ide: only the two built-in ones
}

void write_device_info(xml::Element dev, const std::string& label, const std::string& summary) {
  if (label.empty()) return;
  auto info = dev.add("deviceInfo");
  info.add("label", label);
  info.add("summary", summary.empty() ? label : summary);
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
    : spec_(spec), nets_(nets), controllers_(base.controllers), slots_(base.slots) {}

xml::Element DeviceWriter::change(const char* operation, const char* file_operation) {
  ++changes_;
  auto c = spec_.add("deviceChange");
  c.add("operation", operation);
  if (file_operation) c.add("fileOperation", file_operation);
  return c;
}

const Controller& DeviceWriter::controller_for(const std::string& kind) {
  int max_bus = -1;
  for (const auto& c : controllers_) {
    if (c.kind != kind) continue;
    max_bus = std::max(max_bus, c.bus);
    for (int u : units_for(kind))
      if (!slots_.count({c.key, u})) return c;
  }
  const char* type = controller_type(kind);
  if (!type || max_bus >= 3)
    throw std::invalid_argument(fmt::format("no free {} slot for another disk", kind));
  controllers_.push_back({next_key_--, type, kind, max_bus + 1});
  const Controller& c = controllers_.back();
  auto dev = change("add", nullptr).add("device");
  dev.typed(type);
  dev.add("key", static_cast<long long>(c.key));
  dev.add("busNumber", static_cast<long long>(c.bus));
  if (kind == "scsi") dev.add("sharedBus", "noSharing");
  return c;
}

std::string DeviceWriter::add_disk(const DiskSpec& d) {
  const std::string kind = d.bus.value_or("scsi");
  const Controller c = controller_for(kind);
  int unit = -1;
  for (int u : units_for(kind))
    if (unit < 0 && !slots_.count({c.key, u})) unit = u;
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
  auto dev = change("edit", nullptr).add("device");
  dev.typed("VirtualDisk");
  dev.add("key", static_cast<long long>(have.key));
  write_device_info(dev, have.label, have.summary);
  auto backing = dev.add("backing");
  backing.typed(have.backing_type.empty() ? "VirtualDiskFlatVer2BackingInfo" : have.backing_type);
  backing.add("fileName", have.file);
  if (!have.disk_mode.empty()) backing.add("diskMode", have.disk_mode);
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
  dev.add("capacityInKB", static_cast<long long>(size_mib * 1024));
  dev.add("capacityInBytes", static_cast<long long>(size_mib << 20));  // what vSphere 5.5+ reads first
}

void DeviceWriter::remove_disk(const Disk& have) {
  auto dev = change("remove", nullptr).add("device");  // no fileOperation: the VMDK is kept
  dev.typed("VirtualDisk");
  dev.add("key", static_cast<long long>(have.key));
  auto backing = dev.add("backing");
  backing.typed(have.backing_type.empty() ? "VirtualDiskFlatVer2BackingInfo" : have.backing_type);
  backing.add("fileName", have.file);
  if (!have.disk_mode.empty()) backing.add("diskMode", have.disk_mode);
  dev.add("controllerKey", static_cast<long long>(have.controller_key));
  if (have.unit) dev.add("unitNumber", static_cast<long long>(*have.unit));
  dev.add("capacityInKB", have.capacity_kb);
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
