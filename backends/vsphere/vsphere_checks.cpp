#include "vsphere_checks.hpp"

#include <map>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>
#include <libxml/parser.h>

#include "hvctl/spec_fields.hpp"
#include "hvctl/units.hpp"
#include "guestinfo.hpp"
#include "hvctl/cloud_init_check.hpp"
#include "vm_model.hpp"

namespace hvctl::vsphere {
namespace {

Capabilities make_capabilities() {
  Capabilities c;
  c.backend = "vsphere";
  c.hypervisor = "esxi";
  c.fields = fields::accepted_keys(fields::Column::vsphere);
  c.hot_fields = fields::hot_keys(fields::Column::vsphere);
  c.pause = true;  // suspend
  c.graceful_stop = true;
  c.snapshots = true;
  c.clone_running = true;  // CloneVM_Task copies a running VM too
  c.default_parallel = kDefaultParallel;
  return c;
}

template <typename T>
const T* with_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

void check_disks(const VmSpec& spec, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& d = spec.disks[i];
    const auto at = [&](const char* field) { return spec.mark_of(fmt::format("disks[{}].{}", i, field)); };
    if (d.bus && *d.bus != "scsi" && *d.bus != "sata" && *d.bus != "nvme" && *d.bus != "ide")
      out.push_back({at("bus"), fmt::format("VM '{}': disks[{}].bus '{}' does not exist on vSphere (scsi, sata, nvme, ide)",
                                            spec.name, d.id, *d.bus)});
    if (d.format && *d.format != "vmdk")
      out.push_back({at("format"), fmt::format("VM '{}': disks[{}].format must be vmdk on vSphere", spec.name, d.id)});
    if (!d.size_mib && !d.path && !d.from)
      out.push_back({at("size"), fmt::format("VM '{}': disks[{}] needs a size (or the path of an existing disk, or a base image)", spec.name, d.id)});
    if (d.from && (d.from->empty() || d.from->front() != '[' || !d.from->ends_with(".vmdk")))
      out.push_back({at("from"), fmt::format("VM '{}': disks[{}].from must be a VMDK's datastore path like '[datastore] images/base.vmdk'",
                                             spec.name, d.id)});
    if (d.path && (d.path->empty() || d.path->front() != '['))
      out.push_back({at("path"), fmt::format("VM '{}': disks[{}].path must be a datastore path like '[datastore] dir/disk.vmdk'",
                                             spec.name, d.id)});
  }
}

void check_cdroms(const VmSpec& spec, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    const auto& cd = spec.cdroms[i];
    if (cd.image && !cd.image->empty() && (cd.image->front() != '[' || cd.image->find(']') == std::string::npos))
      out.push_back({spec.mark_of(fmt::format("cdroms[{}].image", i)),
                     fmt::format("VM '{}': cdroms[{}].image must be a datastore path like '[datastore] iso/x.iso' (\"\" "
                                 "for an empty drive)", spec.name, cd.id)});
  }
}

void check_controllers(const VmSpec& spec, std::vector<Problem>& out) {
  std::map<std::string, int> per_type;
  for (std::size_t i = 0; i < spec.controllers.size(); ++i) {
    const auto& c = spec.controllers[i];
    const auto at = spec.mark_of(fmt::format("controllers[{}]", i));
    if (c.type == "ide")
      out.push_back({at, fmt::format("VM '{}': controllers[{}]: a vSphere VM has two built-in IDE controllers, which "
                                     "cannot be added or removed; leave them out (bus: ide uses them)", spec.name, c.id)});
    else if (c.type && ++per_type[*c.type] == 5)
      out.push_back({at, fmt::format("VM '{}': controllers[{}]: a vSphere VM has at most 4 {} controllers", spec.name,
                                     c.id, *c.type)});
    if (c.model == "virtio")
      out.push_back({spec.mark_of(fmt::format("controllers[{}].model", i)),
                     fmt::format("VM '{}': controllers[{}].model virtio does not exist on vSphere (lsilogic, lsisas, "
                                 "pvscsi, buslogic)", spec.name, c.id)});
  }
}

