// Reading VM properties (vim25 XML) into VmConfig.
#include <utility>

#include "vm_model.hpp"
#include "vm_runtime.hpp"

namespace hvctl::vsphere {
namespace {

const std::pair<const char*, const char*> kNicModels[] = {
    {"VirtualVmxnet3", "vmxnet3"}, {"VirtualVmxnet2", "vmxnet2"}, {"VirtualVmxnet", "vmxnet"},
    {"VirtualE1000", "e1000"},     {"VirtualE1000e", "e1000e"},   {"VirtualPCNet32", "pcnet32"},
    {"VirtualSriovEthernetCard", "sriov"}, {"VirtualVmxnet3Vrdma", "vmxnet3vrdma"}};

const std::pair<const char*, const char*> kControllerKinds[] = {
    {"ParaVirtualSCSIController", "scsi"}, {"VirtualLsiLogicController", "scsi"},
    {"VirtualLsiLogicSASController", "scsi"}, {"VirtualBusLogicController", "scsi"},
    {"VirtualAHCIController", "sata"}, {"VirtualNVMEController", "nvme"}, {"VirtualIDEController", "ide"}};

const std::pair<const char*, const char*> kScsiModels[] = {
    {"ParaVirtualSCSIController", "pvscsi"}, {"VirtualLsiLogicController", "lsilogic"},
    {"VirtualLsiLogicSASController", "lsisas"}, {"VirtualBusLogicController", "buslogic"}};

std::optional<int> to_int(const std::string& s) {
  try {
    return s.empty() ? std::nullopt : std::optional<int>(std::stoi(s));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

long long to_ll(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

Disk read_disk(const xmlNode* d) {
  Disk disk;
  disk.key = to_int(xml::child_text(d, "key")).value_or(0);
  disk.controller_key = to_int(xml::child_text(d, "controllerKey")).value_or(0);
  disk.unit = to_int(xml::child_text(d, "unitNumber"));
  disk.capacity_kb = to_ll(xml::child_text(d, "capacityInKB"));
  if (const auto bytes = to_ll(xml::child_text(d, "capacityInBytes")); bytes > 0) disk.capacity_kb = bytes / 1024;
  const xmlNode* backing = xml::child(d, "backing");
  disk.file = xml::child_text(backing, "fileName");
  disk.backing_type = xml::xsi_type(backing);
  disk.disk_mode = xml::child_text(backing, "diskMode");
  disk.label = xml::child_text(xml::child(d, "deviceInfo"), "label");
  disk.summary = xml::child_text(xml::child(d, "deviceInfo"), "summary");
  return disk;
}

Cdrom read_cdrom(const xmlNode* d) {
  Cdrom cd;
  cd.key = to_int(xml::child_text(d, "key")).value_or(0);
  cd.controller_key = to_int(xml::child_text(d, "controllerKey")).value_or(0);
  cd.unit = to_int(xml::child_text(d, "unitNumber"));
  const xmlNode* backing = xml::child(d, "backing");
  cd.backing_type = xml::xsi_type(backing);
  if (cd.backing_type == "VirtualCdromIsoBackingInfo") cd.iso = xml::child_text(backing, "fileName");
  cd.label = xml::child_text(xml::child(d, "deviceInfo"), "label");
  cd.summary = xml::child_text(xml::child(d, "deviceInfo"), "summary");
  return cd;
}

Controller read_controller(const xmlNode* d, const std::string& type, const std::string& kind) {
  Controller c{to_int(xml::child_text(d, "key")).value_or(0), type, kind,
               to_int(xml::child_text(d, "busNumber")).value_or(0)};
  c.label = xml::child_text(xml::child(d, "deviceInfo"), "label");
  c.summary = xml::child_text(xml::child(d, "deviceInfo"), "summary");
  return c;
}

Nic read_nic(const xmlNode* d, const std::string& type) {
  Nic nic;
  nic.type = type;
  nic.model = nic_model(type);
  nic.key = to_int(xml::child_text(d, "key")).value_or(0);
  nic.controller_key = to_int(xml::child_text(d, "controllerKey")).value_or(0);
  nic.unit = to_int(xml::child_text(d, "unitNumber"));
  nic.mac = xml::child_text(d, "macAddress");
  nic.address_type = xml::child_text(d, "addressType");
  nic.label = xml::child_text(xml::child(d, "deviceInfo"), "label");
  nic.summary = xml::child_text(xml::child(d, "deviceInfo"), "summary");
  const xmlNode* backing = xml::child(d, "backing");
  nic.network = xml::child_text(backing, "deviceName");
  if (const xmlNode* port = xml::child(backing, "port")) {
    nic.portgroup_key = xml::child_text(port, "portgroupKey");
    nic.switch_uuid = xml::child_text(port, "switchUuid");
  }
  return nic;
}

void read_extra_config(const xmlNode* val, VmConfig& out) {
  for (const xmlNode* option : xml::children(val)) {
    const std::string key = xml::child_text(option, "key");
    const std::string value = xml::child_text(option, "value");
    if (value.empty())
      out.extra_config.erase(key);
    else
      out.extra_config[key] = value;
  }
}

template <typename Device>
void compute_addresses(const VmConfig& vm, std::vector<Device>& devices) {
  for (auto& dev : devices)
    for (const auto& c : vm.controllers)
      if (c.key == dev.controller_key && dev.unit) dev.address = c.address() + ":" + std::to_string(*dev.unit);
}

}  // namespace

const std::vector<std::string>& vm_property_paths() {
  static const std::vector<std::string> kPaths = {
      "name", "runtime.powerState", "config.uuid", "config.template", "config.guestId", "config.firmware",
      "config.hardware.numCPU", "config.hardware.memoryMB", "config.cpuAllocation.shares",
      "config.files.vmPathName", "config.extraConfig", "config.hardware.device",
      "config.changeVersion", "config.annotation", "config.hardware.numCoresPerSocket",
      "runtime.host", "runtime.bootTime", "summary.runtime.bootTime", "guest.toolsRunningStatus",
      "guest.ipAddress", "guest.net"};
  return kPaths;
}

std::string nic_model(const std::string& type) {
  for (const auto& [t, m] : kNicModels)
    if (type == t) return m;
  return "";
}

std::string controller_model(const std::string& type) {
  for (const auto& [t, m] : kScsiModels)
    if (type == t) return m;
  return "";
}

std::string controller_type(const std::string& kind, const std::string& model) {
  if (kind == "sata") return "VirtualAHCIController";
  if (kind == "nvme") return "VirtualNVMEController";
  if (kind != "scsi") return "";
  for (const auto& [t, m] : kScsiModels)
    if (model.empty() ? m == std::string("pvscsi") : model == m) return t;
  return "";
}

std::string nic_type(const std::string& model) {
  for (const auto& [t, m] : kNicModels)
    if (model == m) return t;
  return "";
}

void read_devices(const xmlNode* val, VmConfig& out) {
  for (const xmlNode* d : xml::children(val)) {
    const std::string type = xml::xsi_type(d);
    const auto unit = to_int(xml::child_text(d, "unitNumber"));
    if (unit) out.slots.emplace(to_int(xml::child_text(d, "controllerKey")).value_or(0), *unit);
    if (type == "VirtualDisk") {
      out.disks.push_back(read_disk(d));
    } else if (type == "VirtualCdrom") {
      out.cdroms.push_back(read_cdrom(d));
    } else if (!nic_model(type).empty()) {
      out.nics.push_back(read_nic(d, type));
    } else {
      for (const auto& [t, kind] : kControllerKinds)
        if (type == t) out.controllers.push_back(read_controller(d, type, kind));
    }
  }
  compute_addresses(out, out.disks);
  compute_addresses(out, out.cdroms);
}

VmConfig read_vm_config(const ObjectContent& o, const std::map<std::string, std::string>& portgroups) {
  VmConfig vm;
  vm.ref = o.obj;
  vm.name = o.text("name");
  vm.power = o.text("runtime.powerState");
  vm.uuid = o.text("config.uuid");
  vm.is_template = o.text("config.template") == "true";
  vm.guest_id = o.text("config.guestId");
  vm.firmware = o.text("config.firmware");
  vm.vm_path = o.text("config.files.vmPathName");
  vm.change_version = o.text("config.changeVersion");
  vm.num_cpu = to_int(o.text("config.hardware.numCPU"));
  vm.memory_mb = to_int(o.text("config.hardware.memoryMB"));
  vm.annotation = o.text("config.annotation");
  // Absent (hosts before 5.0) or 0 (vSphere chooses the topology): nothing to report.
  if (const auto cores = to_int(o.text("config.hardware.numCoresPerSocket")); cores && *cores > 0)
    vm.cores_per_socket = cores;
  if (const xmlNode* shares = o.prop("config.cpuAllocation.shares"); xml::child_text(shares, "level") == "custom")
    vm.custom_shares = to_int(xml::child_text(shares, "shares"));
  vm.host = read_moref(o.prop("runtime.host"));
  vm.boot_time = o.text("runtime.bootTime");
  if (vm.boot_time.empty()) vm.boot_time = o.text("summary.runtime.bootTime");  // vcsim sets only this one
  vm.tools_running = o.text("guest.toolsRunningStatus");
  vm.ips = guest_ips(o.prop("guest.net"), o.text("guest.ipAddress"));
  read_extra_config(o.prop("config.extraConfig"), vm);
  read_devices(o.prop("config.hardware.device"), vm);
  for (auto& nic : vm.nics)
    if (nic.network.empty() && !nic.portgroup_key.empty()) {
      auto it = portgroups.find(nic.portgroup_key);
      nic.network = it != portgroups.end() ? it->second : nic.portgroup_key;
    }
  return vm;
}

PowerState to_power_state(const std::string& s) {
  if (s == "poweredOn") return PowerState::running;
  if (s == "suspended") return PowerState::paused;
  return PowerState::stopped;
}

}  // namespace hvctl::vsphere
