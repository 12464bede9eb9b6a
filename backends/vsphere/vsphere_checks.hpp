// What the vSphere backend can express, as data, and the spec checks it
// adds to the planner's generic field check. No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"

namespace hvctl::vsphere {

inline constexpr int kDefaultParallel = 8;

const Capabilities& vsphere_capabilities();

// Problems in `spec` that vSphere cannot express beyond Capabilities::fields
// (cpu.cap in percent, unknown buses or NIC models, disks with neither size
// nor path, memory not a multiple of 4 MiB, reserved extraConfig keys, an
// ISO that is no datastore path, IDE controllers, which every VM has built
// in, more than 4 controllers of a type).
std::vector<Problem> vsphere_check(const VmSpec& spec);

// A change vSphere refuses on an existing device: which field of it, and why.
struct Refusal {
  std::string field;  // "size", "bus", "model"...
  std::string why;    // "vSphere cannot shrink a disk"
};
std::optional<Refusal> refused_disk_change(const DiskSpec& want, const DiskSpec& have);
std::optional<Refusal> refused_nic_change(const NicSpec& want, const NicSpec& have);
std::optional<Refusal> refused_cdrom_change(const CdromSpec& want, const CdromSpec& have);
std::optional<Refusal> refused_controller_change(const ControllerSpec& want, const ControllerSpec& have);

// The changes from `actual` to `desired` that vSphere refuses, each at its
// field in `desired` (Backend::check_transition).
std::vector<Problem> vsphere_transition(const VmSpec& desired, const VmSpec& actual);

// curl_global_init and xmlInitParser, once per process, before any thread uses them.
void vsphere_global_init();

}  // namespace hvctl::vsphere
