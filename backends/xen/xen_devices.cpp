#include "xen_devices.hpp"

#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "hvctl/spec_overlay.hpp"
#include "xen_c.hpp"
#include "xen_config.hpp"

namespace hvctl::xen {
namespace {

namespace fs = std::filesystem;

template <typename Item>
bool has_id(const std::vector<Item>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return true;
  return false;
}

template <typename Item>
std::size_t index_of(const std::vector<Item>& items, const std::string& id) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].id == id) return i;
  return items.size();
}

void problem(std::vector<Problem>& out, const VmSpec& spec, const std::string& field, const std::string& message) {
  out.push_back({spec.mark_of(field), fmt::format("VM '{}': {}", spec.name, message)});
}

}  // namespace

std::vector<Problem> host_problems(const VmSpec& spec, const std::string& pvgrub_dir, const std::string& sys_class_net) {
  std::vector<Problem> out;
  std::error_code ec;
  if (const VmSpec booted = with_boot_loader(spec, pvgrub_dir); spec.boot.loader && booted.boot.kernel &&
                                                                 !fs::is_regular_file(*booted.boot.kernel, ec))
    problem(out, spec, "boot.loader",
            fmt::format("boot.loader {} boots a {} guest through {}, which dom0 lacks: install the package "
                        "grub-xen-host, or set the target's option pvgrub_dir to where its images are",
                        *spec.boot.loader, domain_type(spec), *booted.boot.kernel));
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    const auto& n = spec.nics[i];
    if (n.network && !fs::is_directory(fs::path(sys_class_net) / *n.network / "bridge", ec))
      problem(out, spec, fmt::format("nics[{}].network", i),
              fmt::format("NIC '{}': dom0 has no bridge '{}' (no {}/{}/bridge)", n.id, *n.network, sys_class_net, *n.network));
  }
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& d = spec.disks[i];
    if (d.path && !fs::exists(*d.path, ec))
      problem(out, spec, fmt::format("disks[{}].path", i), fmt::format("disk '{}': {} does not exist in dom0", d.id, *d.path));
  }
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    const auto& image = spec.cdroms[i].image;
    if (image && !image->empty() && !fs::exists(*image, ec))
      problem(out, spec, fmt::format("cdroms[{}].image", i),
              fmt::format("cdrom '{}': {} does not exist in dom0", spec.cdroms[i].id, *image));
  }
  return out;
}

void assign_macs(VmSpec& spec, const VmSpec& kept) {
  std::random_device random;
  for (auto& n : spec.nics)
    if (!n.mac && !has_id(kept.nics, n.id)) {
      const auto r = random();
      n.mac = fmt::format("00:16:3e:{:02x}:{:02x}:{:02x}", (r >> 16) & 0x7f, (r >> 8) & 0xff, r & 0xff);
    }
}

std::set<std::string> cold_fields(const VmSpec& spec) {
  if (domain_type(spec) != "hvm") return {};
  return {"disks.add", "disks.remove", "nics.add", "nics.remove"};
}

std::vector<Problem> live_renames(const VmSpec& desired, const VmSpec& actual, PowerState power) {
  std::vector<Problem> out;
  if (power == PowerState::stopped || !cold_fields(actual).empty()) return out;  // (HVM: restarted anyway)
  const VmSpec after = overlay_spec(actual, desired);
  for (std::size_t i = 0; i < actual.disks.size(); ++i) {
    const auto& d = actual.disks[i];
    const auto j = index_of(after.disks, d.id);
    if (j == after.disks.size()) continue;
    if (const auto was = disk_vdev(actual, i), will = disk_vdev(after, j); was != will)
      problem(out, desired, "disks",
              fmt::format("disk '{}' is {} in the running domain and would become {} (a disk before it is removed); "
                          "stop the VM first, or remove only the last disks", d.id, was, will));
  }
  for (std::size_t i = 0; i < actual.nics.size(); ++i) {
    const auto j = index_of(after.nics, actual.nics[i].id);
    if (j != after.nics.size() && j != i)
      problem(out, desired, "nics",
              fmt::format("NIC '{}' is vif {} in the running domain and would become vif {} (a NIC before it is "
                          "removed); stop the VM first, or remove only the last NICs", actual.nics[i].id, i, j));
  }
  return out;
}

