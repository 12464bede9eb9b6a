// Clones: a new VM whose spec.source names a VM or a template on its target.
// The checks every backend shares, and the spec a backend that copies disks
// itself (libvirt, Xen) creates the clone from. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "hvctl/error.hpp"
#include "hvctl/spec.hpp"

namespace hvctl {

// What refuses `desired`'s clone on this target, before anything is made:
// a source that is not there, a template named as a VM or the reverse, a
// running source where the backend cannot clone one, a linked clone of a
// VM that is not a template where overlays would see its disks change.
// `inventory` holds every VM on the target by name. Each problem sits at
// spec.source's line.
std::vector<Problem> source_problems(const VmSpec& desired, const std::map<std::string, VmState>& inventory,
                                     const Capabilities& caps);

// The spec the clone is created from: the source's settings (CPU, memory,
// firmware, boot, CD-ROMs, NICs with their MACs left to the backend), each
// source disk as a new disk made from the source's image (a copy, or an
// overlay when linked; read-only disks are shared as they are), and over
// them every field `desired` sets. Identity stays the clone's own: name,
// labels, description, init, template and power come from `desired` alone.
VmSpec clone_spec(const VmState& source, const VmSpec& desired);

// "clone of tpl-debian12, linked" for plans; "" without a source.
std::string describe_source(const SourceSpec& source);

}  // namespace hvctl
