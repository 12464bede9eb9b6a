// Waiting until VMs reach a state: a power state, gone, or ready (running and
// ready by the spec's `ready` conditions or the backend's best signal).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/session.hpp"
#include "hvctl/spec.hpp"

namespace hvctl {

enum class WaitState { running, stopped, paused, deleted, ready };
const char* to_string(WaitState s);
std::optional<WaitState> parse_wait_state(const std::string& s);
inline const std::vector<std::string> kWaitStates = {"running", "stopped", "paused", "deleted", "ready"};

// What apply --wait waits for after applying `spec`: deleted for ensure:
// absent, the spec's power state when stopped or paused, else ready.
WaitState settled_state(const VmSpec& spec);

struct WaitItem {
  VmSpec spec;       // name, target and ready conditions
  WaitState state = WaitState::ready;
  // Where the VM is, when not where the spec's target resolves to (which
  // --target overrides): a move's copy, on its destination.
  std::optional<Target> target;
};

struct WaitOptions {
  std::chrono::seconds timeout{300};
  std::chrono::milliseconds interval{1000};
  std::function<void(const std::string& vm, const std::string& detail)> reached;  // called once per VM
};

struct WaitOutcome {
  std::string vm;
  std::string target;
  WaitState state = WaitState::ready;
  bool reached = false;
  std::string detail;  // the last thing seen: "stopped", "running; no IP yet", a backend error
};

// Polls every target (one inventory read per target per round) until each
// item reached its state or the timeout passed. Backend errors while polling
// count as "not yet" and are kept in `detail`; only UnsupportedError and
// InputError end the wait early (thrown).
std::vector<WaitOutcome> wait_for(const std::vector<WaitItem>& items, Session& session, const WaitOptions& options);

// "vm1 (stopped), vm2 (running; no IP yet)" for the items not reached.
std::string describe_unreached(const std::vector<WaitOutcome>& outcomes);

}  // namespace hvctl
