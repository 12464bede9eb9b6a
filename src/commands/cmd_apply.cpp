// hvctl apply: plan, then carry the plan out with bounded parallelism.
#include <fmt/format.h>

#include "command_table.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct ApplyCmdOptions {
  std::vector<std::string> files;
  bool dry_run = false;
  bool no_restart = false;
  bool force_stop = false;
  int stop_timeout = 120;
};

int run_apply(const ApplyCmdOptions& o, Context& ctx) {
  const auto specs = ctx.load_specs(o.files);
  const auto plans = make_plans(specs, ctx.session());
  if (o.dry_run) {
    ctx.out().render(plan_result(plans));
    return 0;
  }
  bool pending = false;
  for (const auto& p : plans) pending = pending || p.has_changes();
  ApplyOptions options;
  options.parallel = ctx.globals().parallel;
  options.allow_restart = !o.no_restart;
  options.force_stop = o.force_stop;
  options.stop_timeout = std::chrono::seconds(o.stop_timeout);
  Output& out = ctx.out();
  options.progress = [&out](const std::string& vm, const std::string& what) { out.info(fmt::format("{}: {}", vm, what)); };
  const auto results = apply_plans(plans, ctx.session(), options);
  ctx.out().render(apply_result(results, pending));
  return results_exit_code(results);
}

}  // namespace

void setup_apply(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ApplyCmdOptions>();
  app.add_option("-f,--file", o->files, "Spec file, directory, or - for stdin")->required()->type_name("FILE");
  app.add_flag("--dry-run", o->dry_run, "Print the plan and change nothing");
  app.add_flag("--no-restart", o->no_restart, "Leave VMs whose changes need a restart unchanged (reported as failed)");
  app.add_flag("--force-stop", o->force_stop, "Power VMs off instead of asking the guest to shut down");
  app.add_option("--stop-timeout", o->stop_timeout, "Seconds to wait for a graceful shutdown")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  run = [o](Context& ctx) { return run_apply(*o, ctx); };
}

}  // namespace hvctl
