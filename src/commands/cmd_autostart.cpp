// hvctl autostart [--stop]: starts the target's VMs whose spec says
// autostart, in their order, pausing between them; --stop shuts them down in
// the reverse order. What xendomains does for /etc/xen/auto, for a Xen host's
// hvctl VMs at dom0 boot and shutdown (hvctl-autostart.service, from backends/xen, runs it);
// on any target it does the same.
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/autostart.hpp"
#include "hvctl/interrupt.hpp"
#include "views.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

const char* const kNoneMarked = "No VM on this target has autostart.enabled.";

struct AutostartOptions {
  bool stop = false;
  bool dry_run = false;
  int timeout = 120;
};

Result steps_result(const std::vector<AutostartStep>& steps, bool stopping) {
  Result r{"AutostartPlan"};
  r.data["items"] = Json::array();
  for (const auto& s : steps)
    r.data["items"].push_back({{"vm", s.vm},
                               {"action", s.act ? (stopping ? "stop" : "start") : "none"},
                               {"reason", s.why},
                               {"delaySeconds", s.delay_seconds}});
  r.items_key = "items";
  r.columns = {{"VM", "/vm"}, {"ACTION", "/action"}, {"DELAY", "/delaySeconds"}, {"REASON", "/reason"}};
  if (steps.empty()) r.footer.push_back(kNoneMarked);
  return r;
}

int run_autostart(const AutostartOptions& o, Context& ctx) {
  const Target target = ctx.session().target_for(std::nullopt);
  const char* verb = o.stop ? "stop" : "start";
  std::vector<TargetLock> locks;
  if (!o.dry_run) locks = located(target.name, "", [&] { return ctx.lock_target(target, "autostart"); });
  Backend& b = located(target.name, "", [&]() -> Backend& { return ctx.session().backend(target); });
  const auto steps = autostart_steps(located(target.name, "", [&] { return b.list(); }), o.stop);
  if (o.dry_run) {
    ctx.out().render(steps_result(steps, o.stop));
    return 0;
  }
  const InterruptScope interruptible;  // Ctrl-C: act on no further VM
  std::vector<VmResult> results;
  for (const auto& step : steps) {
    VmResult r{step.vm, target.name, verb, true, {}, {}};
    if (!step.act) {
      r.done.push_back("left alone: " + step.why);
    } else if (interrupt_count() > 0) {
      r.ok = false;
      r.error = "not started (interrupted)";
      r.interruption = Interruption::not_started;
    } else {
      try {
        PowerRequest req;
        req.op = o.stop ? PowerOp::stop : PowerOp::start;
        req.timeout = std::chrono::seconds(o.timeout);
        b.power(step.vm, req);
        r.done.push_back(o.stop ? "stopped" : "started");
        ctx.out().info(fmt::format("{}: {}", step.vm, r.done.back()));
      } catch (const std::exception& e) {
        r.ok = false;
        r.error = e.what();
        if (const auto* h = dynamic_cast<const Error*>(&e)) r.failure = h->code();
      }
      // The stagger: the next guest boots once this one had its head start.
      for (int waited = 0; waited < step.delay_seconds * 10 && interrupt_count() == 0; ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    results.push_back(std::move(r));
  }
  render_operation(results, verb, ctx.out(), results.empty() ? kNoneMarked : "");
  return results_exit_code(results);
}

}  // namespace

void setup_autostart(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<AutostartOptions>();
  app.add_flag("--stop", o->stop, "Shut the autostart VMs down gracefully, in the reverse order (host shutdown)");
  app.add_option("--timeout", o->timeout, "With --stop: seconds to wait for each guest")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  app.add_flag("--dry-run", o->dry_run, "Print the order and the pauses, and change nothing");
  run = [o](Context& ctx) { return run_autostart(*o, ctx); };
}

}  // namespace hvctl
