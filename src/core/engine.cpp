// Plan and apply across targets. Each target's inventory is read once per
// plan; each VM is worked on by one worker at a time; a VM's failure is
// recorded and never stops the others.
#include "hvctl/engine.hpp"
#include "hvctl/move.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "hvctl/clone.hpp"
#include "hvctl/interrupt.hpp"

namespace hvctl {
namespace {

struct TargetGroup {
  Target target;
  std::vector<std::size_t> indexes;  // into the specs / plans vector
};

std::vector<TargetGroup> group_by_target(const std::vector<VmSpec>& specs, const Session& session) {
  std::vector<TargetGroup> groups;
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Target t = session.target_for(specs[i].target);
    auto [it, inserted] = by_name.emplace(t.name, groups.size());
    if (inserted) groups.push_back({std::move(t), {}});
    groups[it->second].indexes.push_back(i);
  }
  return groups;
}

// Moves one VM from `from` to `to`, in the backend's primitive steps.
void change_power(Backend& b, const std::string& vm, PowerState from, PowerState to, const ApplyOptions& o,
                  std::vector<std::string>& done) {
  auto step = [&](PowerOp op, const char* past) {
    PowerRequest r;
    r.op = op;
    r.timeout = o.stop_timeout;
    r.force = o.force_stop;
    if (o.progress) o.progress(vm, to_string(op));
    b.power(vm, r);
    done.emplace_back(past);
  };
  if (from == to) return;
  if (from == PowerState::paused) step(PowerOp::resume, "resumed");
  if (to == PowerState::stopped) return step(PowerOp::stop, "stopped");
  if (from == PowerState::stopped) step(PowerOp::start, "started");
  if (to == PowerState::paused) step(PowerOp::pause, "paused");
}

// A reconfigure failed after the engine stopped the VM for it: the VM goes
// back to the power state it had, and the error says whether it did.
[[noreturn]] void throw_restored(Backend& b, const std::string& vm, PowerState before, const ApplyOptions& o,
                                 std::vector<std::string>& done, const std::exception& failure) {
  const auto* error = dynamic_cast<const Error*>(&failure);
  const ExitCode code = error ? error->code() : ExitCode::backend_failure;
  std::string outcome;
  try {
    change_power(b, vm, PowerState::stopped, before, o, done);
    outcome = fmt::format("restored to {}", to_string(before));
  } catch (const std::exception& e) {
    outcome = fmt::format("could not restore it to {}: {}", to_string(before), e.what());
  }
  throw Error(code, fmt::format("{}; {}", failure.what(), outcome));
}

void carry_out(const VmPlan& plan, Backend& b, const ApplyOptions& o, std::vector<std::string>& done) {
  const auto& vm = plan.vm;
  if (!plan.impossible.empty()) throw Error(ExitCode::impossible, plan.describe());
  auto progress = [&](const std::string& what) {
    if (o.progress) o.progress(vm, what);
  };
  if (plan.remove) {
    progress("delete");
    b.destroy(vm);
    done.emplace_back("deleted");
    return;
  }
  if (plan.create) {
    progress("create");
    b.create(plan.desired);
    done.emplace_back("created");
    if (plan.power_to) change_power(b, vm, PowerState::stopped, *plan.power_to, o, done);
    return;
  }
  const PowerState before = plan.actual->power;
  PowerState now = before;
  const PowerState want = plan.power_to.value_or(now);
  bool reconfigures = false;
  for (const auto& c : plan.changes) {
    if (c.field != kPinnedHostField) {
      reconfigures = true;
      continue;
    }
    progress("migrate");  // first: the VM's other changes are made where it is to stay
    b.migrate(vm, {c.to, true});
    done.emplace_back("migrated to " + c.to);
  }
  if (reconfigures) {
    const bool must_stop = plan.needs_restart || (want == PowerState::stopped && now != PowerState::stopped);
    if (plan.needs_restart && !o.allow_restart)
      throw Error(ExitCode::backend_failure,
                  fmt::format("VM '{}' needs a restart for this change; left unchanged (--no-restart)", vm));
    if (must_stop) {
      change_power(b, vm, now, PowerState::stopped, o, done);
      now = PowerState::stopped;
    } else if (now == PowerState::paused && want == PowerState::running) {
      // Hot changes meet a running guest: a paused one cannot answer an unplug.
      change_power(b, vm, now, want, o, done);
      now = want;
    }
    progress("reconfigure");
    try {
      b.reconfigure(plan.desired, *plan.actual);
    } catch (const std::exception& e) {
      const bool stopped_for_it = must_stop && before != PowerState::stopped;
      if (!stopped_for_it || want == PowerState::stopped) throw;
      throw_restored(b, vm, before, o, done, e);
    }
    done.emplace_back("reconfigured");
  }
  change_power(b, vm, now, want, o, done);
}

// What run_interruptible's workers share. Held by shared_ptr: after a
// second signal the caller returns while workers still run.
struct Schedule {
  enum class State { waiting, running, finished };
  std::mutex m;
  std::condition_variable cv;
  std::vector<State> state;
  std::vector<bool> after_signal;  // per job: it finished after a signal
  std::vector<Lane> lanes;
  std::vector<std::size_t> next;  // per lane: its next job to start
  std::size_t live_workers = 0;
  std::function<void(std::size_t)> fn;
  std::function<int()> interrupts;

