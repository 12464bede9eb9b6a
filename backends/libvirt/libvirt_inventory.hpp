// What a libvirt connection offers VMs: its node, its networks, its storage
// pools. Each is one list call, then one call per network or pool for what
// libvirt keeps only in their XML (bridge, forward mode, pool type and path):
// libvirt has no bulk call for those. Internal to the libvirt backend.
#pragma once

#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "hvctl/inventory.hpp"

namespace hvctl::libvirt {

HostInfo read_node(virConnectPtr conn, const std::string& target);
std::vector<NetworkInfo> read_networks(virConnectPtr conn, const std::string& target);
std::vector<StorageInfo> read_pools(virConnectPtr conn, const std::string& target);

// The parts of a <network> or <pool> document hvctl shows. Pure.
NetworkInfo network_from_xml(const std::string& xml);
StorageInfo pool_from_xml(const std::string& xml);

// libvirt's version number (major * 1,000,000 + minor * 1,000 + micro) as "7.2.0".
std::string version_text(unsigned long version);

}  // namespace hvctl::libvirt
