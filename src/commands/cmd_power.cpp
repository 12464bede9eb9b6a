// hvctl start|stop|reboot|pause|resume NAME...: imperative power changes.
#include "command_table.hpp"
#include "hvctl/move.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct PowerOptions {
  std::vector<std::string> names;
  bool force = false;
  int timeout = 120;
};

void setup_power(CLI::App& app, RunFn& run, PowerOp op, const char* past, bool graceful) {
  auto o = std::make_shared<PowerOptions>();
  app.add_option("names", o->names, "VM names")->required()->type_name("VM");
  if (op == PowerOp::start)
    app.add_flag("--force", o->force, "Start a VM even though hvctl moved it away (label hvctl.moved-to)");
  if (graceful) {
    app.add_flag("--force", o->force, "Hard power-off / reset, without the guest's cooperation");
    app.add_option("--timeout", o->timeout, "Seconds to wait for the guest")->check(CLI::Range(1, 86400))
        ->capture_default_str();
  }
  run = [o, op, past](Context& ctx) {
    PowerRequest req;
    req.op = op;
    req.force = o->force;
    req.timeout = std::chrono::seconds(o->timeout);
    return for_each_vm(ctx, o->names, to_string(op), past,
                       [&](Backend& b, const VmState& vm) {
                         if (op == PowerOp::start && !o->force && vm.power == PowerState::stopped)
                           if (const auto why = moved_away(vm); !why.empty())
                             throw InputError(why + "; start --force to start it anyway");
                         PowerRequest r = req;
                         r.force = op == PowerOp::start ? false : req.force;
                         b.power(vm.name, r);
                       });
  };
}

}  // namespace

void setup_start(CLI::App& app, RunFn& run) { setup_power(app, run, PowerOp::start, "started", false); }
void setup_stop(CLI::App& app, RunFn& run) { setup_power(app, run, PowerOp::stop, "stopped", true); }
void setup_reboot(CLI::App& app, RunFn& run) { setup_power(app, run, PowerOp::reboot, "rebooted", true); }
void setup_pause(CLI::App& app, RunFn& run) { setup_power(app, run, PowerOp::pause, "paused", false); }
void setup_resume(CLI::App& app, RunFn& run) { setup_power(app, run, PowerOp::resume, "resumed", false); }

}  // namespace hvctl