namespace {

// The running domain's own device for NIC `i` of `from` (by its MAC, else its
// vif index), as xl network-detach finds it: libxl needs its back end's details.
void remove_nic(const Libxl& xl, std::uint32_t domid, const VmSpec& from, std::size_t i, const std::string& who) {
  const auto& n = from.nics[i];
  const std::string what = fmt::format("{}: cannot remove NIC '{}' (vif {}{})", who, n.id, i, n.mac ? " " + *n.mac : "");
  NicDevice live;
  int rc = n.mac ? libxl_mac_to_device_nic(xl.get(), domid, n.mac->c_str(), &live.get())
                 : libxl_devid_to_device_nic(xl.get(), domid, static_cast<int>(i), &live.get());
  if (rc) Libxl::fail(what + ": the running domain has no such vif", rc);
  if ((rc = libxl_device_nic_remove(xl.get(), domid, &live.get(), nullptr))) Libxl::fail(what, rc);
}

// The same for disk `i`: the domain's device of the translation's vdev,
// removed only when it holds the image the record says.
void remove_disk(const Libxl& xl, std::uint32_t domid, const VmSpec& from, std::size_t i, const std::string& who) {
  DiskDevice want, live;
  fill_disk(from, i, want.get());
  const std::string what = fmt::format("{}: cannot remove disk '{}' ({})", who, from.disks[i].id, want.get().vdev);
  int rc = libxl_vdev_to_device_disk(xl.get(), domid, want.get().vdev, &live.get());
  if (rc) Libxl::fail(what + ": the running domain has no such disk", rc);
  const std::string path = live.get().pdev_path ? live.get().pdev_path : "";
  if (path != (want.get().pdev_path ? want.get().pdev_path : ""))
    throw BackendError(fmt::format("{}: the running domain's {} is {}, not {}; left attached", what, want.get().vdev,
                                   path, from.disks[i].path.value_or("")));
  if ((rc = libxl_device_disk_remove(xl.get(), domid, &live.get(), nullptr))) Libxl::fail(what, rc);
}

void detach(const Libxl& xl, std::uint32_t domid, const VmSpec& from, const VmSpec& to, const std::string& who) {
  for (std::size_t i = 0; i < from.nics.size(); ++i)
    if (!has_id(to.nics, from.nics[i].id)) remove_nic(xl, domid, from, i, who);
  for (std::size_t i = 0; i < from.disks.size(); ++i)
    if (!has_id(to.disks, from.disks[i].id)) remove_disk(xl, domid, from, i, who);
}

void attach(const Libxl& xl, std::uint32_t domid, const VmSpec& to, const VmSpec& from, const std::string& who) {
  for (std::size_t i = 0; i < to.disks.size(); ++i) {
    if (has_id(from.disks, to.disks[i].id)) continue;
    DiskDevice disk;
    fill_disk(to, i, disk.get());
    if (const int rc = libxl_device_disk_add(xl.get(), domid, &disk.get(), nullptr))
      Libxl::fail(fmt::format("{}: cannot attach disk '{}' ({} as {})", who, to.disks[i].id,
                              to.disks[i].path.value_or(""), disk_vdev(to, i)), rc);
  }
  for (std::size_t i = 0; i < to.nics.size(); ++i) {
    if (has_id(from.nics, to.nics[i].id)) continue;
    NicDevice nic;
    fill_nic(to, i, nic.get());
    if (const int rc = libxl_device_nic_add(xl.get(), domid, &nic.get(), nullptr))
      Libxl::fail(fmt::format("{}: cannot attach NIC '{}' (vif {} on {})", who, to.nics[i].id, i,
                              to.nics[i].network.value_or("no bridge")), rc);
  }
}

}  // namespace

bool devices_differ(const VmSpec& to, const VmSpec& from) {
  auto differ = [](const auto& a, const auto& b) {
    if (a.size() != b.size()) return true;
    for (const auto& item : a)
      if (!has_id(b, item.id)) return true;
    return false;
  };
  return differ(to.disks, from.disks) || differ(to.nics, from.nics);
}

void change_devices(const Libxl& xl, std::uint32_t domid, const VmSpec& to, const VmSpec& from, const std::string& who) {
  detach(xl, domid, from, to, who);
  attach(xl, domid, to, from, who);
}

}  // namespace hvctl::xen
