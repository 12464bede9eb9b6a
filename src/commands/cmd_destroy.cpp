// hvctl destroy NAME... | -l key=value: power off and delete. Never silent:
// --yes, or a confirmation on a terminal; without either it refuses. A
// selector that matches nothing is not an error (teardown is idempotent).
// --dry-run prints what would go, one row per VM, and changes nothing.
#include <algorithm>

#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "hvctl/interrupt.hpp"
#include "views.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

struct DestroyOptions {
  std::vector<std::string> names;
  std::vector<std::string> selectors;
  bool yes = false;
  bool dry_run = false;
};

std::vector<std::string> chosen(const DestroyOptions& o, Backend& backend) {
  if (o.selectors.empty()) return o.names;
  if (!o.names.empty()) throw InputError("destroy: give VM names or -l selectors, not both");
  const auto selectors = parse_selectors(o.selectors);
  std::vector<std::string> names;
  for (const auto& vm : backend.list())
    if (matches(vm, selectors)) names.push_back(vm.name);
  return names;
}

// What --dry-run reports: each VM that would go; a named VM that is not there
// fails as the destroy would (not found).
int dry_run(const DestroyOptions& o, Context& ctx, const Target& target, const std::vector<std::string>& names) {
  std::vector<VmResult> results;
  for (const auto& name : names) {
    VmResult r{name, target.name, "destroy", true, {}, {}};
    if (o.selectors.empty() && !located(target.name, name, [&] { return ctx.session().backend(target).lookup(name); })) {
      r.ok = false;
      r.error = NotFoundError(target.name, name).what();
      r.failure = ExitCode::not_found;
    }
    results.push_back(std::move(r));
  }
  Result view = apply_result(results, false);
  view.kind = "OperationResult";
  view.data["dryRun"] = true;
  for (auto& item : view.data["items"])
    if (item["ok"] == true) item["result"] = "would destroy";
  const auto going = std::count_if(results.begin(), results.end(), [](const VmResult& r) { return r.ok; });
  view.footer = {fmt::format("Would destroy {} VM{}; nothing was changed (--dry-run).", going, going == 1 ? "" : "s")};
  ctx.out().render(view);
  return results_exit_code(results);
}

int run_destroy(const DestroyOptions& o, Context& ctx) {
  if (o.names.empty() && o.selectors.empty()) throw InputError("destroy: name the VMs, or select them with -l key=value");
  const Target target = ctx.session().target_for(std::nullopt);
  const auto names = located(target.name, "", [&] { return chosen(o, ctx.session().backend(target)); });
  if (names.empty()) {
    ctx.out().info(fmt::format("no VMs on target '{}' match the selector; nothing to destroy", target.name));
    if (ctx.out().tabular()) return 0;
    Result none = apply_result({}, false);
    none.kind = "OperationResult";
    none.data["dryRun"] = o.dry_run;
    ctx.out().render(none);
    return 0;
  }
  if (o.dry_run) return dry_run(o, ctx, target, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  if (!o.yes) {
    if (!ctx.interactive())
      throw InputError(fmt::format("refusing to destroy {} without --yes: this is not an interactive terminal", list));
    if (!ctx.confirm(fmt::format("Destroy {} on target '{}'? This powers them off and deletes them.", list, target.name)))
      throw InputError("destroy cancelled; nothing was changed");
  }
  const InterruptScope interruptible;  // Ctrl-C: start nothing new, finish what runs
  return for_each_vm(ctx, names, "destroy", "destroyed", [](Backend& b, const VmState& vm) { b.destroy(vm.name); });
}

}  // namespace

void setup_destroy(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DestroyOptions>();
  app.add_option("names", o->names, "VM names")->type_name("VM");
  add_selectors(app, o->selectors, "Destroy every VM on the target with this label");
  app.add_flag("-y,--yes", o->yes, "Do not ask for confirmation");
  app.add_flag("--dry-run", o->dry_run, "Say what would be destroyed and change nothing");
  run = [o](Context& ctx) { return run_destroy(*o, ctx); };
}

}  // namespace hvctl
