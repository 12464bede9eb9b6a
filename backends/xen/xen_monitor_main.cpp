// hvctl-xen-monitor: what xl's background child does for `xl create`, for
// the domains hvctl starts. One process per domain, started detached by the
// backend; it waits for the domain to shut down and carries out the VM's
// on_poweroff / on_reboot / on_crash action, then exits when the domain is
// gone (a restart keeps watching the new domain).
//
//   hvctl-xen-monitor --state-dir DIR [--pvgrub-dir DIR] --domid N --name NAME
//
// --pvgrub-dir is the target's option pvgrub_dir, where a restart finds the
// pvgrub2 image of a VM with boot.loader (default /usr/lib/grub-xen).
//
// Limits: coredump-* actions restart or destroy without writing a core;
// rename-restart and soft-reset restart like "restart"; a guest that reboots
// more than 10 times a minute is left destroyed. hvctl's own stop marks the
// domain (userdata "hvctl-stopping") and the monitor then only destroys it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>

#include "hvctl/error.hpp"
#include "xen_config.hpp"
#include "xen_domain.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

struct Args {
  std::string state_dir, name, pvgrub_dir = kDefaultPvgrubDir;
  std::uint32_t domid = kInvalidDomid;
};

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--state-dir")) a.state_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--pvgrub-dir")) a.pvgrub_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--name")) a.name = argv[i + 1];
    else if (!std::strcmp(argv[i], "--domid")) a.domid = static_cast<std::uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    else return false;
  }
  return !a.state_dir.empty() && !a.name.empty() && a.domid != kInvalidDomid;
}

enum class Next { done, restart };

// The action the VM's spec gives for a shutdown `reason`, as a spec word.
std::string action_for(const VmSpec& spec, libxl_shutdown_reason reason) {
  const XenBlock x = spec.xen.value_or(XenBlock{});
  switch (reason) {
    case LIBXL_SHUTDOWN_REASON_POWEROFF: return x.on_poweroff.value_or("destroy");
    case LIBXL_SHUTDOWN_REASON_REBOOT: return x.on_reboot.value_or("restart");
    case LIBXL_SHUTDOWN_REASON_CRASH: return x.on_crash.value_or("destroy");
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET: return "restart";
    default: return "destroy";  // watchdog, unknown
  }
}

Next on_shutdown(const Libxl& xl, const Args& a, libxl_shutdown_reason reason, const std::string& who) {
  if (read_userdata(xl, a.domid, kStopIntentId)) {
    destroy_domain(xl, a.domid, who);
    return Next::done;
  }
  // The spec the domain runs with; the stored definition if its copy is gone.
  VmSpec spec;
  if (auto text = read_userdata(xl, a.domid, kUserdataId)) spec = record_from_json(*text, who + " userdata").spec;
  else if (auto record = StateStore(a.state_dir).load(a.name)) spec = record->spec;
  const std::string action = action_for(spec, reason);
  std::fprintf(stderr, "%s: domain %u shut down (%s): %s\n", who.c_str(), a.domid,
               libxl_shutdown_reason_to_string(reason), action.c_str());
  if (action == "preserve") return Next::done;
  destroy_domain(xl, a.domid, who);
  return action.find("restart") != std::string::npos || action == "soft-reset" ? Next::restart : Next::done;
}

// Waits for the domain's shutdown or death; says whether to restart it.
Next watch(const Libxl& xl, const Args& a, const std::string& who) {
  libxl_evgen_domain_death* death = nullptr;
  if (int rc = libxl_evenable_domain_death(xl.get(), a.domid, 0, &death))
    Libxl::fail(who + ": cannot watch domain " + std::to_string(a.domid), rc);
  Next next = Next::done;
  for (bool waiting = true; waiting;) {
    libxl_event* event = nullptr;
    if (int rc = libxl_event_wait(xl.get(), &event, LIBXL_EVENTMASK_ALL, nullptr, nullptr))
      Libxl::fail(who + ": waiting for events", rc);
    if (event->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN && event->domid == a.domid) {
      next = on_shutdown(xl, a, static_cast<libxl_shutdown_reason>(event->u.domain_shutdown.shutdown_reason), who);
      waiting = false;
    } else if (event->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH && event->domid == a.domid) {
      waiting = false;
    }
    libxl_event_free(xl.get(), event);
  }
  libxl_evdisable_domain_death(xl.get(), death);
  return next;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse_args(argc, argv, a)) {
    std::fprintf(stderr, "usage: %s --state-dir DIR [--pvgrub-dir DIR] --domid N --name NAME\n", argv[0]);
    return 2;
  }
  const std::string who = "VM '" + a.name + "'";
  std::deque<std::chrono::steady_clock::time_point> restarts;
  try {
    Libxl xl(no_diagnostics());
    const StateStore store(a.state_dir);
    while (watch(xl, a, who) == Next::restart) {
      const auto now = std::chrono::steady_clock::now();
      restarts.push_back(now);
      while (now - restarts.front() > std::chrono::minutes(1)) restarts.pop_front();
      if (restarts.size() > 10) throw BackendError(who + ": restarting too often; left destroyed");
      const auto lock = store.lock();  // hvctl destroy takes it too
      auto record = store.load(a.name);
      if (!record) return 0;  // deleted meanwhile
      a.domid = start_domain(xl, *record, false, a.pvgrub_dir, who);
      std::fprintf(stderr, "%s: restarted as domain %u\n", who.c_str(), a.domid);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hvctl-xen-monitor: %s\n", e.what());
    return 1;
  }
}
