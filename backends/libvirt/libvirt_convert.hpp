// The libvirt backend's XML translation as `hvctl convert` needs it: errors
// as the input errors they are (nothing was contacted). Reached through
// src/registry/formats_registry.cpp, directly or through the module.
#pragma once

#include <string>

#include "hvctl/spec.hpp"

namespace hvctl::libvirt {

std::string convert_spec_to_xml(const VmSpec& spec, const std::string& domain_type);
VmSpec convert_xml_to_spec(const std::string& xml, const std::string& file);

}  // namespace hvctl::libvirt
