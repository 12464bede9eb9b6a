// What VMware Tools report about the guest (heartbeat, IP), judged against a
// spec's ready conditions, and the web console ticket.
#pragma once

#include <string>

#include "hvctl/backend.hpp"
#include "vim_session.hpp"

namespace hvctl::vsphere {

struct GuestSignals {
  std::string power;          // runtime.powerState: poweredOn | poweredOff | suspended
  std::string tools_status;   // guest.toolsStatus: toolsOk | toolsNotInstalled | toolsNotRunning | toolsOld
  std::string heartbeat;      // guestHeartbeatStatus: green | yellow | red | gray
  std::string ip;             // guest.ipAddress
};

// The VM's signals, in one RetrievePropertiesEx.
GuestSignals read_guest_signals(VimSession& session, const Moref& vm);

// Pure: ready.agent needs a green Tools heartbeat, ready.ip an address. With
// no conditions: both when Tools are installed, else powered on is ready.
Readiness judge_readiness(const GuestSignals& signals, const ReadySpec& ready);

// A web console URL from AcquireTicket(webmks): wss://host:port/ticket/T.
// Throws UnsupportedError when the server hands out no tickets (vcsim).
std::string web_console_url(VimSession& session, const Moref& vm);

}  // namespace hvctl::vsphere
