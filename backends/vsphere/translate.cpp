#include "translate.hpp"

#include "vsphere_checks.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "device_writer.hpp"
#include "guestinfo.hpp"
#include "hvctl/spec_fields.hpp"

namespace hvctl::vsphere {
namespace {

// A new VM's built-in devices that hvctl uses: the two IDE controllers.
VmConfig new_vm_base() {
  VmConfig vm;
  vm.controllers = {{200, "VirtualIDEController", "ide", 0}, {201, "VirtualIDEController", "ide", 1}};
  return vm;
}

void add_option(xml::Element spec, const std::string& key, const std::string& value) {
  auto o = spec.add("extraConfig");
  o.add("key", key);
  o.add("value", value).typed("xsd:string");
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

void write_shares(xml::Element spec, int weight) {
  auto shares = spec.add("cpuAllocation").add("shares");
  shares.add("shares", static_cast<long long>(weight));
  shares.add("level", "custom");
}

const char* firmware_name(Firmware f) { return f == Firmware::uefi ? "efi" : "bios"; }

// vSphere refuses numCPUs that are not a multiple of numCoresPerSocket. The
// parser checks a spec that sets both; this catches one half laid over a VM's other.
void check_topology(int count, int cores) {
  if (cores < 1 || count % cores != 0)
    throw std::invalid_argument(
        fmt::format("cpu.count {} is not a multiple of cpu.coresPerSocket {}: set both", count, cores));
}

// extraConfig changes: key -> value ("" removes), in key order.
using OptionChanges = std::map<std::string, std::string>;

void label_changes(const VmSpec& desired, const std::map<std::string, std::string>& have, OptionChanges& out) {
  if (desired.labels.empty() || desired.labels == have) return;
  for (const auto& [k, v] : desired.labels)
    if (auto it = have.find(k); it == have.end() || it->second != v) out[kLabelPrefix + k] = v;
  for (const auto& [k, v] : have)
    if (!desired.labels.count(k)) out[kLabelPrefix + k] = "";
}

void extra_changes(const VmSpec& desired, const std::map<std::string, std::string>& have, OptionChanges& out) {
  if (!desired.vsphere) return;
  for (const auto& [k, v] : desired.vsphere->extra_config)
    if (auto it = have.find(k); it == have.end() || it->second != v) out[k] = v;
}

// spec.init's guestinfo keys where they differ from `have`'s (init unset: none).
void guestinfo_changes(const VmSpec& desired, const std::map<std::string, std::string>& have, OptionChanges& out) {
  for (const auto& [k, v] : guestinfo_entries(desired))
    if (auto it = have.find(k); it == have.end() || it->second != v) out[k] = v;
}

// Disks: add the missing ones, grow the ones that got bigger.
void disk_changes(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                  std::vector<std::string>& ids, std::vector<std::string>& attached) {
  for (const auto& want : desired.disks) {
    std::size_t i = 0;
    while (i < now.disks.size() && now.disks[i].id != want.id) ++i;
    if (i == now.disks.size()) {
      if (want.from && !want.path)
        throw std::invalid_argument(fmt::format("disks[{}]: its base image was not copied first", want.id));
      const auto addr = w.add_disk(want);
      ids.push_back(want.id + "=" + addr);
      if (want.path && !want.from) attached.push_back(addr);  // the user's file; a copy of `from` is the VM's
      continue;
    }
    const DiskSpec& have = now.disks[i];
    if (auto r = refused_disk_change(want, have)) throw std::invalid_argument(fmt::format("disks[{}]: {}", want.id, r->why));
    if (want.size_mib && want.size_mib != have.size_mib) w.grow_disk(actual.disks[i], *want.size_mib);
  }
}

// Whether `desired` prunes `list` ("disks", "nics"): spec.prune (or apply
// --prune) and the spec has that list (a spec without nics: never loses one).
bool prunes(const VmSpec& desired, const char* list) {
  return desired.prune.value_or(false) && desired.field_marks.count(list) > 0;
}

template <typename T>
bool named(const std::vector<T>& items, const std::string& id) {
  return std::any_of(items.begin(), items.end(), [&](const T& i) { return i.id == id; });
}

// Pruned disks: removed by device key (found through hvctl.disks' address),
// their VMDKs kept unless --delete-images and hvctl made them (fileOperation
// destroy); their entries leave hvctl.disks and hvctl.attached.
void disk_removals(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                   std::vector<std::string>& ids, std::vector<std::string>& attached) {
  if (!prunes(desired, "disks")) return;
  const auto owned = owned_disks(actual, now.disks);  // deleted with --delete-images
  for (std::size_t i = 0; i < now.disks.size(); ++i) {  // now.disks follows actual.disks
    if (named(desired.disks, now.disks[i].id)) continue;
    const Disk& d = actual.disks[i];
    w.remove_disk(d, desired.delete_images && owned.count(now.disks[i].id));
    std::erase(ids, now.disks[i].id + "=" + d.address);
    std::erase(attached, d.address);
  }
}

// Pruned NICs: removed by device key, found by the MAC hvctl.nics records;
// their entries leave hvctl.nics. Returns whether any went.
bool nic_removals(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, std::vector<std::string>& entries) {
  if (!prunes(desired, "nics")) return false;
  bool removed = false;
  for (const auto& n : nic_ids(actual)) {  // the order of `entries` and of now.nics
    if (named(desired.nics, n.id)) continue;
    w.remove_nic(*n.nic);
    std::erase(entries, nic_entry(n.id, n.nic->mac));
    removed = true;
  }
  return removed;
}

// Controllers: add the ones `now` lacks (their ids to `ids`); a listed one
// keeps its type and model (vsphere_transition refuses a change).
void controller_changes(DeviceWriter& w, const VmSpec& desired, const VmSpec& now, std::vector<std::string>& ids) {
  for (const auto& want : desired.controllers) {
    const auto it = std::find_if(now.controllers.begin(), now.controllers.end(),
                                 [&](const ControllerSpec& c) { return c.id == want.id; });
    if (it == now.controllers.end()) {
      ids.push_back(want.id + "=" + w.add_controller(want));
      continue;
    }
    if (auto r = refused_controller_change(want, *it))
      throw std::invalid_argument(fmt::format("controllers[{}]: {}", want.id, r->why));
  }
}

// Whether a disk or drive of `actual` on controller `key` stays after this change.
bool keeps_device_on(int key, const VmSpec& desired, const VmConfig& actual, const VmSpec& now) {
  for (std::size_t i = 0; i < actual.disks.size(); ++i)
    if (actual.disks[i].controller_key == key && (!prunes(desired, "disks") || named(desired.disks, now.disks[i].id)))
      return true;
  for (std::size_t i = 0; i < actual.cdroms.size(); ++i)
    if (actual.cdroms[i].controller_key == key && (!prunes(desired, "cdroms") || named(desired.cdroms, now.cdroms[i].id)))
      return true;
  return false;
}

// Pruned controllers, after the devices on them: removed by device key. One
// that keeps a device is refused (vsphere_transition says so at plan time).
void controller_removals(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                         std::vector<std::string>& ids) {
  if (!prunes(desired, "controllers")) return;
  const auto have = controller_ids(actual);
  for (const auto& c : actual.controllers) {
    auto it = have.find(c.key);
    if (it == have.end() || named(desired.controllers, it->second)) continue;
    if (keeps_device_on(c.key, desired, actual, now))
      throw std::invalid_argument(fmt::format("controllers[{}]: cannot be pruned while devices the spec keeps sit on it",
                                              it->second));
    w.remove_controller(c);
    std::erase(ids, it->second + "=" + c.address());
  }
}

// CD-ROM drives: add the missing ones, change the medium where the image
// differs ("" ejects), remove the unlisted ones when pruning.
void cdrom_changes(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                   std::vector<std::string>& ids) {
  for (std::size_t i = 0; i < now.cdroms.size(); ++i) {  // now.cdroms follows actual.cdroms
    if (!prunes(desired, "cdroms") || named(desired.cdroms, now.cdroms[i].id)) continue;
    w.remove_cdrom(actual.cdroms[i]);
    std::erase(ids, now.cdroms[i].id + "=" + actual.cdroms[i].address);
  }
  for (const auto& want : desired.cdroms) {
    std::size_t i = 0;
    while (i < now.cdroms.size() && now.cdroms[i].id != want.id) ++i;
    if (i == now.cdroms.size()) {
      ids.push_back(want.id + "=" + w.add_cdrom(want));
      continue;
    }
    if (auto r = refused_cdrom_change(want, now.cdroms[i]))
      throw std::invalid_argument(fmt::format("cdroms[{}]: {}", want.id, r->why));
    if (want.image && *want.image != now.cdroms[i].image.value_or("")) w.edit_cdrom(actual.cdroms[i], *want.image);
  }
}

// "id=address" of each controller but the IDE ones.
std::vector<std::string> controller_entries(const VmConfig& vm) {
  std::vector<std::string> out;
  const auto ids = controller_ids(vm);
  for (const auto& c : vm.controllers)
    if (auto it = ids.find(c.key); it != ids.end()) out.push_back(it->second + "=" + c.address());
  return out;
}

// NICs: add the missing ones, edit those whose network or MAC differs.
// `entries` (hvctl.nics, one per NIC of `now`) gains the added NICs and
// follows a changed MAC; returns whether it changed.
bool nic_changes(DeviceWriter& w, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                 std::vector<std::string>& entries) {
  const auto ordered = nics_in_order(actual);
  bool changed = false;
  for (const auto& want : desired.nics) {
    std::size_t i = 0;
    while (i < now.nics.size() && now.nics[i].id != want.id) ++i;
    if (i == now.nics.size()) {
      w.add_nic(want);
      entries.push_back(nic_entry(want.id, want.mac.value_or("")));
      changed = true;
      continue;
    }
    const NicSpec& have = now.nics[i];
    if (auto r = refused_nic_change(want, have)) throw std::invalid_argument(fmt::format("nics[{}]: {}", want.id, r->why));
    if ((want.network && want.network != have.network) || (want.mac && want.mac != have.mac))
      w.edit_nic(*ordered[i], want);
    if (want.mac && want.mac != have.mac) {
      entries[i] = nic_entry(want.id, *want.mac);
      changed = true;
    }
  }
  return changed;
}

// Every <deviceChange> from `actual` to `desired`, in the order vSphere
// needs (controllers before the disks on them, removals of the devices on a
// controller before it); the id lists that changed go to `options`.
// Returns whether any device changes.
bool device_changes(xml::Element spec, const VmSpec& desired, const VmConfig& actual, const VmSpec& now,
                    const NetworkMap& nets, OptionChanges& options) {
  DeviceWriter w(spec, actual, nets);
  std::vector<std::string> disk_list, nic_list, cdrom_list, controller_list = controller_entries(actual);
  for (std::size_t i = 0; i < now.disks.size(); ++i)  // now.disks follows actual.disks
    if (!actual.disks[i].address.empty()) disk_list.push_back(now.disks[i].id + "=" + actual.disks[i].address);
  for (std::size_t i = 0; i < now.cdroms.size(); ++i)  // now.cdroms follows actual.cdroms
    if (!actual.cdroms[i].address.empty()) cdrom_list.push_back(now.cdroms[i].id + "=" + actual.cdroms[i].address);
  for (const auto& n : now.nics) nic_list.push_back(nic_entry(n.id, n.mac.value_or("")));
  const auto disks_before = disk_list, cdroms_before = cdrom_list, controllers_before = controller_list;
  const auto attached_before = split_list(actual.extra_config.count(kAttachedKey) ? actual.extra_config.at(kAttachedKey) : "");
  auto attached = attached_before;
  controller_changes(w, desired, now, controller_list);
  disk_removals(w, desired, actual, now, disk_list, attached);
  disk_changes(w, desired, actual, now, disk_list, attached);
  cdrom_changes(w, desired, actual, now, cdrom_list);
  controller_removals(w, desired, actual, now, controller_list);
  bool nics_renamed = nic_changes(w, desired, actual, now, nic_list);
  nics_renamed = nic_removals(w, desired, actual, nic_list) || nics_renamed;
  if (disk_list != disks_before) options[kDisksKey] = join(disk_list);
  if (cdrom_list != cdroms_before) options[kCdromsKey] = join(cdrom_list);
  if (controller_list != controllers_before) options[kControllersKey] = join(controller_list);
  if (nics_renamed) options[kNicsKey] = join(nic_list);
  if (attached != attached_before) options[kAttachedKey] = join(attached);  // "" when none is left
  return w.changes() > 0;
}

// Headroom is the hot-add flags: vSphere keeps no ceiling of its own (the
// host sets hotPlugMemoryLimit), so a memory.max or cpu.max above the size
// only lets it grow while the VM runs. In the ConfigSpec's order, after memoryMB.
void write_hot_add(xml::Element config, const VmSpec& spec) {
  const auto above = [](const auto& max, const auto& size) { return max && (!size || *max > *size); };
  if (above(spec.memory.max_mib, spec.memory.size_mib)) config.add("memoryHotAddEnabled", true);
  if (above(spec.cpu.max, spec.cpu.count)) config.add("cpuHotAddEnabled", true);
}

}  // namespace

void write_create_spec(xml::Element config, const VmSpec& spec, const CreateContext& ctx) {
  config.add("name", spec.name);
  config.add("guestId", spec.vsphere && spec.vsphere->guest_id ? *spec.vsphere->guest_id : kDefaultGuestId);
  if (spec.description) config.add("annotation", *spec.description);
  config.add("files").add("vmPathName", "[" + ctx.datastore + "]");
  if (spec.cpu.count || spec.cpu.max) config.add("numCPUs", static_cast<long long>(fields::effective_cpu_count(spec)));
  if (const auto cores = spec.cpu.cores_per_socket) {
    check_topology(fields::effective_cpu_count(spec), *cores);
    config.add("numCoresPerSocket", static_cast<long long>(*cores));
  }
  if (spec.memory.size_mib) config.add("memoryMB", static_cast<long long>(*spec.memory.size_mib));
  write_hot_add(config, spec);
  DeviceWriter w(config, new_vm_base(), ctx.networks);
  std::vector<std::string> disk_ids, attached, nic_ids, cdrom_list, controller_list;
  for (const auto& c : spec.controllers) controller_list.push_back(c.id + "=" + w.add_controller(c));
  for (const auto& d : spec.disks) {
    if (d.from) continue;  // copied into the VM's folder once it exists, then attached (base_disks.hpp)
    const auto addr = w.add_disk(d);
    disk_ids.push_back(d.id + "=" + addr);
    if (d.path) attached.push_back(addr);
  }
  for (const auto& cd : spec.cdroms) cdrom_list.push_back(cd.id + "=" + w.add_cdrom(cd));
  for (const auto& n : spec.nics) {
    w.add_nic(n);
    nic_ids.push_back(nic_entry(n.id, n.mac.value_or("")));  // a generated MAC: write_nic_pins, after
  }
  if (spec.cpu.weight) write_shares(config, *spec.cpu.weight);
  OptionChanges options;
  label_changes(spec, {}, options);
  extra_changes(spec, {}, options);
  guestinfo_changes(spec, {}, options);
  if (!disk_ids.empty()) options[kDisksKey] = join(disk_ids);
  if (!cdrom_list.empty()) options[kCdromsKey] = join(cdrom_list);
  if (!controller_list.empty()) options[kControllersKey] = join(controller_list);
  if (!nic_ids.empty()) options[kNicsKey] = join(nic_ids);
  if (!attached.empty()) options[kAttachedKey] = join(attached);
  for (const auto& [k, v] : options) add_option(config, k, v);
  if (spec.firmware) config.add("firmware", firmware_name(*spec.firmware));
}

bool write_reconfig_spec(xml::Element spec, const VmSpec& desired, const VmConfig& actual, const NetworkMap& nets) {
  const VmSpec now = to_vm_state(actual).spec;
  bool changed = false;
  // Optimistic locking: vSphere refuses the change (ConcurrentAccess) when
  // someone reconfigured the VM after `actual` was read.
  if (!actual.change_version.empty()) spec.add("changeVersion", actual.change_version);
  const auto guest = desired.vsphere ? desired.vsphere->guest_id : std::nullopt;
  if (guest && *guest != actual.guest_id) changed = (spec.add("guestId", *guest), true);
  // "" clears a note on vSphere (vcsim ignores it: see QUIRKS.md).
  if (desired.description && *desired.description != actual.annotation)
    changed = (spec.add("annotation", *desired.description), true);
  const bool new_count = desired.cpu.count && desired.cpu.count != actual.num_cpu;
  const bool new_cores = desired.cpu.cores_per_socket && desired.cpu.cores_per_socket != actual.cores_per_socket;
  if (new_count || new_cores)
    check_topology(desired.cpu.count.value_or(actual.num_cpu.value_or(1)),
                   desired.cpu.cores_per_socket.value_or(actual.cores_per_socket.value_or(1)));
  if (new_count) changed = (spec.add("numCPUs", static_cast<long long>(*desired.cpu.count)), true);
  if (new_cores) changed = (spec.add("numCoresPerSocket", static_cast<long long>(*desired.cpu.cores_per_socket)), true);
  if (desired.memory.size_mib && desired.memory.size_mib != now.memory.size_mib)
    changed = (spec.add("memoryMB", static_cast<long long>(*desired.memory.size_mib)), true);
  OptionChanges options;
  changed = device_changes(spec, desired, actual, now, nets, options) || changed;
  if (desired.cpu.weight && desired.cpu.weight != actual.custom_shares)
    changed = (write_shares(spec, *desired.cpu.weight), true);
  label_changes(desired, now.labels, options);
  extra_changes(desired, now.vsphere ? now.vsphere->extra_config : std::map<std::string, std::string>{}, options);
  guestinfo_changes(desired, actual.extra_config, options);
  for (const auto& [k, v] : options) add_option(spec, k, v);
  changed = changed || !options.empty();
  if (desired.firmware && desired.firmware != now.firmware)
    changed = (spec.add("firmware", firmware_name(*desired.firmware)), true);
  return changed;
}

void write_clone_config(xml::Element config, const VmSpec& spec, const VmConfig& source) {
  if (spec.description) config.add("annotation", *spec.description);
  if (spec.cpu.count) config.add("numCPUs", static_cast<long long>(*spec.cpu.count));
  if (const auto cores = spec.cpu.cores_per_socket) {
    check_topology(spec.cpu.count.value_or(source.num_cpu.value_or(1)), *cores);
    config.add("numCoresPerSocket", static_cast<long long>(*cores));
  }
  if (spec.memory.size_mib) config.add("memoryMB", static_cast<long long>(*spec.memory.size_mib));
  write_hot_add(config, spec);
  const VmSpec from = to_vm_state(source).spec;
  OptionChanges options;
  for (const auto& [k, v] : from.labels) options[kLabelPrefix + k] = "";  // the clone's labels are the spec's alone
  for (const auto& [k, v] : spec.labels) options[kLabelPrefix + k] = v;
  extra_changes(spec, {}, options);
  if (spec.init.empty()) {
    for (const auto& [k, v] : source.extra_config)
      if (is_guestinfo_key(k)) options[k] = "";  // the source's identity is not the clone's
  } else {
    guestinfo_changes(spec, {}, options);
  }
  if (source.extra_config.count(kCustomizationKey)) options[kCustomizationKey] = "";
  options[kSourceKey] = source_record(spec.source);  // for plans: a changed source changes nothing
  // The source's device ids, so that the clone's devices keep them (vcsim
  // copies no extraConfig of the source); NICs by position: a clone's MACs are new.
  for (const char* key : {kDisksKey, kCdromsKey, kControllersKey})
    if (auto it = source.extra_config.find(key); it != source.extra_config.end()) options[key] = it->second;
  std::vector<std::string> nics;
  for (const auto& n : nic_ids(source)) nics.push_back(n.id);
  if (!nics.empty()) options[kNicsKey] = join(nics);
  if (source.extra_config.count(kAttachedKey)) options[kAttachedKey] = "";  // cloned disks are the clone's own
  for (const auto& [k, v] : options) add_option(config, k, v);
}

bool write_nic_pins(xml::Element spec, const VmConfig& vm) {
  bool pending = false;
  std::vector<std::string> entries;
  for (const auto& n : nic_ids(vm)) {
    pending = pending || (n.by == NicId::By::position && !n.nic->mac.empty());
    entries.push_back(nic_entry(n.id, n.nic->mac));
  }
  if (!pending) return false;
  if (!vm.change_version.empty()) spec.add("changeVersion", vm.change_version);
  add_option(spec, kNicsKey, join(entries));
  return true;
}

std::string create_spec_document(const VmSpec& spec, const CreateContext& ctx) {
  auto doc = xml::Builder::standalone("config");
  write_create_spec(doc.top(), spec, ctx);
  return doc.str(true);
}

std::string reconfig_spec_document(const VmSpec& desired, const VmConfig& actual, const NetworkMap& nets) {
  auto doc = xml::Builder::standalone("spec");
  write_reconfig_spec(doc.top(), desired, actual, nets);
  return doc.str(true);
}

}  // namespace hvctl::vsphere
