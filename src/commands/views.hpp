// Turning engine data into Results for the renderer; shared by commands.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "hvctl/engine.hpp"
#include "hvctl/error.hpp"
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

const char* to_string(Interruption i);  // "not started", "in flight", ...

// Exit code for a set of per-VM results: ok, partial, or backend failure;
// interrupted (130) when a signal stopped the run.
int results_exit_code(const std::vector<VmResult>& results);

// Failures in documents (see output.hpp): the entries of an `errors` list.
// Each has `message`, and `target`, `vm`, `file`, `line`, `column` when known.
Json error_json(const std::string& message, const std::string& target = "", const std::string& vm = "");
Json problem_json(const Problem& p);
// The entries for an exception that reached the top: one per validation
// problem, else one, located when it is a LocatedError.
Json error_entries(const std::exception& e);

}  // namespace hvctl
