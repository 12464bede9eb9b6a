// hvctl delete -f SPECS: remove exactly the VMs the specs declare, each on its
// own target, as if every spec said `ensure: absent`. VMs already gone are
// fine (exit 0), so a CI teardown can run it unconditionally.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "hvctl/interrupt.hpp"
#include "views.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct DeleteOptions {
  std::vector<std::string> files;
  ShardFlags sharding;
  bool dry_run = false;
};

// Only what names a VM: other fields do not matter for deleting it.
VmSpec absent(const VmSpec& spec) {
  VmSpec out;
  out.name = spec.name;
  out.target = spec.target;
  out.mark = spec.mark;
  out.ensure = Ensure::absent;
  return out;
}

int run_delete(const DeleteOptions& o, Context& ctx) {
  std::vector<VmSpec> specs;
  for (const auto& spec : load_shard_specs(ctx, o.files, o.sharding, "delete")) specs.push_back(absent(spec));
  std::vector<TargetLock> locks;
  if (!o.dry_run) locks = ctx.lock_targets(specs, "delete");
  const auto plans = make_plans(std::move(specs), ctx.session());
  if (o.dry_run) {
    ctx.out().render(plan_result(plans));
    return 0;
  }
  const bool pending = any_changes(plans);
  ApplyOptions options = apply_options(ctx);
  const InterruptScope interruptible;  // Ctrl-C: start nothing new, finish what runs
  const auto results = apply_with_status(plans, ctx, options, "delete");
  report_interruption(results, ctx.out());
  Result view = apply_result(results, pending);
  view.kind = "DeleteResult";
  if (!pending) view.footer = {fmt::format("Nothing to delete: the {} VM{} declared are already gone.", results.size(), results.size() == 1 ? "" : "s")};
  ctx.out().render(view);
  return results_exit_code(results);
}

}  // namespace

void setup_delete(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DeleteOptions>();
  app.add_option("-f,--file", o->files, "Spec file, directory, or - for stdin")->required()->type_name("FILE");
  app.add_flag("--dry-run", o->dry_run, "Print what would be deleted and change nothing");
  add_shard_flags(app, o->sharding);
  run = [o](Context& ctx) { return run_delete(*o, ctx); };
}

}  // namespace hvctl
