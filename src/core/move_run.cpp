// run_move: the steps of a planned move, in an order that keeps the source
// safe. The source is stopped (--shutdown) before any copy; every disk is
// copied and verified before the destination defines anything; the source
// is labelled hvctl.moved-to before its copy first starts; the source is
// deleted (--delete-source) only after its copy became ready.
#include <map>

#include <fmt/format.h>

#include "hvctl/move.hpp"
#include "hvctl/wait.hpp"
#include "move_copy.hpp"

namespace hvctl {
namespace {

struct Run {
  MovePlan plan;  // a copy: --consolidate plans again once the snapshots are gone
  Session& session;
  const MoveHooks& hooks;
  Backend& from;
  Backend& to;
  MoveResult result;

  void step(const std::string& line) {
    result.done.push_back(line);
    if (hooks.step) hooks.step(line);
  }
};

VmState require_source(Run& r) {
  auto vm = r.from.lookup(r.plan.request.vm);
  if (!vm) throw NotFoundError(r.plan.from.name, r.plan.request.vm);
  return *vm;
}

void stop_source(Run& r, VmState& vm) {
  if (vm.power == PowerState::stopped) return;
  if (!r.plan.request.shutdown)
    throw Error(ExitCode::impossible, fmt::format("VM '{}' is {} again; a running VM is never copied", vm.name,
                                                  to_string(vm.power)));
  r.from.power(vm.name, PowerRequest{PowerOp::stop, false, std::chrono::seconds(300)});
  r.step(fmt::format("stopped {} on {} (it was {})", vm.name, r.plan.from.name, to_string(vm.power)));
  vm = require_source(r);
}

// --consolidate: the source's snapshots go, children first, and what was
// planned is planned again on the disks as they are then (a chain merged
// into one); a problem that plan finds stops the move, saying the snapshots
// are gone.
void consolidate(Run& r, VmState& vm) {
  if (r.plan.consolidate.empty()) return;
  std::string names;
  for (const auto& snap : r.plan.consolidate) {
    try {
      r.from.snapshot(vm.name, {SnapshotRequest::Op::remove, snap.name});
    } catch (const std::exception& e) {
      const auto* error = dynamic_cast<const Error*>(&e);
      throw Error(error ? error->code() : ExitCode::backend_failure,
                  fmt::format("{}; deleted before it: {}", e.what(), names.empty() ? "none" : names));
    }
    names += (names.empty() ? "" : ", ") + snap.name;
  }
  r.step(fmt::format("deleted {}'s {} snapshot(s) on {}: {} (their changes stay in its disks)", vm.name,
                     r.plan.consolidate.size(), r.plan.from.name, names));
  MoveRequest again = r.plan.request;
  again.consolidate = false;
  MovePlan fresh = plan_move(again, r.session);
  if (!fresh.problems.empty()) {
    std::string why;
    for (const auto& p : fresh.problems) why += (why.empty() ? "" : "; ") + p;
    throw Error(ExitCode::impossible, fmt::format("with its snapshots deleted, VM '{}' still cannot move: {}", vm.name, why));
  }
  r.plan = std::move(fresh);
  vm = require_source(r);
}

void copy_disks(Run& r, const VmState& vm, move::Journal& journal) {
  std::map<std::string, std::string> source_digests;
  for (const auto& c : r.plan.disks) {
    const auto stats = move::copy_disk(r.from, vm, r.to, c, journal, r.hooks);
    source_digests[c.source.disk_id] = stats.digest;
    const double rate = stats.seconds > 0 ? static_cast<double>(stats.copied) / stats.seconds : 0;
    r.step(fmt::format("disk {}: copied {} to {} in {:.1f} s ({}/s){}", c.source.disk_id,
                       move::show_bytes(stats.copied), c.placement.path, stats.seconds,
                       move::show_bytes(static_cast<std::uint64_t>(rate)),
                       stats.resumed_from ? fmt::format(", resumed at {}", move::show_bytes(stats.resumed_from)) : ""));
  }
  for (const auto& c : r.plan.disks) {
    try {
      r.result.checksums[c.source.disk_id] = move::verify_disk(r.to, c, journal.disk(c.source.disk_id), r.hooks,
                                                          source_digests[c.source.disk_id]);
    } catch (const move::CorruptCopy&) {  // a copy that is not the source's is no use to a re-run either
      journal.disk(c.source.disk_id) = {};
      journal.save();
      r.to.write_disk(c.placement)->discard();
      throw;
    }
    r.step(fmt::format("disk {}: verified, {}", c.source.disk_id, r.result.checksums[c.source.disk_id]));
  }
}

VmSpec labelled(const VmState& vm, const std::optional<std::string>& moved_to) {
  VmSpec s;
  s.name = vm.name;
  s.labels = vm.spec.labels;
  if (moved_to) s.labels[kMovedToLabel] = *moved_to;
  else s.labels.erase(kMovedToLabel);
  return s;
}

// Starts the copy and waits for it when asked; a copy that does not start is
// undone (its definition, not its disks), and the source unlabelled.
void start_copy(Run& r, const VmState& source) {
  if (!r.plan.request.start) return;
  try {
    r.to.power(r.plan.dest_name, PowerRequest{PowerOp::start});
  } catch (...) {
    r.to.destroy(r.plan.dest_name);
    r.from.reconfigure(labelled(source, std::nullopt), require_source(r));
    r.step(fmt::format("undone: {} removed from {} (its disks kept), the source's label removed", r.plan.dest_name,
                       r.plan.to.name));
    throw;
  }
  r.step(fmt::format("started {} on {}", r.plan.dest_name, r.plan.to.name));
  if (!r.plan.request.wait && !r.plan.request.delete_source) return;
  WaitItem item{r.result.spec, WaitState::ready, r.plan.to};
  const auto outcomes = wait_for({item}, r.session, WaitOptions{});
  if (outcomes.empty() || !outcomes.front().reached)
    throw TimeoutError(fmt::format("{} on {} is not ready: {}; it is defined and running, the source kept",
                                   r.plan.dest_name, r.plan.to.name, describe_unreached(outcomes)));
  r.step(fmt::format("{} is ready: {}", r.plan.dest_name, outcomes.front().detail));
}

void define_copy(Run& r, const VmState& source) {
  r.result.spec = r.plan.translation.spec;
  r.to.create(r.result.spec);
  r.step(fmt::format("defined {} on {}", r.plan.dest_name, r.plan.to.name));
  try {
    r.from.reconfigure(labelled(source, r.plan.to.name + "/" + r.plan.dest_name), source);
  } catch (...) {
    r.to.destroy(r.plan.dest_name);
    throw;
  }
  r.step(fmt::format("labelled {} on {} {}={}/{}", source.name, r.plan.from.name, kMovedToLabel, r.plan.to.name,
                     r.plan.dest_name));
}

void run_steps(Run& r) {
  VmState vm = require_source(r);
  stop_source(r, vm);
  consolidate(r, vm);
  move::Journal journal(move::Journal::file_for(r.plan.from.uri, r.plan.request.vm, r.plan.to.uri, r.plan.dest_name));
  copy_disks(r, vm, journal);
  define_copy(r, vm);
  journal.remove();
  start_copy(r, vm);
  if (r.plan.request.delete_source) {
    r.from.destroy(vm.name);
    r.step(fmt::format("deleted {} from {}", vm.name, r.plan.from.name));
  }
}

}  // namespace

MoveResult run_move(const MovePlan& plan, Session& session, const MoveHooks& hooks) {
  Run r{plan, session, hooks, session.backend(plan.from), session.backend(plan.to), {}};
  try {
    if (!plan.problems.empty())
      throw Error(ExitCode::impossible, fmt::format("the plan has {} problem(s)", plan.problems.size()));
    run_steps(r);
    r.result.ok = true;
  } catch (const Error& e) {
    r.result.error = e.what();
    r.result.failure = e.code();
  } catch (const std::exception& e) {
    r.result.error = e.what();
    r.result.failure = ExitCode::internal;
  }
  return r.result;
}

}  // namespace hvctl
