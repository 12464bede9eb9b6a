// Running one operation on several named VMs of one target, in parallel,
// with a result per VM. Shared by the imperative verbs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "context.hpp"
#include "hvctl/engine.hpp"

namespace hvctl {

// Calls `op(backend, name)` for each name (at most --parallel at once), then
// renders one row per VM and returns ok / partial / backend-failure.
// Apply options with --parallel and progress lines on stderr ("vm: create").
ApplyOptions apply_options(Context& ctx);

// apply_plans with a live status line on a terminal (status_line.hpp),
// counting the VMs that have changes.
std::vector<VmResult> apply_with_status(const std::vector<VmPlan>& plans, Context& ctx, ApplyOptions options,
                                        const std::string& verb);

// --prune: every spec as if it said `prune: true` (marked at its document,
// so a target that cannot remove devices refuses it there).
void prune_all(std::vector<VmSpec>& specs);
// apply/plan --delete-images: a pruned disk's image goes too, when hvctl made it.
void delete_pruned_images(std::vector<VmSpec>& specs);
// apply/plan --reinit: a changed spec.init is applied to existing VMs.
void allow_reinit(std::vector<VmSpec>& specs);
// apply --force: VMs hvctl moved away may be changed (VmSpec::force_moved).
void force_moved(std::vector<VmSpec>& specs);

// Whether any plan changes anything.
bool any_changes(const std::vector<VmPlan>& plans);

// Says on stderr, at its spec's file:line:column, each change a plan cannot
// make; true when there was one.
bool report_impossible(const std::vector<VmPlan>& plans, Output& out);

// After a run a signal stopped: says on stderr what was done, what was not
// started and what was under way (and, after a second signal, which VMs still
// had requests in flight).
void report_interruption(const std::vector<VmResult>& results, Output& out);

// An imperative command's per-VM results (an OperationResult), each failure
// warned about, and what an interruption left undone; `footer` under the table.
void render_operation(const std::vector<VmResult>& results, const std::string& verb, Output& out,
                      const std::string& footer = "");

// Runs `op` on each named VM of the command's target, in parallel (the
// target's `parallel`, and at most `at_most` when that is above 0), under the
// target's lock; prints the per-VM result and returns the exit code. Each
// VM's result says `past`, or, with the second form, what `op` returned.
// Interruptible (see interrupt.hpp) while the caller holds an InterruptScope.
int for_each_vm(Context& ctx, const std::vector<std::string>& names, const std::string& verb,
                const std::string& past, const std::function<void(Backend&, const VmState&)>& op);
int for_each_vm(Context& ctx, const std::vector<std::string>& names, const std::string& verb,
                const std::function<std::string(Backend&, const VmState&)>& op, int at_most = 0);

}  // namespace hvctl
