#include "formats_registry.hpp"

#include "hvctl/error.hpp"

#if defined(HVCTL_WITH_LIBVIRT) && defined(HVCTL_BACKEND_MODULES)
#include "backend_module.hpp"
#elif defined(HVCTL_WITH_LIBVIRT)
#include "libvirt_convert.hpp"
#endif

namespace hvctl {

#if defined(HVCTL_WITH_LIBVIRT) && defined(HVCTL_BACKEND_MODULES)

bool libvirt_xml_available() { return true; }

std::string spec_to_libvirt_xml(const VmSpec& spec, const std::string& domain_type) {
  return backend_module("libvirt").spec_to_libvirt_xml(spec, domain_type);
}

VmSpec libvirt_xml_to_spec(const std::string& xml, const std::string& file) {
  return backend_module("libvirt").libvirt_xml_to_spec(xml, file);
}

#elif defined(HVCTL_WITH_LIBVIRT)

bool libvirt_xml_available() { return true; }

std::string spec_to_libvirt_xml(const VmSpec& spec, const std::string& domain_type) {
  return libvirt::convert_spec_to_xml(spec, domain_type);
}

VmSpec libvirt_xml_to_spec(const std::string& xml, const std::string& file) {
  return libvirt::convert_xml_to_spec(xml, file);
}

#else

namespace {
[[noreturn]] void not_compiled_in() {
  throw InputError("libvirt XML needs the libvirt backend, which is not compiled into this hvctl "
                   "(rebuild with -DHVCTL_WITH_LIBVIRT=ON and libvirt-dev installed)");
}
}  // namespace

bool libvirt_xml_available() { return false; }
std::string spec_to_libvirt_xml(const VmSpec&, const std::string&) { not_compiled_in(); }
VmSpec libvirt_xml_to_spec(const std::string&, const std::string&) { not_compiled_in(); }

#endif

}  // namespace hvctl
