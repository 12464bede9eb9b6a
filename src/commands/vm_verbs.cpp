#include "vm_verbs.hpp"

#include <fmt/format.h>

#include "views.hpp"

namespace hvctl {

ApplyOptions apply_options(Context& ctx) {
  ApplyOptions options;
  options.parallel = ctx.globals().parallel;
  Output& out = ctx.out();
  options.progress = [&out](const std::string& vm, const std::string& what) { out.info(fmt::format("{}: {}", vm, what)); };
  return options;
}

bool report_impossible(const std::vector<VmPlan>& plans, Output& out) {
  bool any = false;
  for (const auto& p : plans)
    for (const auto& why : p.impossible) {
      out.warn(fmt::format("{}: {} (left as it is)", why.mark.str(), why.message));
      any = true;
    }
  return any;
}

bool any_changes(const std::vector<VmPlan>& plans) {
  for (const auto& p : plans)
    if (p.has_changes()) return true;
  return false;
}

int for_each_vm(Context& ctx, const std::vector<std::string>& names, const std::string& verb,
                const std::string& past, const std::function<void(Backend&, const std::string&)>& op) {
  const Target target = ctx.session().target_for(std::nullopt);
  const auto lock = located(target.name, "", [&] { return ctx.lock_target(target, verb); });
  Backend& b = located(target.name, "", [&]() -> Backend& { return ctx.session().backend(target); });
  const int parallel = ctx.globals().parallel > 0 ? ctx.globals().parallel
                                                  : target.parallel.value_or(b.capabilities().default_parallel);
  std::vector<VmResult> results(names.size());
  run_bounded(names.size(), parallel, [&](std::size_t i) {
    auto& r = results[i];
    r = {names[i], target.name, verb, true, {}, {}};
    try {
      if (!b.lookup(names[i])) throw NotFoundError(target.name, names[i]);
      op(b, names[i]);
      r.done.push_back(past);
      ctx.out().info(fmt::format("{}: {}", names[i], past));
    } catch (const std::exception& e) {
      r.ok = false;
      r.error = e.what();
      if (const auto* h = dynamic_cast<const Error*>(&e)) r.failure = h->code();  // not found: 8, as README says
    }
  });
  Result view = apply_result(results, true);
  view.kind = "OperationResult";
  view.footer.clear();
  ctx.out().render(view);
  for (const auto& r : results)
    if (!r.ok) ctx.out().warn(fmt::format("{} {}: {}", verb, r.vm, r.error));
  return results_exit_code(results);
}

}  // namespace hvctl
