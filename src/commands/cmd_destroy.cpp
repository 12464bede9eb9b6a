// hvctl destroy NAME...: power off and delete. Never silent: --yes, or a
// confirmation on a terminal; without either it refuses.
#include <fmt/format.h>

#include "command_table.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct DestroyOptions {
  std::vector<std::string> names;
  bool yes = false;
  bool dry_run = false;
};

int run_destroy(const DestroyOptions& o, Context& ctx) {
  std::string list;
  for (const auto& n : o.names) list += (list.empty() ? "" : ", ") + n;
  const Target target = ctx.session().target_for(std::nullopt);
  if (o.dry_run) {
    ctx.out().info(fmt::format("would destroy on target '{}': {}", target.name, list));
    return 0;
  }
  if (!o.yes) {
    if (!ctx.interactive())
      throw InputError(fmt::format("refusing to destroy {} without --yes: this is not an interactive terminal", list));
    if (!ctx.confirm(fmt::format("Destroy {} on target '{}'? This powers them off and deletes them.", list, target.name)))
      throw InputError("destroy cancelled; nothing was changed");
  }
  return for_each_vm(ctx, o.names, "destroy", "destroyed", [](Backend& b, const std::string& name) { b.destroy(name); });
}

}  // namespace

void setup_destroy(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DestroyOptions>();
  app.add_option("names", o->names, "VM names")->required()->type_name("VM");
  app.add_flag("-y,--yes", o->yes, "Do not ask for confirmation");
  app.add_flag("--dry-run", o->dry_run, "Say what would be destroyed and change nothing");
  run = [o](Context& ctx) { return run_destroy(*o, ctx); };
}

}  // namespace hvctl
