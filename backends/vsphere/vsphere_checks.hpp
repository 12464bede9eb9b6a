// What the vSphere backend can express, as data, and the spec checks it
// adds to the planner's generic field check. No I/O.
#pragma once

#include <vector>

#include "hvctl/backend.hpp"

namespace hvctl::vsphere {

inline constexpr int kDefaultParallel = 8;

const Capabilities& vsphere_capabilities();

// Problems in `spec` that vSphere cannot express beyond Capabilities::fields
// (cpu.cap in percent, unknown buses or NIC models, disks with neither size
// nor path, memory not a multiple of 4 MiB, reserved extraConfig keys).
std::vector<Problem> vsphere_check(const VmSpec& spec);

// curl_global_init and xmlInitParser, once per process, before any thread uses them.
void vsphere_global_init();

}  // namespace hvctl::vsphere
