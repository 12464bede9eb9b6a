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

// The domain's first console (serial pty). Fails if another client holds it.
std::unique_ptr<ConsoleStream> open_console(virConnectPtr conn, virDomainPtr dom, const Context& ctx);

}  // namespace hvctl::libvirt
