// Storage volumes for disks hvctl creates (a spec disk with a size or a base
// image and no path). Internal to the libvirt backend.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

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

// Deletes each volume, ignoring failures (for cleaning up after one).
void delete_volumes(virConnectPtr conn, const std::vector<std::string>& paths, const Context& ctx);

// Where the disks hvctl makes go, and whether a base image can be read here.
struct DiskPlace {
  std::string pool;    // the target's pool option, "default" when unset
  bool local = false;  // the connection is to this machine (is_local)
};

// Creates a volume in `place.pool` for each disk of `spec` with a size or a
// base image (from) and no path, filling in its path and format (qcow2
// unless set) and recording its id in `owned`; returns the paths created.
// A base image is checked first: its format from the pool that holds it,
// else (local) from its header; a size below its virtual size, or a declared
// format it does not have (named with the spec line), is refused. On any
// failure the volumes made so far are deleted again.
std::vector<std::string> create_disk_volumes(virConnectPtr conn, const DiskPlace& place, VmSpec& spec,
                                             std::set<std::string>& owned, const Context& ctx);

}  // namespace hvctl::libvirt
