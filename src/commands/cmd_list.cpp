// hvctl list (ls): the VMs on the target, or on every configured target. With
// -A, a target that cannot be read is reported (stderr; `errors` in JSON and
// YAML) and the others are listed: exit partial (5), or the failure's own
// code when no target answered.
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
  const auto selectors = parse_selectors(o.selectors);
  const auto targets = selected_targets(ctx.session(), o.all_targets);
  std::vector<VmState> vms;
  Json errors = Json::array();
  const int code = read_targets(ctx, targets, errors, [&](const Target& t, Backend& backend) {
    for (auto& vm : backend.list()) {
      vm.target = t.name;
      if (matches(vm, selectors)) vms.push_back(std::move(vm));
    }
  });
  Result r = vm_list_result(vms);
  if (!errors.empty()) r.data["errors"] = std::move(errors);
  ctx.out().render(r);
  return code;
}

}  // namespace

void setup_list(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ListOptions>();
  app.add_flag("-A,--all-targets", o->all_targets, "List every configured target");
  add_selectors(app, o->selectors, "Only VMs with this label");
  run = [o](Context& ctx) { return run_list(*o, ctx); };
}

}  // namespace hvctl
