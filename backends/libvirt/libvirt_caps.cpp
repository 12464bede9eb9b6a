#include "libvirt_caps.hpp"

#include <fmt/format.h>

#include "hvctl/spec_fields.hpp"
#include "hvctl/units.hpp"

namespace hvctl::libvirt {
namespace {

void add(std::vector<Problem>& out, const VmSpec& spec, const std::string& field, const std::string& message) {
  out.push_back({spec.mark_of(field), fmt::format("VM '{}': {}", spec.name, message)});
}

// libvirt's lifecycle actions: on_poweroff/on_reboot take the first four,
// on_crash also the coredump ones; nothing takes Xen's soft-reset.
bool lifecycle_ok(const std::optional<std::string>& action, bool crash) {
  if (!action) return true;
  for (const char* a : {"destroy", "restart", "preserve", "rename-restart"})
    if (*action == a) return true;
  return crash && (*action == "coredump-destroy" || *action == "coredump-restart");
}

void check_xen(const VmSpec& spec, const std::string& type, std::vector<Problem>& out) {
  if (spec.cpu.cap && type == "xen")
    add(out, spec, "cpu.cap", "libvirt's Xen driver does not apply a CPU cap (use a xen target)");
  if (!spec.xen) return;
  const std::pair<const char*, const std::optional<std::string>*> actions[] = {
      {"onPoweroff", &spec.xen->on_poweroff}, {"onReboot", &spec.xen->on_reboot}, {"onCrash", &spec.xen->on_crash}};
  for (const auto& [key, action] : actions)
    if (!lifecycle_ok(*action, std::string(key) == "onCrash"))
      add(out, spec, std::string("xen.") + key, fmt::format("libvirt has no '{}' action for xen.{}", **action, key));
}

}  // namespace

Capabilities libvirt_capabilities(const std::string& hypervisor) {
  Capabilities c;
  c.backend = "libvirt";
  c.hypervisor = hypervisor;
  c.fields = fields::accepted_keys(fields::Column::libvirt);
  c.hot_fields = fields::hot_keys(fields::Column::libvirt);
  // The test driver has no virDomainAttachDeviceFlags, DetachDeviceFlags or
  // BlockResize; libxl has no BlockResize.
  if (hypervisor == "test")
    for (const char* key : {"disks.add", "disks.remove", "nics.add", "nics.remove"}) c.hot_fields.erase(key);
  if (hypervisor == "test" || hypervisor == "xen") c.hot_fields.erase("disks.size");
  c.cold_disk_buses = {"ide", "sata"};  // QEMU (and an HVM guest's emulated disks on Xen) cannot hot-plug them
  c.pause = true;
  c.graceful_stop = true;
  c.snapshots = true;
  c.default_parallel = 4;
  return c;
}

std::string hypervisor_of(const std::string& uri, const std::string& domain_type_option) {
  if (!domain_type_option.empty()) return domain_type_option;
  return uri.substr(0, std::min(uri.find(':'), uri.find('+')));
}

std::vector<Problem> check_spec(const VmSpec& spec, const std::string& target_domain_type) {
  std::vector<Problem> out;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& disk = spec.disks[i];
    if (disk.bus == "nvme")
      add(out, spec, fmt::format("disks[{}].bus", i), fmt::format("disk '{}': libvirt has no nvme disk bus", disk.id));
    if (disk.format == "vhd")
      add(out, spec, fmt::format("disks[{}].format", i),
          fmt::format("disk '{}': use format raw, qcow2 or vmdk with libvirt", disk.id));
    else if (disk.from && disk.format && disk.format != "qcow2")
      add(out, spec, fmt::format("disks[{}].format", i),
          fmt::format("disk '{}': a disk made from a base image is a qcow2 overlay on libvirt: format qcow2 says the "
                      "image is qcow2 too; leave format unset for a {} image", disk.id, *disk.format));
  }
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    const auto& image = spec.cdroms[i].image;
    if (image && !image->empty() && image->front() != '/')
      add(out, spec, fmt::format("cdroms[{}].image", i),
          fmt::format("cdrom '{}': image '{}' must be an absolute path on the libvirt host", spec.cdroms[i].id, *image));
  }
  const bool spec_type = spec.libvirt && spec.libvirt->domain_type;
  check_xen(spec, spec_type ? *spec.libvirt->domain_type : target_domain_type, out);
  return out;
}

std::vector<Problem> check_transition(const VmSpec& desired, const VmSpec& actual) {
  std::vector<Problem> out;
  for (std::size_t i = 0; i < desired.disks.size(); ++i) {
    const auto& want = desired.disks[i];
    for (const auto& have : actual.disks)
      if (have.id == want.id && want.size_mib && have.size_mib && *want.size_mib < *have.size_mib)
        out.push_back({desired.mark_of(fmt::format("disks[{}].size", i)),
                       fmt::format("VM '{}': disks[{}]: hvctl never shrinks a disk ({} -> {}): the guest's file "
                                   "system would lose its end", desired.name, want.id, format_size_mib(*have.size_mib),
                                   format_size_mib(*want.size_mib))});
  }
  return out;
}

}  // namespace hvctl::libvirt
