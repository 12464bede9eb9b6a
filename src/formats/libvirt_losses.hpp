// What a libvirt domain XML <-> spec conversion leaves behind. The translation
// itself is the libvirt backend's (reached through the registry); this only
// says what it does not carry, so the report is as complete as for xl and vmx.
#pragma once

#include <string>
#include <vector>

#include "formats.hpp"

namespace hvctl::formats {

// Elements of a domain XML the spec does not carry (graphics, controllers,
// cdroms, bridge interfaces, <uuid>, <clock> ...), grouped by element, with lines.
// Elements hvctl writes itself (ACPI, the pty serial console) are not listed.
std::vector<Loss> libvirt_import_losses(const std::string& xml, const std::string& file);

// The domain type a spec is written for: spec.libvirt.domainType, else xen
// when it has a xen block, else kvm.
std::string libvirt_domain_type(const VmSpec& spec);

// What spec_to_domain_xml cannot say for `spec`, and the spec it can write:
// disks without a path and on buses libvirt lacks (nvme) are left out.
Exported libvirt_export_plan(const VmSpec& spec, VmSpec& writable);

}  // namespace hvctl::formats
