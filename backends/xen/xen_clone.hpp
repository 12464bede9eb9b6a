// Clones on Xen (spec.source): hvctl copies the source's disks itself, so
// the source is what its record says, with each disk hvctl made for it named
// by its image. The clone is then created like any VM whose disks have
// `from`: copy_image makes a sparse copy of each in STATE_DIR/disks/CLONE/.
#pragma once

#include <string>

#include "hvctl/backend.hpp"
#include "hvctl/spec.hpp"
#include "xen_state.hpp"

namespace hvctl::xen {

// The source as a clone sees it (stopped): its record's spec with each disk
// hvctl made given its image as path, so that the clone copies the disk as
// it is now and not the base it once started from; without the seed of its
// init, which is the source's identity, not a disk. Pure.
VmState clone_source(const VmRecord& source);

// The spec the clone `desired` is created from: clone_spec over
// clone_source. It keeps desired.source (the record remembers it, so plans
// can say that a later change of it is ignored) and desired's template. Pure.
VmSpec clone_create_spec(const VmRecord& source, const VmSpec& desired);

// What Xen refuses in `clone` (a clone_create_spec or a clone's merged
// definition); a problem `desired` alone lacks says it comes with the
// settings of its source. (check_spec of a clone's own spec cannot judge
// it: its type and boot are the source's.)
std::vector<Problem> clone_problems(const VmSpec& clone, const VmSpec& desired);

}  // namespace hvctl::xen
