#include "vm_verbs.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "hvctl/interrupt.hpp"
#include "status_line.hpp"
#include "views.hpp"

namespace hvctl {

ApplyOptions apply_options(Context& ctx) {
  ApplyOptions options;
  options.parallel = ctx.globals().parallel;
  Output& out = ctx.out();
  options.progress = [&out](const std::string& vm, const std::string& what) { out.info(fmt::format("{}: {}", vm, what)); };
  options.interrupts = interrupt_count;  // 0 unless the command holds an InterruptScope
  return options;
}

void report_interruption(const std::vector<VmResult>& results, Output& out) {
  std::map<Interruption, std::vector<std::string>> by;
  std::vector<std::string> done;
  bool any = false;
  for (const auto& r : results) {
    any |= r.interruption != Interruption::none;
    if (r.interruption != Interruption::none) by[r.interruption].push_back(r.vm);
    if (r.ok && !r.done.empty() && r.interruption == Interruption::none) done.push_back(r.vm);
  }
  if (!any) return;
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
    return v.empty() ? std::string("none") : s;
  };
  out.warn("interrupted: started nothing new and waited for the operations under way");
  out.warn(fmt::format("interrupted: done: {}", names(done)));
  out.warn(fmt::format("interrupted: under way at the interrupt, then finished: {}", names(by[Interruption::in_flight])));
  out.warn(fmt::format("interrupted: not started: {}", names(by[Interruption::not_started])));
  if (!by[Interruption::abandoned].empty())
    out.warn(fmt::format("interrupted: stopped waiting; requests still in flight for: {} (the next apply reads what "
                         "they left and converges; a VM stopped for a restart may need its power restored)",
                         names(by[Interruption::abandoned])));
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

namespace {

// Each VM's time from start to end of its work, for --report.
void time_each_vm(ApplyOptions& options, Context& ctx) {
  using Clock = std::chrono::steady_clock;
  auto began = std::make_shared<std::map<std::string, Clock::time_point>>();
  auto mutex = std::make_shared<std::mutex>();
  options.started = [began, mutex, then = options.started](const std::string& vm) {
    {
      std::lock_guard lock(*mutex);
      (*began)[vm] = Clock::now();
    }
    if (then) then(vm);
  };
  options.finished = [began, mutex, &ctx, then = options.finished](const VmResult& r) {
    Clock::time_point start;
    {
      std::lock_guard lock(*mutex);
      start = (*began)[r.vm];
    }
    ctx.record_seconds(r.target, r.vm, std::chrono::duration<double>(Clock::now() - start).count());
    if (then) then(r);
  };
}

}  // namespace

std::vector<VmResult> apply_with_status(const std::vector<VmPlan>& plans, Context& ctx, ApplyOptions options,
                                        const std::string& verb) {
  const auto changing = std::count_if(plans.begin(), plans.end(), [](const VmPlan& p) { return p.has_changes(); });
  const StatusLine status(ctx.out(), verb, static_cast<std::size_t>(changing));
  status.attach(options);
  time_each_vm(options, ctx);
  return apply_plans(plans, ctx.session(), options);
}

void prune_all(std::vector<VmSpec>& specs) {
  for (auto& spec : specs) {
    spec.prune = true;
    spec.field_marks.emplace("prune", spec.mark);
  }
}

void delete_pruned_images(std::vector<VmSpec>& specs) {
  for (auto& spec : specs) spec.delete_images = true;
}

void allow_reinit(std::vector<VmSpec>& specs) {
  for (auto& spec : specs) spec.reinit = true;
}

void force_moved(std::vector<VmSpec>& specs) {
  for (auto& spec : specs) spec.force_moved = true;
}

bool any_changes(const std::vector<VmPlan>& plans) {
  for (const auto& p : plans)
    if (p.has_changes()) return true;
  return false;
}

void render_operation(const std::vector<VmResult>& results, const std::string& verb, Output& out,
                      const std::string& footer) {
  Result view = apply_result(results, true);
  view.kind = "OperationResult";
  view.footer.clear();
  if (!footer.empty()) view.footer.push_back(footer);
  out.render(view);
  for (const auto& r : results)
    if (!r.ok && r.interruption == Interruption::none) out.warn(fmt::format("{} {}: {}", verb, r.vm, r.error));
  report_interruption(results, out);
}

int for_each_vm(Context& ctx, const std::vector<std::string>& names, const std::string& verb,
                const std::string& past, const std::function<void(Backend&, const VmState&)>& op) {
  return for_each_vm(ctx, names, verb, [&](Backend& b, const VmState& vm) {
    op(b, vm);
    return past;
  });
}

int for_each_vm(Context& ctx, const std::vector<std::string>& names, const std::string& verb,
                const std::function<std::string(Backend&, const VmState&)>& op, int at_most) {
  const Target target = ctx.session().target_for(std::nullopt);
  const auto lock = located(target.name, "", [&] { return ctx.lock_target(target, verb); });
  Backend& b = located(target.name, "", [&]() -> Backend& { return ctx.session().backend(target); });
  int parallel = ctx.globals().parallel > 0 ? ctx.globals().parallel
                                            : target.parallel.value_or(b.capabilities().default_parallel);
  if (at_most > 0) parallel = std::min(parallel, at_most);
  // Shared with the workers: after a second signal they may outlive this call.
  auto shared = std::make_shared<std::vector<VmResult>>(names.size());
  auto status = std::make_unique<StatusLine>(ctx.out(), verb, names.size());
  auto job = [shared, &names, &target, &b, &op, &ctx, verb, start = status->on_start(),
              finish = status->on_finish()](std::size_t i) {
    auto& r = (*shared)[i];
    start();
    try {
      const auto vm = b.lookup(names[i]);
      if (!vm) throw NotFoundError(target.name, names[i]);
      const std::string past = op(b, *vm);
      r.done.push_back(past);
      ctx.out().info(fmt::format("{}: {}", names[i], past));
    } catch (const std::exception& e) {
      r.ok = false;
      r.error = e.what();
      if (const auto* h = dynamic_cast<const Error*>(&e)) r.failure = h->code();  // not found: 8, as README says
    }
    finish(r.ok);
  };
  for (std::size_t i = 0; i < names.size(); ++i) (*shared)[i] = {names[i], target.name, verb, true, {}, {}};
  Lane lane{{}, parallel};
  for (std::size_t i = 0; i < names.size(); ++i) lane.jobs.push_back(i);
  const auto report = run_interruptible(names.size(), {lane}, job, interrupt_count);
  status.reset();  // gone before the result is printed
  std::vector<VmResult> results(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (report[i] == Interruption::abandoned)  // its worker still writes there
      results[i] = {names[i], target.name, verb, false, {}, "still in flight when hvctl stopped waiting (interrupted)"};
    else
      results[i] = (*shared)[i];
    if (report[i] == Interruption::not_started) {
      results[i].ok = false;
      results[i].error = "not started (interrupted)";
    }
    results[i].interruption = report[i];
  }
  render_operation(results, verb, ctx.out());
  // A verb no named VM could take (start a template) is invalid input: 3.
  const bool all_invalid = !results.empty() && std::all_of(results.begin(), results.end(), [](const VmResult& r) {
    return !r.ok && r.interruption == Interruption::none && r.failure == ExitCode::invalid_input;
  });
  return all_invalid ? static_cast<int>(ExitCode::invalid_input) : results_exit_code(results);
}

}  // namespace hvctl
