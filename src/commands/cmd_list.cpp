// hvctl list (ls): the VMs on the target, or on every configured target.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct ListOptions {
  bool all_targets = false;
  std::vector<std::string> selectors;  // key=value, all must match
};

int run_list(const ListOptions& o, Context& ctx) {
  auto& session = ctx.session();
  std::vector<Target> targets;
  if (o.all_targets && !session.override_target()) {
    for (const auto& [name, t] : session.config().targets) targets.push_back(t);
    if (targets.empty()) throw InputError("--all-targets: the config file names no targets");
  } else {
    targets.push_back(session.target_for(std::nullopt));
  }
  const auto selectors = parse_selectors(o.selectors);
  std::vector<VmState> vms;
  for (const auto& t : targets)
    for (auto& vm : session.backend(t).list()) {
      vm.target = t.name;
      if (matches(vm, selectors)) vms.push_back(std::move(vm));
    }
  ctx.out().render(vm_list_result(vms));
  return 0;
}

}  // namespace

void setup_list(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ListOptions>();
  app.add_flag("-A,--all-targets", o->all_targets, "List every configured target");
  add_selectors(app, o->selectors, "Only VMs with this label");
  run = [o](Context& ctx) { return run_list(*o, ctx); };
}

}  // namespace hvctl
