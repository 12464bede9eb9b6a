// Turning engine data into Results for the renderer; shared by commands.
#pragma once

#include <vector>

#include "hvctl/engine.hpp"
#include "hvctl/output.hpp"
#include "hvctl/wait.hpp"

namespace hvctl {

Json vm_json(const VmState& vm);                       // stable keys: name, target, uuid, power, spec
Result vm_list_result(const std::vector<VmState>& vms);
Result plan_result(const std::vector<VmPlan>& plans);
Result apply_result(const std::vector<VmResult>& results, bool changed_anything);

Result wait_result(const std::vector<WaitOutcome>& outcomes);
// Adds each VM's wait outcome (ready, readyDetail, a READY column) to an ApplyResult.
void add_wait_outcomes(Result& applied, const std::vector<WaitOutcome>& outcomes);

// Exit code for a set of per-VM results: ok, partial, or backend failure.
int results_exit_code(const std::vector<VmResult>& results);

}  // namespace hvctl