void check_nics(const VmSpec& spec, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    const auto& n = spec.nics[i];
    if (n.model && nic_type(*n.model).empty())
      out.push_back({spec.mark_of(fmt::format("nics[{}].model", i)),
                     fmt::format("VM '{}': nics[{}].model '{}' does not exist on vSphere (vmxnet3, e1000, e1000e, vmxnet2, pcnet32)",
                                 spec.name, n.id, *n.model)});
  }
}

// What one guestinfo value can carry (cloud_init_check.hpp): user-data in
// guestinfo.userdata, network-config inside guestinfo.metadata.
void check_guestinfo_sizes(const VmSpec& spec, std::vector<Problem>& out) {
  if (spec.init.user_data)
    if (auto too_big = cloud_init_size_problem(spec.init.user_data->size(), CloudInitTransport::vsphere_guestinfo))
      out.push_back({spec.mark_of("init.cloudInit.userData"),
                     fmt::format("VM '{}': spec.init.cloudInit.userData: {}", spec.name, *too_big)});
  if (spec.init.network_config)
    if (auto too_big = cloud_init_size_problem(guestinfo_metadata(spec).size(), CloudInitTransport::vsphere_guestinfo))
      out.push_back({spec.mark_of("init.cloudInit.networkConfig"),
                     fmt::format("VM '{}': spec.init.cloudInit.networkConfig: the guestinfo.metadata that carries it "
                                 "is {}", spec.name, *too_big)});
}

}  // namespace

const Capabilities& vsphere_capabilities() {
  static const Capabilities kCaps = make_capabilities();
  return kCaps;
}

std::vector<Problem> vsphere_check(const VmSpec& spec) {
  std::vector<Problem> out;
  if (spec.cpu.cap)
    out.push_back({spec.mark_of("cpu.cap"),
                   fmt::format("VM '{}': cpu.cap cannot be expressed on vSphere (its CPU limit is in MHz)", spec.name)});
  if (spec.memory.size_mib && *spec.memory.size_mib % 4 != 0)
    out.push_back({spec.mark_of("memory.size"),
                   fmt::format("VM '{}': memory.size must be a multiple of 4MiB on vSphere", spec.name)});
  check_disks(spec, out);
  check_cdroms(spec, out);
  check_controllers(spec, out);
  check_nics(spec, out);
  check_guestinfo_sizes(spec, out);
  if (!spec.vsphere) return out;
  for (const auto& [key, value] : spec.vsphere->extra_config) {
    if (key.rfind("hvctl.", 0) == 0)
      out.push_back({spec.mark_of("vsphere.extraConfig"),
                     fmt::format("VM '{}': extraConfig key '{}' is reserved for hvctl", spec.name, key)});
    else if (is_guestinfo_key(key))
      out.push_back({spec.mark_of("vsphere.extraConfig"),
                     fmt::format("VM '{}': extraConfig key '{}' is what hvctl writes for spec.init: give the "
                                 "guest's first-boot identity there", spec.name, key)});
  }
  return out;
}

void vsphere_global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
  });
}

std::optional<Refusal> refused_disk_change(const DiskSpec& want, const DiskSpec& have) {
  const char* moved = want.bus && want.bus != have.bus                              ? "bus"
                      : want.controller && want.controller != have.controller        ? "controller"
                      : want.path && want.path != have.path                          ? "path"
                      : want.format && want.format != have.format                    ? "format"
                                                                                     : nullptr;
  if (moved) return Refusal{moved, "vSphere cannot move a disk to another bus, controller, file or format"};
  if (want.size_mib && have.size_mib && *want.size_mib < *have.size_mib)
    return Refusal{"size", fmt::format("vSphere cannot shrink a disk ({} -> {})", format_size_mib(*have.size_mib),
                                       format_size_mib(*want.size_mib))};
  return std::nullopt;
}

std::optional<Refusal> refused_nic_change(const NicSpec& want, const NicSpec& have) {
  if (want.model && want.model != have.model) return Refusal{"model", "vSphere cannot change a NIC's model in place"};
  return std::nullopt;
}

