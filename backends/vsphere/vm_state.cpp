// VmConfig -> VmState: vSphere's view of a VM in spec terms.
#include <algorithm>
#include <cctype>

#include "customization.hpp"
#include "guestinfo.hpp"
#include "vm_model.hpp"
#include "vm_runtime.hpp"

namespace hvctl::vsphere {
namespace {

std::string datastore_of(const std::string& path) {  // "[LocalDS_0] vm/vm.vmx" -> LocalDS_0
  if (path.size() < 2 || path.front() != '[') return "";
  const auto end = path.find(']');
  return end == std::string::npos ? "" : path.substr(1, end - 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "disk<N>"/"nic<N>" for devices hvctl did not name, avoiding names in use.
std::string fresh_id(const std::string& stem, std::size_t& counter, const std::vector<std::string>& taken) {
  for (;;) {
    std::string id = stem + std::to_string(counter++);
    if (std::find(taken.begin(), taken.end(), id) == taken.end()) return id;
  }
}

// "id=address" entries of extraConfig `key`, by address.
std::map<std::string, std::string> address_ids(const VmConfig& vm, const char* key) {
  std::map<std::string, std::string> out;
  auto it = vm.extra_config.find(key);
  if (it == vm.extra_config.end()) return out;
  for (const auto& entry : split_list(it->second)) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) out[entry.substr(eq + 1)] = entry.substr(0, eq);
  }
  return out;
}

// Each device's recorded id, else `stem`<N>.
template <typename Device>
std::vector<std::string> device_ids(const std::vector<Device>& devices, const std::map<std::string, std::string>& ids,
                                    const char* stem) {
  std::vector<std::string> taken, out;
  for (const auto& [addr, id] : ids) taken.push_back(id);
  std::size_t counter = 0;
  for (const auto& d : devices) {
    auto it = ids.find(d.address);
    out.push_back(it != ids.end() ? it->second : fresh_id(stem, counter, taken));
  }
  return out;
}

const Controller* controller_of(const VmConfig& vm, int key) {
  for (const auto& c : vm.controllers)
    if (c.key == key) return &c;
  return nullptr;
}

void add_disks(const VmConfig& vm, VmSpec& spec) {
  const auto ids = device_ids(vm.disks, disk_ids(vm), "disk");
  const auto controllers = controller_ids(vm);
  for (std::size_t i = 0; i < vm.disks.size(); ++i) {
    const Disk& d = vm.disks[i];
    DiskSpec out;
    out.id = ids[i];
    if (d.capacity_kb > 0) out.size_mib = static_cast<std::uint64_t>(d.capacity_kb / 1024);
    if (!d.file.empty()) out.path = d.file;
    if (const Controller* c = controller_of(vm, d.controller_key)) out.bus = c->kind;
    if (auto it = controllers.find(d.controller_key); it != controllers.end()) out.controller = it->second;
    out.format = "vmdk";
    spec.disks.push_back(std::move(out));
  }
}

// A drive with an ISO has it as its image; any other backing (a host drive,
// none) reads as an empty drive, as the spec has no words for it.
void add_cdroms(const VmConfig& vm, VmSpec& spec) {
  const auto ids = device_ids(vm.cdroms, cdrom_ids(vm), "cdrom");
  for (std::size_t i = 0; i < vm.cdroms.size(); ++i) {
    CdromSpec out;
    out.id = ids[i];
    out.image = vm.cdroms[i].iso;
    if (const Controller* c = controller_of(vm, vm.cdroms[i].controller_key)) out.bus = c->kind;
    spec.cdroms.push_back(std::move(out));
  }
}

void add_controllers(const VmConfig& vm, VmSpec& spec) {
  const auto ids = controller_ids(vm);
  for (const auto& c : vm.controllers) {
    auto it = ids.find(c.key);
    if (it == ids.end()) continue;  // IDE
    ControllerSpec out;
    out.id = it->second;
    out.type = c.kind;
    if (auto model = controller_model(c.type); !model.empty()) out.model = model;
    spec.controllers.push_back(std::move(out));
  }
}

void add_nics(const VmConfig& vm, VmSpec& spec) {
  for (const auto& [n, id, how] : nic_ids(vm)) {
    NicSpec out;
    out.id = id;
    if (!n->network.empty()) out.network = n->network;
    if (!n->mac.empty()) out.mac = n->mac;
    out.model = n->model;
    spec.nics.push_back(std::move(out));
  }
}

}  // namespace

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> disk_ids(const VmConfig& vm) { return address_ids(vm, kDisksKey); }
std::map<std::string, std::string> cdrom_ids(const VmConfig& vm) { return address_ids(vm, kCdromsKey); }

// The disks hvctl made for this VM (a size or a copy of `from`): recorded in
// hvctl.disks and not in hvctl.attached (the user's own files). A VM hvctl did
// not make has none, though vSphere would delete its disks with it.
std::set<std::string> owned_disks(const VmConfig& vm, const std::vector<DiskSpec>& disks) {
  const auto recorded = disk_ids(vm);
  const auto it = vm.extra_config.find(kAttachedKey);
  const auto attached = split_list(it == vm.extra_config.end() ? "" : it->second);
  std::set<std::string> out;
  for (std::size_t i = 0; i < vm.disks.size(); ++i) {
    const auto& address = vm.disks[i].address;
    if (recorded.count(address) && std::find(attached.begin(), attached.end(), address) == attached.end())
      out.insert(disks[i].id);
  }
  return out;
}

std::map<int, std::string> controller_ids(const VmConfig& vm) {
  const auto recorded = address_ids(vm, kControllersKey);
  std::vector<std::string> taken;
  for (const auto& [addr, id] : recorded) taken.push_back(id);
  std::map<int, std::string> out;
  for (const auto& c : vm.controllers) {
    if (c.kind == "ide") continue;
    auto it = recorded.find(c.address());
    if (it != recorded.end()) {
      out[c.key] = it->second;
      continue;
    }
    std::size_t counter = 0;  // its address, unless a recorded id took that name
    std::string id = c.address();
    if (std::find(taken.begin(), taken.end(), id) != taken.end()) id = fresh_id(c.kind + "-", counter, taken);
    taken.push_back(id);
    out[c.key] = id;
  }
  return out;
}

std::vector<const Nic*> nics_in_order(const VmConfig& vm) {
  std::vector<const Nic*> out;
  for (const auto& n : vm.nics) out.push_back(&n);
  std::stable_sort(out.begin(), out.end(), [](const Nic* a, const Nic* b) {
    return a->unit.value_or(1 << 30) < b->unit.value_or(1 << 30);
  });
  return out;
}

std::string nic_entry(const std::string& id, const std::string& mac) {
  return mac.empty() ? id : id + "=" + lower(mac);
}

std::vector<NicId> nic_ids(const VmConfig& vm) {
  struct Entry {
    std::string id, mac;
    bool used = false;
  };
  std::vector<Entry> entries;
  std::vector<std::string> taken;
  auto it = vm.extra_config.find(kNicsKey);
  for (const auto& item : split_list(it == vm.extra_config.end() ? "" : it->second)) {
    const auto eq = item.find('=');
    entries.push_back({item.substr(0, eq), eq == std::string::npos ? "" : lower(item.substr(eq + 1))});
    taken.push_back(entries.back().id);
  }
  std::vector<NicId> out;
  for (const Nic* n : nics_in_order(vm)) out.push_back({n, "", NicId::By::fresh});
  for (auto& o : out)
    for (auto& e : entries)
      if (!e.used && !e.mac.empty() && e.mac == lower(o.nic->mac)) {
        o = {o.nic, e.id, NicId::By::mac};
        e.used = true;
        break;
      }
  auto next = entries.begin();
  std::size_t counter = 0;
  for (auto& o : out) {
    if (o.by == NicId::By::mac) continue;
    while (next != entries.end() && !next->mac.empty()) ++next;
    if (next != entries.end())
      o = {o.nic, (next++)->id, NicId::By::position};
    else
      o.id = fresh_id("nic", counter, taken);
  }
  return out;
}

VmState to_vm_state(const VmConfig& vm) {
  VmState st;
  st.name = vm.name;
  st.uuid = vm.uuid;
  st.power = to_power_state(vm.power);
  VmSpec& spec = st.spec;
  spec.name = vm.name;
  spec.cpu.count = vm.num_cpu;
  spec.cpu.weight = vm.custom_shares;
  spec.cpu.cores_per_socket = vm.cores_per_socket;
  if (!vm.annotation.empty()) spec.description = vm.annotation;
  if (vm.memory_mb) spec.memory.size_mib = static_cast<std::uint64_t>(*vm.memory_mb);
  if (vm.firmware == "efi") spec.firmware = Firmware::uefi;
  if (vm.firmware == "bios") spec.firmware = Firmware::bios;
  add_disks(vm, spec);
  st.owned_disks = owned_disks(vm, spec.disks);
  add_cdroms(vm, spec);
  add_nics(vm, spec);
  add_controllers(vm, spec);
  VsphereBlock block;
  if (!vm.guest_id.empty()) block.guest_id = vm.guest_id;
  if (auto ds = datastore_of(vm.vm_path); !ds.empty()) block.datastore = ds;
  const std::string label_prefix = kLabelPrefix;
  for (const auto& [key, value] : vm.extra_config) {
    if (key.rfind(label_prefix, 0) == 0)
      spec.labels[key.substr(label_prefix.size())] = value;
    else if (key.rfind("hvctl.", 0) != 0 && !is_guestinfo_key(key))
      block.extra_config[key] = value;
  }
  if (auto it = vm.extra_config.find(kCustomizationKey); it != vm.extra_config.end())
    block.customization = read_customization_record(it->second);
  spec.vsphere = std::move(block);
  spec.init = read_guestinfo(vm.extra_config);
  spec.is_template = vm.is_template;
  if (auto it = vm.extra_config.find(kSourceKey); it != vm.extra_config.end()) spec.source = read_source_record(it->second);
  spec.power = st.power;
  st.runtime.host = vm.host_name;
  st.runtime.path = vm.path;
  st.runtime.ips = vm.ips;
  st.runtime.agent = tools_agent(vm.tools_running);
  st.runtime.booted_at = parse_xsd_datetime(vm.boot_time);
  return st;
}

}  // namespace hvctl::vsphere
