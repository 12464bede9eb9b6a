// Power and snapshot operations on one libvirt domain. Internal to the
// libvirt backend; every failure throws BackendError through the Context.
#pragma once

#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "libvirt_handles.hpp"

namespace hvctl::libvirt {

// The domain's power in spec terms: running/blocked/shutting down -> running,
// paused and pmsuspended -> paused, everything else -> stopped.
PowerState power_state(virDomainPtr dom, const Context& ctx);

// Carries out `r` (see Backend::power). Idempotent: an op whose end state
// already holds does nothing. reboot/pause/resume of a stopped VM throw.
void change_power(virDomainPtr dom, const PowerRequest& r, const Context& ctx);

// create / revert / remove one snapshot (remove of an absent one does
// nothing), or list all names sorted. Only list returns names.
std::vector<std::string> run_snapshot(virDomainPtr dom, const SnapshotRequest& r, const Context& ctx);

}  // namespace hvctl::libvirt
