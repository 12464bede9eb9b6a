// What a reconfigure defines: the VM as the target reports it, with every
// field the desired spec sets laid over it. Pure; shared by the backends
// whose reconfigure rewrites a whole configuration (libvirt, Xen).
#pragma once

#include "hvctl/spec.hpp"

namespace hvctl {

// `actual` overlaid with the fields `desired` sets. Disks and NICs match by
// id (new ones are appended, unmentioned ones kept); labels are replaced as a
// whole when `desired` has any (the planner compares them as a whole). When
// the overlay leaves memory size above max, the field the user did not set
// gives way: max rises to the size, or the size drops to the max.
VmSpec overlay_spec(const VmSpec& actual, const VmSpec& desired);

}  // namespace hvctl
