#include "formats_registry.hpp"

#include "hvctl/error.hpp"

#ifdef HVCTL_WITH_LIBVIRT
#include "libvirt_xml.hpp"
#endif

namespace hvctl {

#ifdef HVCTL_WITH_LIBVIRT

bool libvirt_xml_available() { return true; }

std::string spec_to_libvirt_xml(const VmSpec& spec, const std::string& domain_type) {
  libvirt::DomainDefaults defaults;
  defaults.domain_type = domain_type;
  try {
    return libvirt::spec_to_domain_xml(spec, defaults);
  } catch (const BackendError& e) {
    throw InputError(e.what());  // nothing was contacted: the spec cannot be written
  }
}

VmSpec libvirt_xml_to_spec(const std::string& xml, const std::string& file) {
  try {
    return libvirt::domain_xml_to_state(xml).spec;
  } catch (const BackendError& e) {
    // xml_util reports "malformed domain XML: MESSAGE (line N)".
    const std::string what = e.what();
    const auto open = what.rfind(" (line ");
    if (open != std::string::npos && what.back() == ')') {
      const std::string number = what.substr(open + 7, what.size() - open - 8);
      const bool digits = !number.empty() && number.size() <= 9 &&
                          number.find_first_not_of("0123456789") == std::string::npos;
      if (digits) throw ValidationError({{{file, std::stoi(number), 1}, what.substr(0, open)}});
    }
    throw ValidationError({{{file, 0, 0}, what}});
  }
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
