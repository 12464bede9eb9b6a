// What the libvirt backend can express, as data, and the spec checks that
// need no connection. Internal to the libvirt backend.
#pragma once

#include <string>
#include <vector>

#include "hvctl/backend.hpp"

namespace hvctl::libvirt {

// `hypervisor` as hypervisor_of() says: "xen" makes the target read the spec's xen block.
Capabilities libvirt_capabilities(const std::string& hypervisor);

// What a libvirt target drives, with no I/O: its domain_type option, else its
// URI's driver ("xen+ssh://host/" -> "xen", "qemu:///system" -> "qemu").
std::string hypervisor_of(const std::string& uri, const std::string& domain_type_option);

// Problems in `spec` libvirt cannot express, at their marks. `target_domain_type`
// is the target's domain_type option ("" when unset); spec.libvirt wins over it.
std::vector<Problem> check_spec(const VmSpec& spec, const std::string& target_domain_type);

// Changes from `actual` to `desired` hvctl will not make through libvirt
// (shrinking a disk's volume), at their marks (Backend::check_transition).
std::vector<Problem> check_transition(const VmSpec& desired, const VmSpec& actual);

}  // namespace hvctl::libvirt
