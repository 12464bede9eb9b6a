// The libvirt backend's pure spec <-> domain XML translation, for commands
// that convert files (commands never include backend internals).
#pragma once

#include <string>

#include "hvctl/spec.hpp"

namespace hvctl {

// True when the libvirt backend (and so its XML translation) is compiled in.
bool libvirt_xml_available();

// Domain XML for `spec` as a `domain_type` domain (kvm, qemu, xen, test;
// spec.libvirt.domainType wins). Every disk must have a path. Throws InputError
// when the libvirt backend is not compiled in.
std::string spec_to_libvirt_xml(const VmSpec& spec, const std::string& domain_type = "kvm");

// The spec a domain XML describes (`file` names it in messages). Throws
// ValidationError with file:line on malformed XML, InputError when the
// libvirt backend is not compiled in.
VmSpec libvirt_xml_to_spec(const std::string& xml, const std::string& file = "<xml>");

}  // namespace hvctl
