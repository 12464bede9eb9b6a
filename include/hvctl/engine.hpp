// Plan and apply across targets: bulk reads per target, bounded parallelism,
// one operation per VM at a time, every failure reported with its VM.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "hvctl/plan.hpp"
#include "hvctl/session.hpp"

namespace hvctl {

// Plans every spec against its target. Reads each target's inventory once.
// Throws ValidationError when a spec uses fields its target cannot express;
// a VM whose change its backend would refuse (check_transition) is planned
// as impossible, with the reasons. Each plan keeps its spec (plan.desired):
// pass them moved when the caller has no more use for them.
std::vector<VmPlan> make_plans(std::vector<VmSpec> specs, Session& session);

struct VmResult;

struct ApplyOptions {
  int parallel = 0;                      // 0: each target's default
  bool allow_restart = true;             // stop/start VMs whose changes need it
  bool force_stop = false;               // stop hard instead of asking the guest
  std::chrono::seconds stop_timeout{120};
  std::function<void(const std::string& vm, const std::string& what)> progress;
  // From the workers, as each VM's work begins and ends (a live status line).
  std::function<void(const std::string& vm)> started;
  std::function<void(const VmResult& result)> finished;
  // Signals received so far (interrupt_count); null: never interrupted.
  // Above 0 nothing new starts; at 2 apply_plans stops waiting.
  std::function<int()> interrupts;
};

// What a signal did to one VM's work.
enum class Interruption {
  none,
  not_started,  // it was never begun
  in_flight,    // it was under way at the signal and ran to its end (its outcome is recorded)
  abandoned,    // still under way when a second signal made hvctl stop waiting
};

struct VmResult {
  std::string vm;
  std::string target;
  std::string action;                 // what was planned ("create", "update", ...)
  bool ok = true;
  std::vector<std::string> done;      // steps that completed ("created", "started")
  std::string error;                  // backend's message when !ok
  ExitCode failure = ExitCode::backend_failure;  // when !ok: impossible, not_found, or another failure
  Interruption interruption = Interruption::none;
};

// Carries out plans that have changes. Never throws for one VM's failure:
// each result says what happened. An impossible plan is not touched (its
// result fails with ExitCode::impossible). When a reconfigure fails after
// the engine stopped the VM for it, the VM is put back into its earlier power
// state and the error says so ("...; restored to running"). Interrupted
// (options.interrupts), it starts no new VM; a VM under way finishes all its
// steps, restart included, unless a second signal abandons it.
std::vector<VmResult> apply_plans(const std::vector<VmPlan>& plans, Session& session,
                                  const ApplyOptions& options);

// Runs `fn` for each item with at most `parallel` at once; exceptions are the
// callee's business (fn must not throw).
void run_bounded(std::size_t count, int parallel, const std::function<void(std::size_t)>& fn);

// Jobs that may run side by side, `parallel` of them at once.
struct Lane {
  std::vector<std::size_t> jobs;
  int parallel = 1;
};

// Runs fn(job) for every job of every lane, the lanes at once, and says what
// became of each job (none: done; not_started; in_flight: running at the
// first signal, then done; abandoned). Once interrupts() > 0 no job starts;
// at 2 it returns without waiting, detaching the threads still running (see
// mark_work_abandoned): fn and what it refers to must then outlive the
// process's remaining output. fn must not throw.
std::vector<Interruption> run_interruptible(std::size_t jobs, const std::vector<Lane>& lanes,
                                            std::function<void(std::size_t)> fn,
                                            const std::function<int()>& interrupts);

}  // namespace hvctl
