#include "libvirt_convert.hpp"

#include <regex>

#include "hvctl/error.hpp"
#include "libvirt_xml.hpp"

namespace hvctl::libvirt {

std::string convert_spec_to_xml(const VmSpec& spec, const std::string& domain_type) {
  DomainDefaults defaults;
  defaults.domain_type = domain_type;
  try {
    return spec_to_domain_xml(spec, defaults);
  } catch (const BackendError& e) {
    throw InputError(e.what());  // nothing was contacted: the spec cannot be written
  }
}

VmSpec convert_xml_to_spec(const std::string& xml, const std::string& file) {
  try {
    return domain_xml_to_state(xml).spec;
  } catch (const BackendError& e) {
    // xml_util reports "malformed domain XML: MESSAGE (line N)".
    static const std::regex kLine(R"(^(.*) \(line (\d+)\)$)");
    std::smatch m;
    const std::string what = e.what();
    if (std::regex_match(what, m, kLine)) throw ValidationError({{{file, std::stoi(m[2]), 1}, m[1].str()}});
    throw ValidationError({{{file, 0, 0}, what}});
  }
}

}  // namespace hvctl::libvirt
