// What the guest itself says: readiness by the guest agent and DHCP leases,
// and the serial console as a byte stream. Internal to the libvirt backend.
#pragma once

#include <memory>

#include "hvctl/backend.hpp"
#include "libvirt_handles.hpp"

namespace hvctl::libvirt {

// Readiness of a running domain: `ready.agent` needs the guest agent to
// answer, `ready.ip` an address from the agent or a DHCP lease. With neither,
// running is ready (libvirt has no other signal every guest gives).
Readiness guest_readiness(virDomainPtr dom, const ReadySpec& ready, const Context& ctx);

// Every address a running domain's guest has, from DHCP leases, else from
// the guest agent; none when neither answers.
std::vector<std::string> guest_addresses(virDomainPtr dom);

// The guest agent channel's state in a live domain XML: "connected",
// "disconnected", or "" when the domain has no agent channel. No call to the
// agent, which can block for seconds when none runs. Pure.
std::string agent_channel_state(const std::string& live_xml);

// The domain's first console (serial pty). Fails if another client holds it.
std::unique_ptr<ConsoleStream> open_console(virConnectPtr conn, virDomainPtr dom, const Context& ctx);

}  // namespace hvctl::libvirt
