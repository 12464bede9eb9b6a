// The scheme map: which backend serves a target type. Each backend is
// compiled in behind its CMake option; a missing one gets a clear error.
#include <fmt/format.h>

#include "hvctl/backend.hpp"
#include "hvctl/error.hpp"

#ifdef HVCTL_WITH_LIBVIRT
#include "libvirt_backend.hpp"
#endif
#ifdef HVCTL_WITH_XEN
#include "xen_backend.hpp"
#endif
#ifdef HVCTL_WITH_VSPHERE
#include "vsphere_backend.hpp"
#endif

namespace hvctl {
namespace {

struct BackendEntry {
  const char* type;
  const char* cmake_option;
  std::unique_ptr<Backend> (*make)(const Target&);
};

const BackendEntry kBackends[] = {
#ifdef HVCTL_WITH_LIBVIRT
    {"libvirt", "HVCTL_WITH_LIBVIRT", make_libvirt_backend},
#else
    {"libvirt", "HVCTL_WITH_LIBVIRT", nullptr},
#endif
#ifdef HVCTL_WITH_VSPHERE
    {"vsphere", "HVCTL_WITH_VSPHERE", make_vsphere_backend},
#else
    {"vsphere", "HVCTL_WITH_VSPHERE", nullptr},
#endif
#ifdef HVCTL_WITH_XEN
    {"xen", "HVCTL_WITH_XEN", make_xen_backend},
#else
    {"xen", "HVCTL_WITH_XEN", nullptr},
#endif
};

}  // namespace

std::unique_ptr<Backend> make_backend(const Target& target) {
  for (const auto& entry : kBackends) {
    if (target.type != entry.type) continue;
    if (!entry.make) {
      throw InputError(fmt::format(
          "target '{}': the {} backend is not compiled into this hvctl (rebuild with -D{}=ON "
          "and its library installed)",
          target.name, entry.type, entry.cmake_option));
    }
    return entry.make(target);
  }
  throw InputError(fmt::format("target '{}': unknown type '{}' (expected libvirt, vsphere or xen)",
                               target.name, target.type));
}

std::vector<std::string> compiled_backends() {
  std::vector<std::string> names;
  for (const auto& entry : kBackends)
    if (entry.make) names.emplace_back(entry.type);
  return names;
}

}  // namespace hvctl
