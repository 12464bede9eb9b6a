// hvctl apply: plan, then carry the plan out with bounded parallelism; with
// --wait, then wait until every VM settled (ready, stopped or deleted, as its
// spec says) and exit 6 naming those that did not within --timeout.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "hvctl/interrupt.hpp"
#include "command_table.hpp"
#include "views.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct ApplyCmdOptions {
  std::vector<std::string> files;
  ShardFlags sharding;
  bool dry_run = false;
  bool prune = false;
  bool delete_images = false;
  bool reinit = false;
  bool force = false;
  bool no_restart = false;
  bool force_stop = false;
  int stop_timeout = 120;
  bool wait = false;
  int timeout = 300;
};

// Waits for every VM whose apply succeeded; renders the combined result.
int wait_after_apply(const ApplyCmdOptions& o, Context& ctx, const std::vector<VmPlan>& plans,
                     const std::vector<VmResult>& results, Result view) {
  std::vector<WaitItem> items;
  for (const auto& p : plans) items.push_back({p.desired, settled_state(p.desired), std::nullopt});
  WaitOptions options;
  options.timeout = std::chrono::seconds(o.timeout);
  Output& out = ctx.out();
  options.reached = [&out](const std::string& vm, const std::string& detail) {
    out.info(fmt::format("{}: settled ({})", vm, detail));
  };
  const auto outcomes = wait_for(items, ctx.session(), options);
  add_wait_outcomes(view, outcomes);
  ctx.out().render(view);
  if (const auto missing = describe_unreached(outcomes); !missing.empty())
    throw TimeoutError(fmt::format("applied, but not settled after {}s: {}", o.timeout, missing));
  return results_exit_code(results);
}

int run_apply(const ApplyCmdOptions& o, Context& ctx) {
  auto specs = load_shard_specs(ctx, o.files, o.sharding, "apply");
  if (o.prune) prune_all(specs);
  if (o.delete_images) delete_pruned_images(specs);
  if (o.reinit) allow_reinit(specs);
  if (o.force) force_moved(specs);
  std::vector<TargetLock> locks;
  if (!o.dry_run) locks = ctx.lock_targets(specs, "apply");  // before planning: the plan must stay true
  const auto plans = make_plans(std::move(specs), ctx.session());
  const bool impossible = report_impossible(plans, ctx.out());
  if (o.dry_run) {
    ctx.out().render(plan_result(plans));
    return impossible ? static_cast<int>(ExitCode::impossible) : 0;
  }
  const bool pending = any_changes(plans);
  ApplyOptions options = apply_options(ctx);
  options.allow_restart = !o.no_restart;
  options.force_stop = o.force_stop;
  options.stop_timeout = std::chrono::seconds(o.stop_timeout);
  const InterruptScope interruptible;  // Ctrl-C: start nothing new, finish what runs (README "How apply works")
  const auto results = apply_with_status(plans, ctx, options, "apply");
  report_interruption(results, ctx.out());
  locks.clear();  // waiting changes nothing: let other runs go on meanwhile
  const int code = results_exit_code(results);
  if (o.wait && code == 0) return wait_after_apply(o, ctx, plans, results, apply_result(results, pending));
  if (o.wait && code != static_cast<int>(ExitCode::interrupted)) ctx.out().warn("not waiting: some VMs failed to apply");
  ctx.out().render(apply_result(results, pending));
  return code;
}

}  // namespace

void setup_apply(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ApplyCmdOptions>();
  app.add_option("-f,--file", o->files, "Spec file, directory, or - for stdin")->required()->type_name("FILE");
  app.add_flag("--dry-run", o->dry_run, "Print the plan and change nothing");
  app.add_flag("--prune", o->prune,
               "Remove the disks and NICs a VM has and its spec does not name, in each device list the spec has "
               "(as spec.prune: true); a removed disk's image is kept");
  app.add_flag("--delete-images", o->delete_images,
               "With --prune or spec.prune: also delete a removed disk's image, when hvctl made it for that VM");
  app.add_flag("--reinit", o->reinit,
               "Apply a changed spec.init to existing VMs: the guest boots as a new instance (new host keys, users)");
  app.add_flag("--force", o->force,
               "Change or start VMs hvctl moved away (label hvctl.moved-to), whose specs now apply to their copies");
  app.add_flag("--no-restart", o->no_restart, "Leave VMs whose changes need a restart unchanged (reported as failed)");
  app.add_flag("--force-stop", o->force_stop, "Power VMs off instead of asking the guest to shut down");
  add_duration(app, "--stop-timeout", o->stop_timeout, "How long to wait for a graceful shutdown");
  app.add_flag("--wait", o->wait,
               "Then wait until every VM is ready (running and ready by its spec's ready conditions), "
               "stopped or deleted, as its spec says");
  add_duration(app, "--timeout", o->timeout, "With --wait: how long to wait before giving up (exit 6)");
  add_shard_flags(app, o->sharding);
  run = [o](Context& ctx) { return run_apply(*o, ctx); };
}

}  // namespace hvctl
