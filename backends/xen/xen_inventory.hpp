// What the dom0 offers guests, read from the host itself: its bridges (what a
// vif's bridge= names) and a directory's file system. Pure over a sysfs root
// and a path, so tests can give them their own. Private to backends/xen.
#pragma once

#include <string>
#include <vector>

#include "hvctl/inventory.hpp"

namespace hvctl::xen {

// The one storage a Xen target reports: the state directory, where the
// backend makes disk images (STATE_DIR/disks/VM/DISK.img).
inline constexpr const char* kStateDirStorage = "state_dir";

// Every bridge under `sys_class_net` (normally /sys/class/net), with its ports.
std::vector<NetworkInfo> dom0_bridges(const std::string& sys_class_net = "/sys/class/net");

// `path`'s file system: capacity and free space (statvfs), as storage called `name`.
StorageInfo directory_storage(const std::string& name, const std::string& path);

}  // namespace hvctl::xen
