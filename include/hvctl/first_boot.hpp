// What a guest reads at first boot from spec.init, as cloud-init's NoCloud
// files: the same on every backend that hands the guest a seed (libvirt,
// Xen). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hvctl/nocloud_seed.hpp"
#include "hvctl/spec.hpp"

namespace hvctl {

// The instance-id the guest sees: "iid-" and a digest of the VM's name and
// its init, so a new one exactly when init changes (cloud-init then runs
// first boot again, which is why apply asks for --reinit).
std::string instance_id(const VmSpec& spec);

// The seed's files: meta-data (instance-id, local-hostname, public-keys),
// user-data (the spec's, else an empty #cloud-config) and network-config
// when the spec has one. NoCloud needs meta-data and user-data both.
std::vector<SeedFile> nocloud_files(const VmSpec& spec);

// The drive id the seed has on backends that attach one (libvirt, Xen); no
// spec drive may take it.
inline constexpr const char* kSeedDrive = "hvctl-seed";

// A spec drive that takes kSeedDrive's id, at its id's line.
std::vector<Problem> seed_drive_problems(const VmSpec& spec);

// Whether console output holds cloud-init's message at the end of first
// boot, one line of "Cloud-init v. 22.4.2 finished at <time>. Datasource
// ...". What a console readiness check waits for when the spec has init and
// names no ready condition of its own.
bool shows_cloud_init_finished(std::string_view console);
inline constexpr const char* kCloudInitFinished = "cloud-init's final message (Cloud-init v. ... finished at ...)";

// Whether readiness waits for that message: the spec has init and no ready condition.
inline bool waits_for_first_boot(const VmSpec& spec) { return !spec.init.empty() && spec.ready.empty(); }

}  // namespace hvctl
