// One suite of backend behaviours, run against every backend the machine can
// reach: libvirt's test driver always, vcsim where built, Xen under QEMU.
// Call it from a doctest TEST_CASE with a session whose default target is
// the backend under test and a base spec carrying that backend's own block.
#pragma once

#include "hvctl/engine.hpp"

namespace hvctl::conformance {

// Creates `base.name` from `base` (which must not exist), then checks: the
// target reports what the spec set; a second apply is a no-op; a reconfigure
// converges; stop/start (and pause/resume, and snapshots as a tree with
// duplicate names refused, where the capabilities say so); export re-applies
// as a no-op; errors name the VM; destroy removes it and is idempotent.
// Leaves nothing behind.
void run_backend_conformance(Session& session, const VmSpec& base);

}  // namespace hvctl::conformance
