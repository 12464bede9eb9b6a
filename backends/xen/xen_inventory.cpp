// hvctl hosts / networks / storage on Xen: the host as `xl info` shows it
// (libxl_get_physinfo, the version), the dom0's bridges, and the state
// directory where the backend keeps its records and the disk images it makes.
#include "xen_inventory.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "xen_backend_impl.hpp"

namespace hvctl::xen {
namespace fs = std::filesystem;

std::vector<NetworkInfo> dom0_bridges(const std::string& sys_class_net) {
  std::vector<NetworkInfo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sys_class_net, ec)) {
    if (!fs::is_directory(entry.path() / "bridge", ec)) continue;
    NetworkInfo n;
    n.name = entry.path().filename().string();
    n.type = "bridge";
    std::vector<std::string> ports;
    for (const auto& port : fs::directory_iterator(entry.path() / "brif", ec)) ports.push_back(port.path().filename().string());
    std::sort(ports.begin(), ports.end());
    std::string list;
    for (const auto& p : ports) list += (list.empty() ? "" : ", ") + p;
    n.detail = ports.empty() ? "no ports" : "ports " + list;
    std::ifstream flags(entry.path() / "flags");
    unsigned long value = 0;
    if (flags >> std::hex >> value) n.active = (value & 0x1) != 0;  // IFF_UP
    out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end(), [](const NetworkInfo& a, const NetworkInfo& b) { return a.name < b.name; });
  return out;
}

StorageInfo directory_storage(const std::string& name, const std::string& path) {
  StorageInfo s;
  s.name = name;
  s.type = "dir";
  s.location = path;
  // A directory the backend has not made yet will be made on its nearest existing parent's file system.
  fs::path where = path;
  std::error_code ec;
  while (!fs::exists(where, ec) && where.has_parent_path() && where != where.parent_path()) where = where.parent_path();
  struct statvfs st {};
  s.accessible = statvfs(where.c_str(), &st) == 0;
  if (*s.accessible) {
    s.capacity_mib = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize / (1024 * 1024);
    s.free_mib = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize / (1024 * 1024);
  }
  return s;
}

std::vector<HostInfo> XenBackend::hosts() {
  libxl_physinfo info;
  libxl_physinfo_init(&info);
  if (const int rc = libxl_get_physinfo(xl().get(), &info); rc != 0) {
    libxl_physinfo_dispose(&info);
    Libxl::fail(fmt::format("target '{}': cannot read the host's CPUs and memory", target_.name), rc);
  }
  HostInfo h;
  char name[256] = {};
  h.name = gethostname(name, sizeof name - 1) == 0 ? name : target_.name;
  h.product = probe().product;
  h.cpus = static_cast<int>(info.nr_cpus);
  h.cpu_mhz = static_cast<std::uint64_t>(info.cpu_khz) / 1000 * info.nr_cpus;
  const std::uint64_t page = 4096;  // Xen's page on x86, as xl info counts total_memory
  h.memory_mib = info.total_pages * page / (1024 * 1024);
  h.memory_free_mib = info.free_pages * page / (1024 * 1024);
  libxl_physinfo_dispose(&info);
  h.vms = static_cast<int>(xl().domains().size());
  return {h};
}

std::vector<NetworkInfo> XenBackend::networks() { return dom0_bridges(); }

std::vector<StorageInfo> XenBackend::storage() { return {directory_storage(kStateDirStorage, store_.dir())}; }

}  // namespace hvctl::xen
