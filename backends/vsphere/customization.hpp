// spec.vsphere.customization as VMware guest customization (GOSC): a vim25
// CustomizationSpec, for CloneVM_Task's spec.customization and for
// CustomizeVM_Task. Pure; golden-tested.
//
// identity: CustomizationLinuxPrep with a CustomizationFixedName hostName
//   (customization.hostname, else spec.init.hostname, else the VM's name)
//   and domain (customization.domain; the WSDL requires the element, so ""
//   when unset); globalIPSettings: dnsServerList; nicSettingMap: one entry
//   per NIC of the VM, in PCI order (vSphere refuses NicSettingMismatch
//   otherwise): the first gets CustomizationFixedIp, subnetMask and gateway
//   when ipv4 is set, every other (and the first without ipv4)
//   CustomizationDhcpIpGenerator.
//
// What was applied is recorded in extraConfig hvctl.customization (the
// spec's own fields as JSON, vm_model.hpp), so plans compare it: vSphere
// keeps no readable copy of a customization once the guest ran it.
#pragma once

#include <cstddef>
#include <string>

#include "hvctl/spec.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

// "255.255.255.0" for prefix 24; throws std::invalid_argument for one above 32.
std::string subnet_mask(int prefix);

// Writes the CustomizationSpec's elements into `spec` (the <customization>
// of a clone spec, or CustomizeVM_Task's <spec>) for `vm`, whose
// customization must not be empty, on a VM with `nics` NICs.
void write_customization(xml::Element spec, const VmSpec& vm, std::size_t nics);

// hvctl.customization's value for `c`, and `c` back from it (empty for text
// that is no record hvctl wrote).
std::string customization_record(const CustomizationSpec& c);
CustomizationSpec read_customization_record(const std::string& text);

// The CustomizationSpec as an indented standalone document (golden files).
std::string customization_document(const VmSpec& vm, std::size_t nics);

}  // namespace hvctl::vsphere