  bool stopping() const { return interrupts && interrupts() > 0; }
};

void work_lane(const std::shared_ptr<Schedule>& s, std::size_t lane) {
  for (;;) {
    std::size_t job = 0;
    {
      std::lock_guard lock(s->m);
      if (s->stopping() || s->next[lane] >= s->lanes[lane].jobs.size()) break;
      job = s->lanes[lane].jobs[s->next[lane]++];
      s->state[job] = Schedule::State::running;
    }
    s->fn(job);
    std::lock_guard lock(s->m);
    s->state[job] = Schedule::State::finished;
    s->after_signal[job] = s->stopping();  // no job starts once stopping: this one was under way at the signal
  }
  {
    std::lock_guard lock(s->m);
    --s->live_workers;
  }
  s->cv.notify_all();
}

int parallel_for(const Target& t, const Backend& b, const ApplyOptions& o) {
  if (o.parallel > 0) return o.parallel;
  if (t.parallel) return *t.parallel;
  return std::max(1, b.capabilities().default_parallel);
}

}  // namespace

void run_bounded(std::size_t count, int parallel, const std::function<void(std::size_t)>& fn) {
  const std::size_t workers = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallel)));
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w)
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) fn(i);
    });
  for (auto& t : threads) t.join();
}

std::vector<Interruption> run_interruptible(std::size_t jobs, const std::vector<Lane>& lanes,
                                            std::function<void(std::size_t)> fn,
                                            const std::function<int()>& interrupts) {
  auto s = std::make_shared<Schedule>();
  s->state.assign(jobs, Schedule::State::waiting);
  s->after_signal.assign(jobs, false);
  s->lanes = lanes;
  s->next.assign(lanes.size(), 0);
  s->fn = std::move(fn);
  s->interrupts = interrupts;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(s->m);
    for (std::size_t l = 0; l < lanes.size(); ++l) {
      const auto n = std::min<std::size_t>(lanes[l].jobs.size(), static_cast<std::size_t>(std::max(1, lanes[l].parallel)));
      for (std::size_t w = 0; w < n; ++w, ++s->live_workers) threads.emplace_back(work_lane, s, l);
    }
  }
  std::vector<Interruption> report(jobs, Interruption::none);
  bool abandon = false;
  {
    std::unique_lock lock(s->m);
    while (s->live_workers > 0) {
      s->cv.wait_for(lock, std::chrono::milliseconds(50));
      if (interrupts && interrupts() > 1 && s->live_workers > 0) {
        abandon = true;
        break;
      }
    }
    const bool stopped = s->stopping();
    for (std::size_t j = 0; j < jobs; ++j) {
      if (s->state[j] == Schedule::State::waiting && stopped) report[j] = Interruption::not_started;
      if (s->state[j] == Schedule::State::running) report[j] = Interruption::abandoned;
      if (s->state[j] == Schedule::State::finished && s->after_signal[j]) report[j] = Interruption::in_flight;
    }
  }
  if (abandon) mark_work_abandoned();
  for (auto& t : threads) abandon ? t.detach() : t.join();
  return report;
}

namespace {

// Targets whose inventories are read at once: each read is a few calls that
// wait on the target, so one plan of many targets takes about as long as its
// slowest target, not the sum of them all.
constexpr int kTargetsAtOnce = 16;

// The plans of one target's VMs, into plans[i] for each of its indexes;
// `listed` is called once its inventory is read, before the first plan.
void plan_target(const TargetGroup& g, Backend& b, std::vector<VmSpec>& specs, std::vector<VmPlan>& plans,
                 const std::function<void()>& listed) {
  std::map<std::string, VmState> inventory;
  located(g.target.name, "", [&] {
    for (auto& vm : b.list()) inventory.emplace(vm.name, std::move(vm));
  });
  listed();
  // A VM a clone is made from stays in the inventory for source_problems;
  // every other one moves into its plan (one copy per VM, not two).
  std::set<std::string> sources;
  for (auto i : g.indexes)
    if (const auto& from = specs[i].source.name()) sources.insert(*from);
  for (auto i : g.indexes) {
    std::optional<VmState> found;
    if (auto it = inventory.find(specs[i].name); it != inventory.end()) {
      found = sources.count(it->first) ? it->second : std::move(it->second);
      found->target = g.target.name;
    }
    plans[i] = plan_vm(std::move(specs[i]), std::move(found), g.target.name, b.capabilities());
    const VmSpec& spec = plans[i].desired;
    const auto& actual = plans[i].actual;
    auto& impossible = plans[i].impossible;
    const PlanAction action = plans[i].action();
    if (actual && (action == PlanAction::update || action == PlanAction::power) && !spec.force_moved)
      if (const auto why = moved_away(*actual); !why.empty())
        impossible.push_back({spec.mark, why + "; its spec now applies to the copy (apply --force to change "
                                              "this one anyway)"});
    if (actual && action == PlanAction::update) {
      impossible = b.check_transition(spec, *actual);
      for (auto& p : transition_problems(spec, actual->spec)) impossible.push_back(std::move(p));
    }
    if (action == PlanAction::create)
      for (auto& p : source_problems(spec, inventory, b.capabilities())) impossible.push_back(std::move(p));
    if (action == PlanAction::create || action == PlanAction::update)
      for (auto& p : b.check_on_target(spec, actual ? &*actual : nullptr)) impossible.push_back(std::move(p));
  }
}

}  // namespace

