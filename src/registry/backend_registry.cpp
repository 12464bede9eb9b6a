// The scheme map: which backend serves a target type. Each backend is
// compiled in behind its CMake option; a missing one gets a clear error.
// With HVCTL_BACKEND_MODULES a compiled backend lives in its own module
// (backend_module.hpp), loaded the first time a target of its type is used.
#include <fmt/format.h>

#include "hvctl/backend.hpp"
#include "hvctl/error.hpp"

#ifdef HVCTL_BACKEND_MODULES
#include "backend_module.hpp"
#else
#ifdef HVCTL_WITH_LIBVIRT
#include "libvirt_backend.hpp"
#endif
#ifdef HVCTL_WITH_XEN
#include "xen_backend.hpp"
#endif
#ifdef HVCTL_WITH_VSPHERE
#include "vsphere_backend.hpp"
#endif
#endif

namespace hvctl {
namespace {

using MakeFn = std::unique_ptr<Backend> (*)(const Target&, Diagnostics&);

struct BackendEntry {
  const char* type;
  const char* cmake_option;
  bool compiled;  // built with its option on
  MakeFn make;    // linked into this binary; nullptr when in a module (or not compiled)
};

#ifdef HVCTL_BACKEND_MODULES
#define HVCTL_LINKED(fn) nullptr
#else
#define HVCTL_LINKED(fn) fn
#endif

const BackendEntry kBackends[] = {
#ifdef HVCTL_WITH_LIBVIRT
    {"libvirt", "HVCTL_WITH_LIBVIRT", true, HVCTL_LINKED(make_libvirt_backend)},
#else
    {"libvirt", "HVCTL_WITH_LIBVIRT", false, nullptr},
#endif
#ifdef HVCTL_WITH_VSPHERE
    {"vsphere", "HVCTL_WITH_VSPHERE", true, HVCTL_LINKED(make_vsphere_backend)},
#else
    {"vsphere", "HVCTL_WITH_VSPHERE", false, nullptr},
#endif
#ifdef HVCTL_WITH_XEN
    {"xen", "HVCTL_WITH_XEN", true, HVCTL_LINKED(make_xen_backend)},
#else
    {"xen", "HVCTL_WITH_XEN", false, nullptr},
#endif
};

}  // namespace

std::unique_ptr<Backend> make_backend(const Target& target, Diagnostics& diagnostics) {
  for (const auto& entry : kBackends) {
    if (target.type != entry.type) continue;
    if (!entry.compiled) {
      throw InputError(fmt::format(
          "target '{}': the {} backend is not compiled into this hvctl (rebuild with -D{}=ON "
          "and its library installed)",
          target.name, entry.type, entry.cmake_option));
    }
#ifdef HVCTL_BACKEND_MODULES
    return backend_module(entry.type).make(target, diagnostics);
#else
    return entry.make(target, diagnostics);
#endif
  }
  throw InputError(fmt::format("target '{}': unknown type '{}' (expected libvirt, vsphere or xen)",
                               target.name, target.type));
}

std::vector<std::string> compiled_backends() {
  std::vector<std::string> names;
  for (const auto& entry : kBackends)
    if (entry.compiled) names.emplace_back(entry.type);
  return names;
}

}  // namespace hvctl
