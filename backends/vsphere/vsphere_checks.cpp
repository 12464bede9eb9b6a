#include "vsphere_checks.hpp"

#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>
#include <libxml/parser.h>

#include "vm_model.hpp"

namespace hvctl::vsphere {
namespace {

Capabilities make_capabilities() {
  Capabilities c;
  c.backend = "vsphere";
  c.fields = {"cpu.count", "cpu.weight", "memory.size", "firmware", "disks.size", "disks.path", "disks.bus",
              "disks.format", "nics.network", "nics.mac", "nics.model", "labels", "ready.ip", "ready.agent"};
  c.hot_fields = {"labels", "vsphere.extraConfig"};
  c.pause = true;  // suspend
  c.graceful_stop = true;
  c.snapshots = true;
  c.default_parallel = kDefaultParallel;
  return c;
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
    if (!d.size_mib && !d.path)
      out.push_back({at("size"), fmt::format("VM '{}': disks[{}] needs a size (or the path of an existing disk)", spec.name, d.id)});
    if (d.path && (d.path->empty() || d.path->front() != '['))
      out.push_back({at("path"), fmt::format("VM '{}': disks[{}].path must be a datastore path like '[datastore] dir/disk.vmdk'",
                                             spec.name, d.id)});
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
  check_nics(spec, out);
  if (spec.vsphere)
    for (const auto& [key, value] : spec.vsphere->extra_config)
      if (key.rfind("hvctl.", 0) == 0)
        out.push_back({spec.mark_of("vsphere.extraConfig"),
                       fmt::format("VM '{}': extraConfig key '{}' is reserved for hvctl", spec.name, key)});
  return out;
}

void vsphere_global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
  });
}

}  // namespace hvctl::vsphere
