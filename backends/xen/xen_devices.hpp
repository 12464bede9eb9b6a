// A VM's disks and NICs beyond its domain config: what dom0 must have before
// they can be made, hot-plug and removal on a running domain through libxl,
// and the rules that keep a running domain's device names stable.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "hvctl/error.hpp"
#include "hvctl/spec.hpp"
#include "xen_host.hpp"

namespace hvctl::xen {

// What dom0 lacks for `spec`'s devices and boot, each at its field's mark
// and naming the VM and the device: a NIC's network that is no bridge under
// `sys_class_net` (no NETWORK/bridge there), a disk path or a drive's ISO
// that does not exist, the pvgrub2 image boot.loader needs in `pvgrub_dir`.
std::vector<Problem> host_problems(const VmSpec& spec, const std::string& pvgrub_dir,
                                   const std::string& sys_class_net = "/sys/class/net");

// Gives each NIC of `spec` without a MAC a random one in Xen's OUI
// (00:16:3e), so the VM keeps its address across restarts (libxl would draw
// a new one at every start). NICs `kept` has are left as they are: a record
// from before MACs were kept may run a domain whose vif has libxl's own.
void assign_macs(VmSpec& spec, const VmSpec& kept = {});

// The hot keys a VM of this (effective) spec cannot take while it runs,
// although the backend can for others: an HVM guest's emulated disks and NICs
// cannot be hot-plugged, so its device additions and removals need a restart.
std::set<std::string> cold_fields(const VmSpec& spec);

// Device changes from `actual` (running) to `desired` over it that would
// rename a device the VM keeps: Xen names disks by their place in the list
// (xvda, xvdb...) and NICs by index, so removing one before others renames
// them at the next start while the running domain keeps the old names. At
// desired's disks / nics marks. Empty for a stopped VM.
std::vector<Problem> live_renames(const VmSpec& desired, const VmSpec& actual, PowerState power);

// Whether `to` adds or removes a disk or NIC of `from` (by id).
bool devices_differ(const VmSpec& to, const VmSpec& from);

// On the running domain `domid`, detaches the disks and NICs `from` (what it
// runs with) has and `to` has not, then attaches those `to` adds, matched by
// id. An added device is the domain config's translation (fill_disk,
// fill_nic); a removed one is the domain's own device of the translation's
// vdev (and only if it holds the image `from` says) or of the NIC's MAC, as
// xl block-detach / network-detach find them. libxl waits for the guest's
// front end. Throws BackendError naming the device; devices already changed
// stay changed.
void change_devices(const Libxl& xl, std::uint32_t domid, const VmSpec& to, const VmSpec& from, const std::string& who);

}  // namespace hvctl::xen
