// hvctl plan: what apply would do, per VM. Reads each target's inventory once.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "views.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct PlanOptions {
  std::vector<std::string> files;
  ShardFlags sharding;
  bool detailed_exitcode = false;
  bool prune = false;
  bool delete_images = false;
  bool reinit = false;
  bool force = false;
};

int run_plan(const PlanOptions& o, Context& ctx) {
  auto specs = load_shard_specs(ctx, o.files, o.sharding, "plan");
  if (o.prune) prune_all(specs);
  if (o.delete_images) delete_pruned_images(specs);
  if (o.reinit) allow_reinit(specs);
  if (o.force) force_moved(specs);
  const auto plans = make_plans(std::move(specs), ctx.session());
  ctx.out().render(plan_result(plans));
  for (const auto& p : plans)  // -v: what the spec says that this target does not read
    for (const auto& block : p.ignored_blocks)
      ctx.out().debug(fmt::format("{}: the {} block is for another hypervisor: kept in the spec, ignored on {}", p.vm,
                                  block, p.target));
  if (report_impossible(plans, ctx.out())) return static_cast<int>(ExitCode::impossible);
  return o.detailed_exitcode && any_changes(plans) ? static_cast<int>(ExitCode::changes_pending) : 0;
}

}  // namespace

void setup_plan(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<PlanOptions>();
  app.add_option("-f,--file", o->files, "Spec file, directory, or - for stdin")->required()->type_name("FILE");
  app.add_flag("--detailed-exitcode", o->detailed_exitcode, "Exit 0 when in sync, 2 when changes are pending (7 when one is impossible, either way)");
  app.add_flag("--prune", o->prune, "Plan as apply --prune would: remove the disks and NICs the specs do not name");
  app.add_flag("--delete-images", o->delete_images, "Plan as apply --delete-images would: say which images go");
  app.add_flag("--force", o->force, "Plan as apply --force would: a VM hvctl moved away may be changed");
  app.add_flag("--reinit", o->reinit, "Plan as apply --reinit would: a changed spec.init is a change, not impossible");
  add_shard_flags(app, o->sharding);
  run = [o](Context& ctx) { return run_plan(*o, ctx); };
}

}  // namespace hvctl
