#include "libvirt_convert.hpp"

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
    // xml_util reports "malformed domain XML: MESSAGE (line N)". No std::regex:
    // it recurses per character and overflows the stack on a long message.
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

}  // namespace hvctl::libvirt