std::vector<VmPlan> make_plans(std::vector<VmSpec> specs, Session& session) {
  const auto groups = group_by_target(specs, session);
  std::vector<Problem> problems;
  // A target that fails is named in the error (its `errors` entry, a run report).
  const auto backend_of = [&session](const Target& t) -> Backend& {
    return located(t.name, "", [&]() -> Backend& { return session.backend(t); });
  };
  std::vector<Backend*> backends;
  for (const auto& g : groups) {
    Backend& backend = backend_of(g.target);
    backends.push_back(&backend);
    for (auto i : g.indexes) {
      auto p = problems_on(specs[i], backend);
      problems.insert(problems.end(), p.begin(), p.end());
    }
  }
  if (!problems.empty()) throw ValidationError(std::move(problems));
  // The plans are made once the first inventory is read, not held while it
  // is; then each target's thread writes only its own VMs' plans. A target
  // that fails fails the plan; when several do, the first in spec order is
  // the error.
  std::vector<VmPlan> plans;
  std::once_flag sized;
  const auto size_plans = [&] { std::call_once(sized, [&] { plans.resize(specs.size()); }); };
  std::vector<std::exception_ptr> failed(groups.size());
  run_bounded(groups.size(), kTargetsAtOnce, [&](std::size_t t) {
    try {
      plan_target(groups[t], *backends[t], specs, plans, size_plans);
    } catch (...) {
      failed[t] = std::current_exception();
    }
  });
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  return plans;
}

std::vector<VmResult> apply_plans(const std::vector<VmPlan>& plans, Session& session, const ApplyOptions& options) {
  // Shared with the workers: after a second signal they may outlive this call.
  auto results = std::make_shared<std::vector<VmResult>>(plans.size());
  std::map<std::string, std::vector<std::size_t>> by_target;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    (*results)[i] = {plans[i].vm, plans[i].target, to_string(plans[i].action()), true, {}, {}};
    if (plans[i].has_changes()) by_target[plans[i].target].push_back(i);
  }
  std::vector<Lane> lanes;
  std::vector<Backend*> backend_of(plans.size(), nullptr);
  for (auto& [name, idx] : by_target) {
    const Target target = session.target_for(plans[idx.front()].desired.target);
    Backend& b = session.backend(target);
    for (auto i : idx) backend_of[i] = &b;
    lanes.push_back({idx, parallel_for(target, b, options)});
  }
  // A copy the workers share: its callbacks outlive this call with them.
  auto opts = std::make_shared<const ApplyOptions>(options);
  auto job = [results, backend_of, &plans, opts](std::size_t i) {
    auto& r = (*results)[i];
    if (opts->started) opts->started(r.vm);
    try {
      carry_out(plans[i], *backend_of[i], *opts, r.done);
    } catch (const Error& e) {
      r.ok = false;
      r.error = e.what();
      r.failure = e.code();
    } catch (const std::exception& e) {
      r.ok = false;
      r.error = e.what();
    }
    if (opts->finished) opts->finished(r);
  };
  const auto report = run_interruptible(plans.size(), lanes, job, options.interrupts);
  std::vector<VmResult> out(plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& r = (*results)[i];
    if (report[i] == Interruption::abandoned) {  // its worker still writes r.done: copy only what it never touches
      out[i] = {r.vm, r.target, r.action, false, {}, "still in flight when hvctl stopped waiting (interrupted)"};
    } else {
      out[i] = r;
      if (report[i] == Interruption::not_started) {
        out[i].ok = false;
        out[i].error = "not started (interrupted)";
      }
    }
    out[i].interruption = report[i];
  }
  return out;
}

}  // namespace hvctl
