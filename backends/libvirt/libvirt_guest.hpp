// What the guest itself says: readiness by the guest agent and DHCP leases,
// and the serial console as a byte stream. Internal to the libvirt backend.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "hvctl/backend.hpp"
#include "hvctl/target.hpp"
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

// What one domain's console has shown since hvctl began watching it, for
// console readiness. A pty keeps nothing for a reader who comes later, so
// the watch starts at the first look and holds the console until it is
// dropped; a restarted domain (a new domain id) is watched afresh. Each
// watch has a connection of its own: libvirt's client can deadlock when
// blocking stream reads and other calls share one (seen with two consoles
// read while the engine asked for volume sizes).
class ConsoleWatch {
public:
  using Match = std::function<bool(std::string_view console)>;
  ConsoleWatch() = default;
  ConsoleWatch(const ConsoleWatch&) = delete;
  ConsoleWatch& operator=(const ConsoleWatch&) = delete;
  ~ConsoleWatch();
  // Opens the console of the running (or paused) domain `dom` on a
  // connection to `target` of its own, unless open already for this run.
  void attach(const Target& target, virDomainPtr dom, const Context& ctx);
  // Reads what arrived and says whether `match` has held on what this run
  // showed. Throws BackendError when the console cannot be opened (another
  // client holds it).
  bool shows(const Target& target, virDomainPtr dom, const Match& match, const Context& ctx);
  // Whether a console is open: attached at a start, or by an earlier look.
  bool watching() const { return stream_ != nullptr; }

private:
  virConnectPtr conn_ = nullptr;
  unsigned domain_id_ = 0;
  std::unique_ptr<ConsoleStream> stream_;
  std::string seen_;     // the tail of what arrived, long enough for a line
  bool matched_ = false;  // in this run
};

}  // namespace hvctl::libvirt
