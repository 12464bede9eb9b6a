// What vSphere says about a VM for operators (VmRuntime): where it runs, the
// guest's addresses, VMware Tools, when it booted. Pure readers of vim25
// values, tested without a server; the host's name and the inventory path
// come from other objects and are filled in by the Inventory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libxml/tree.h>

namespace hvctl::vsphere {

// An xsd:dateTime ("2026-12-01T12:26:07.123456Z", "...T13:26:07+01:00") as
// Unix seconds (the fraction dropped; no zone means UTC); nullopt when empty
// or malformed.
std::optional<std::int64_t> parse_xsd_datetime(std::string_view text);

// Every address in guest.net[].ipAddress (an ArrayOfGuestNicInfo <val>), in
// the order the guest reports them, without duplicates, loopback (127/8,
// ::1) or IPv6 link-local (fe80::/10) ones; when that leaves none,
// `guest_ip` (guest.ipAddress) under the same rule.
std::vector<std::string> guest_ips(const xmlNode* guest_net, const std::string& guest_ip);

// guest.toolsRunningStatus as VmRuntime::agent: "running" (guestToolsRunning,
// guestToolsExecutingScripts), "not running" (guestToolsNotRunning), ""
// (absent or unknown).
std::string tools_agent(std::string_view running_status);

}  // namespace hvctl::vsphere
