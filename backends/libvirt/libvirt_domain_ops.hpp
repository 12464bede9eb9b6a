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
// nothing), or list all as a tree (see Backend::snapshot). create refuses a
// name the domain has already with InputError, before libvirt is asked.
// Only list returns anything.
std::vector<SnapshotInfo> run_snapshot(virDomainPtr dom, const SnapshotRequest& r, const Context& ctx);

// What a <domainsnapshot> XML says of its snapshot (name, parent, creation
// time; id = the name, as libvirt names snapshots uniquely per domain).
// `current` stays false: libvirt's public XML does not say. Pure.
SnapshotInfo read_snapshot_xml(const std::string& xml);

// `all` depth first: each root, then its subtree, siblings by creation time
// (unknown first) then name. A snapshot whose parent is not in `all` counts
// as a root. Pure.
std::vector<SnapshotInfo> snapshot_tree(std::vector<SnapshotInfo> all);

}  // namespace hvctl::libvirt
