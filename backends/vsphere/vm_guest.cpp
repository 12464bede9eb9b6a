#include "vm_guest.hpp"

#include <fmt/format.h>

#include "properties.hpp"

namespace hvctl::vsphere {

GuestSignals read_guest_signals(VimSession& session, const Moref& vm) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"runtime.powerState", "guest.toolsStatus", "guestHeartbeatStatus", "guest.ipAddress"}}};
  q.objects = {vm};
  GuestSignals s;
  retrieve(session, q, [&](const ObjectContent& o) {
    s.power = o.text("runtime.powerState");
    s.tools_status = o.text("guest.toolsStatus");
    s.heartbeat = o.text("guestHeartbeatStatus");
    s.ip = o.text("guest.ipAddress");
  });
  return s;
}

Readiness judge_readiness(const GuestSignals& s, const ReadySpec& ready) {
  if (s.power != "poweredOn") return {false, s.power.empty() ? "power state unknown" : s.power};
  const bool no_tools = s.tools_status.empty() || s.tools_status == "toolsNotInstalled";
  if (ready.empty() && no_tools) return {true, "powered on (no VMware Tools, so no guest signal to wait for)"};
  const bool want_agent = ready.empty() || ready.agent.value_or(false);
  const bool want_ip = ready.empty() || ready.ip.value_or(false);
  std::string detail = "powered on";
  if (want_agent) {
    if (s.heartbeat != "green")
      return {false, fmt::format("powered on; VMware Tools heartbeat is {} ({})", s.heartbeat.empty() ? "unknown" : s.heartbeat,
                                 s.tools_status.empty() ? "no Tools status" : s.tools_status)};
    detail += ", Tools heartbeat green";
  }
  if (want_ip) {
    if (s.ip.empty()) return {false, "powered on; no IP address from VMware Tools yet"};
    detail += ", IP " + s.ip;
  }
  return {true, detail};
}

std::string web_console_url(VimSession& session, const Moref& vm) {
  auto req = xml::Builder::soap("AcquireTicket");
  req.top().add_moref("_this", vm.type, vm.value);
  req.top().add("ticketType", "webmks");
  Response r;
  try {
    r = session.call(req, "AcquireTicket");
  } catch (const SoapFault& f) {
    if (f.type() == "MethodNotFound" || f.type() == "NotImplemented" || f.type() == "NotSupported")
      throw BackendError(fmt::format("target '{}': VM '{}': this server hands out no web console tickets "
                                     "(AcquireTicket: {}); vcsim has none, vCenter and ESXi do",
                                     session.target().name, vm.value, f.type()));
    throw;
  }
  const xmlNode* t = r.returnval();
  if (auto url = xml::child_text(t, "url"); !url.empty()) return url;
  std::string host = xml::child_text(t, "host");
  if (host.empty()) host = session.target().uri;  // the server itself
  const std::string port = xml::child_text(t, "port");
  return fmt::format("wss://{}:{}/ticket/{}", host, port.empty() ? "443" : port, xml::child_text(t, "ticket"));
}

}  // namespace hvctl::vsphere
