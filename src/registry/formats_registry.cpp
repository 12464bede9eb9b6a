#include "formats_registry.hpp"

#include <regex>

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
    static const std::regex kLine(R"(^(.*) \(line (\d+)\)$)");
    std::smatch m;
    const std::string what = e.what();
    if (std::regex_match(what, m, kLine)) throw ValidationError({{{file, std::stoi(m[2]), 1}, m[1].str()}});
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
