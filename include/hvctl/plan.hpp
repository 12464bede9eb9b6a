// The planner: desired specs against what the target reports. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "hvctl/spec.hpp"

namespace hvctl {

struct FieldChange {
  std::string field;  // "cpu.count", "disks[data].size", "labels.tier"
  std::string from;   // "" when it was not set on the target
  std::string to;
  bool hot = false;   // can be applied without a restart
  std::string why;    // why a change the backend makes hot elsewhere is not hot here ("" when it is, or never is)
};

// The change a spec with vsphere.pinHost plans for a VM on another host:
// apply migrates it (Backend::migrate, live) instead of reconfiguring.
inline constexpr const char* kPinnedHostField = "vsphere.host";

enum class PlanAction { none, create, update, power, remove, impossible };
const char* to_string(PlanAction a);

struct VmPlan {
  std::string vm;
  std::string target;
  VmSpec desired;
  std::optional<VmState> actual;
  bool create = false;
  bool remove = false;
  std::vector<FieldChange> changes;
  bool needs_restart = false;  // some change is not hot and the VM is running
  std::optional<PowerState> power_from, power_to;  // set when power changes
  std::vector<Problem> impossible;  // changes the backend would refuse: apply leaves the VM alone
  std::vector<std::string> ignored_blocks;  // blocks for another hypervisor in the spec ("vsphere")
  // Devices the VM has and its spec does not name, in a device list the spec
  // has ("nics[nic1]"): kept as they are, and not a change.
  std::vector<std::string> kept;
  // Fields read at create only (spec.source, vSphere placement) whose value
  // differs from what the VM was made with: not a change, and apply ignores them.
  std::vector<FieldChange> create_only;

  PlanAction action() const;      // the most significant thing it does
  bool has_changes() const { return action() != PlanAction::none; }
  // Whether this change takes a restart: not hot, on a VM that is and stays up.
  bool restarts_for(const FieldChange& c) const;
  std::string describe() const;   // one line: "create (2 vCPU, 64MiB), start"
};

// Field-by-field differences for the fields `desired` sets. `running` decides
// which changes count as hot (per `caps.hot_fields`).
std::vector<FieldChange> diff_spec(const VmSpec& desired, const VmSpec& actual,
                                   const Capabilities& caps);

// Fields `desired` sets that the backend reads at create only (Use::create)
// and that differ from what `actual` reports: what apply will not change.
std::vector<FieldChange> create_only_changes(const VmSpec& desired, const VmSpec& actual, const Capabilities& caps);

// The devices of `actual` that `desired` does not name, in each device list
// `desired` has: "disks[data]", "nics[eth1]".
std::vector<std::string> unlisted_devices(const VmSpec& desired, const VmSpec& actual);

// The plan for one VM. A VM absent on the target and declared absent: nothing.
// The plan keeps both (pass them moved when the caller has no more use for them).
VmPlan plan_vm(VmSpec desired, std::optional<VmState> actual, const std::string& target, const Capabilities& caps);

// Spec fields set in `spec` that `caps` cannot express, as problems at their marks.
std::vector<Problem> unsupported_fields(const VmSpec& spec, const Capabilities& caps);

// Rules that span fields, checked on the VM as `desired` would leave it (a
// new cpu.count the VM's coresPerSocket does not divide), for any backend.
std::vector<Problem> transition_problems(const VmSpec& desired, const VmSpec& actual);

// The blocks `spec` carries that this target does not read ("vsphere" on a xen
// target): kept in the spec and ignored. `plan -v` names them.
std::vector<std::string> ignored_blocks(const VmSpec& spec, const Capabilities& caps);

// Everything `backend` cannot do with `spec`: its own check() and the fields
// its capabilities lack; where both speak of one place, the backend's words win.
std::vector<Problem> problems_on(const VmSpec& spec, const Backend& backend);

}  // namespace hvctl
