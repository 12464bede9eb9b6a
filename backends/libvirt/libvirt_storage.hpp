// Storage volumes for disks hvctl creates (a spec disk with a size and no
// path). Internal to the libvirt backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hvctl/disk_image.hpp"
#include "libvirt_handles.hpp"
#include "libvirt_xml.hpp"

namespace hvctl::libvirt {

// Format and virtual size of the volume at `path` as its pool reports them,
// or nullopt when no pool knows the path.
std::optional<ImageInfo> pool_image_info(virConnectPtr conn, const std::string& path);

// Whether a libvirt URI names this machine (no host: qemu:///system, test:///default).
bool is_local(const std::string& uri);

// Capacity in MiB of the volume at `path`, or nullopt when no pool knows the path.
std::optional<std::uint64_t> volume_size_mib(virConnectPtr conn, const std::string& path);

// Creates the volume in `pool`; returns its path. Throws BackendError (via
// ctx) naming the pool and volume; a name the pool has is refused by libvirt,
// so nothing is overwritten.
std::string create_volume(virConnectPtr conn, const std::string& pool, const VolumeRequest& request,
                          const Context& ctx);

// Grows the volume at `path` to `size_mib`. Equal size: nothing. Smaller:
// BackendError (hvctl never shrinks a disk). A path no pool knows: BackendError.
void grow_volume(virConnectPtr conn, const std::string& path, std::uint64_t size_mib, const Context& ctx);

// Deletes the volume at `path`. A path no pool knows is already gone: nothing.
void delete_volume(virConnectPtr conn, const std::string& path, const Context& ctx);

}  // namespace hvctl::libvirt
