// Turning engine data into Results for the renderer; shared by commands.
#pragma once

#include <vector>

#include "hvctl/engine.hpp"
#include "hvctl/output.hpp"

namespace hvctl {

Json vm_json(const VmState& vm);                       // stable keys: name, target, uuid, power, spec
Result vm_list_result(const std::vector<VmState>& vms);
Result plan_result(const std::vector<VmPlan>& plans);
Result apply_result(const std::vector<VmResult>& results, bool changed_anything);

// Exit code for a set of per-VM results: ok, partial, or backend failure.
int results_exit_code(const std::vector<VmResult>& results);

}  // namespace hvctl