std::optional<Refusal> refused_cdrom_change(const CdromSpec& want, const CdromSpec& have) {
  if (want.bus && want.bus != have.bus)
    return Refusal{"bus", "vSphere cannot move a CD-ROM drive to another bus; give the new drive another id"};
  return std::nullopt;
}

// A controller's device type is its model: vSphere edits neither in place,
// and replacing it would detach every disk on it. hvctl does not guess.
std::optional<Refusal> refused_controller_change(const ControllerSpec& want, const ControllerSpec& have) {
  if (want.type && want.type != have.type)
    return Refusal{"type", fmt::format("vSphere cannot turn a {} controller into a {} one", have.type.value_or("?"), *want.type)};
  if (want.model && want.model != have.model)
    return Refusal{"model", fmt::format("vSphere cannot change a controller's model in place ({} -> {}): its device "
                                        "type is the model; move the disks to a new controller instead",
                                        have.model.value_or("none"), *want.model)};
  return std::nullopt;
}

// New drives on a bus vSphere offers none on; pruned controllers that keep a disk.
void check_new_devices(const VmSpec& desired, const VmSpec& actual, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < desired.cdroms.size(); ++i) {
    const auto& cd = desired.cdroms[i];
    if (!with_id(actual.cdroms, cd.id) && cd.bus && *cd.bus != "ide" && *cd.bus != "sata")
      out.push_back({desired.mark_of(fmt::format("cdroms[{}].bus", i)),
                     fmt::format("VM '{}': cdroms[{}]: vSphere adds CD-ROM drives on ide or sata, not {}", desired.name,
                                 cd.id, *cd.bus)});
  }
  if (!desired.prune.value_or(false) || !desired.field_marks.count("controllers")) return;
  const bool prunes_disks = desired.field_marks.count("disks") > 0;
  for (const auto& c : actual.controllers) {
    if (with_id(desired.controllers, c.id)) continue;
    for (const auto& d : actual.disks)
      if (d.controller == c.id && (!prunes_disks || with_id(desired.disks, d.id))) {
        out.push_back({desired.mark_of("controllers"),
                       fmt::format("VM '{}': controllers[{}] is pruned, but disk {} stays on it: list the controller, "
                                   "or prune the disk too", desired.name, c.id, d.id)});
        break;
      }
  }
}

std::vector<Problem> vsphere_transition(const VmSpec& desired, const VmSpec& actual) {
  std::vector<Problem> out;
  auto refuse = [&](const char* list, std::size_t i, const std::string& id, const Refusal& r) {
    out.push_back({desired.mark_of(fmt::format("{}[{}].{}", list, i, r.field)),
                   fmt::format("VM '{}': {}[{}]: {}", desired.name, list, id, r.why)});
  };
  for (std::size_t i = 0; i < desired.disks.size(); ++i)
    if (const auto* have = with_id(actual.disks, desired.disks[i].id))
      if (auto r = refused_disk_change(desired.disks[i], *have)) refuse("disks", i, desired.disks[i].id, *r);
  for (std::size_t i = 0; i < desired.nics.size(); ++i)
    if (const auto* have = with_id(actual.nics, desired.nics[i].id))
      if (auto r = refused_nic_change(desired.nics[i], *have)) refuse("nics", i, desired.nics[i].id, *r);
  for (std::size_t i = 0; i < desired.cdroms.size(); ++i)
    if (const auto* have = with_id(actual.cdroms, desired.cdroms[i].id))
      if (auto r = refused_cdrom_change(desired.cdroms[i], *have)) refuse("cdroms", i, desired.cdroms[i].id, *r);
  for (std::size_t i = 0; i < desired.controllers.size(); ++i)
    if (const auto* have = with_id(actual.controllers, desired.controllers[i].id))
      if (auto r = refused_controller_change(desired.controllers[i], *have))
        refuse("controllers", i, desired.controllers[i].id, *r);
  check_new_devices(desired, actual, out);
  return out;
}

}  // namespace hvctl::vsphere
