// hvctl move on Xen (see xen_disk_io.hpp): the source's disks are the image
// files its record names; a disk moved here is written where the backend
// would make a new disk of that VM, in the state directory, the one storage
// this target reports (storage "" or "state_dir"; the target option
// state_dir puts it elsewhere).
#include <filesystem>

#include <fmt/format.h>

#include "hvctl/nbd_image.hpp"
#include "xen_backend_impl.hpp"
#include "xen_disk_io.hpp"
#include "xen_images.hpp"
#include "xen_inventory.hpp"

namespace hvctl::xen {

DiskInventory XenBackend::disks_for_move(const VmState& vm) {
  return disk_inventory(with_disk_images(require_record(vm.name, "move")));
}

std::unique_ptr<DiskReader> XenBackend::read_disk(const VmState& vm, const DiskSource& disk, std::uint64_t offset) {
  const VmSpec spec = with_disk_images(require_record(vm.name, "move"));
  for (const auto& d : spec.disks)
    if (d.id == disk.disk_id && d.path) {
      const std::string what = fmt::format("{}: cannot read disk '{}'", who(vm.name), d.id);
      const std::string format = d.format.value_or("raw");
      return format == "raw" ? open_disk_reader(*d.path, offset, what) : open_nbd_reader(*d.path, format, offset, what);
    }
  throw BackendError(fmt::format("{}: cannot read disk '{}': the VM has no image for it", who(vm.name), disk.disk_id));
}

DiskPlacement XenBackend::place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                                     const std::string& storage) {
  if (!storage.empty() && storage != kStateDirStorage && storage != store_.dir())
    throw InputError(fmt::format("{}: disk '{}': target '{}' has no storage '{}': a Xen target keeps the disks it "
                                 "makes in its state directory, storage '{}' ({}), which its option state_dir sets",
                                 who(spec.name), disk.id, target_.name, storage, kStateDirStorage, store_.dir()));
  DiskPlacement p;
  p.disk_id = disk.id;
  p.path = image_path(store_.dir(), spec.name, disk.id);
  p.format = "raw";
  p.capacity = capacity;
  p.storage = kStateDirStorage;
  std::error_code ec;
  p.exists = std::filesystem::symlink_status(p.path, ec).type() != std::filesystem::file_type::not_found;
  return p;
}

std::unique_ptr<DiskWriter> XenBackend::write_disk(const DiskPlacement& placement) {
  return open_disk_writer(placement.path, placement.capacity,
                          fmt::format("target '{}': cannot write disk '{}'", target_.name, placement.disk_id));
}

std::unique_ptr<DiskReader> XenBackend::read_placed(const DiskPlacement& placement) {
  return open_disk_reader(placement.path, 0,
                          fmt::format("target '{}': cannot read back disk '{}'", target_.name, placement.disk_id));
}

}  // namespace hvctl::xen
