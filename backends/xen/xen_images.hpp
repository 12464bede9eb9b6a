// The disk images the Xen backend makes: for a disk with `from`, a sparse
// copy of a raw base image (dom0 runs no qdisk, so a qcow2 base is refused),
// under the state directory, attached through blkback like any image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/diagnostics.hpp"
#include "hvctl/disk_image.hpp"
#include "hvctl/error.hpp"
#include "hvctl/first_boot.hpp"
#include "hvctl/spec.hpp"
#include "xen_state.hpp"

namespace hvctl::xen {

// Where the image of disk `disk` of VM `vm` goes: STATE_DIR/disks/VM/DISK.img.
std::string image_path(const std::string& state_dir, const std::string& vm, const std::string& disk);


// record.spec with each disk hvctl made (record.images) given its image as
// path, without `from`: the VM's disks as they are. Pure.
VmSpec with_disk_images(const VmRecord& record);

// The VM's devices as they are: with_disk_images, and the seed
// (record.seed), when spec.init is set, as a read-only drive after the
// spec's own. Pure.
VmSpec with_images(const VmRecord& record);

// The spec the domain is built from: with_images, booting the pvgrub2 image
// in `pvgrub_dir` for a boot.loader (with_boot_loader). Pure.
VmSpec domain_spec(const VmRecord& record, const std::string& pvgrub_dir);

// Where the seed of VM `vm` goes: STATE_DIR/seeds/VM.iso.
std::string seed_path(const std::string& state_dir, const std::string& vm);

// Builds the NoCloud seed of record.spec.init at seed_path (replacing the
// one hvctl made before) and records it. Throws BackendError naming `who`.
void make_seed(VmRecord& record, const std::string& state_dir, const std::string& who);

// What is wrong with making a disk of `size_mib` (0: the image's) from
// `base` here, if anything: the disk's field at fault ("from": missing,
// unreadable or not raw; "size": below the image's) and why. Reads the
// base's header into `info`.
struct BaseFault {
  std::string field, message;
};
std::optional<BaseFault> base_fault(const std::string& base, std::uint64_t size_mib, ImageInfo& info);

// base_fault of each disk of `spec` with `from` that `made` (the VM as it
// is) lacks, at its field's mark and naming the VM and the disk.
std::vector<Problem> base_problems(const VmSpec& spec, const VmSpec& made);

// Copies raw `base` to a new file `path` (its directory made as needed),
// sparse: ioctl(FICLONE) where the file system shares extents, else
// copy_file_range over the base's data extents (SEEK_DATA/SEEK_HOLE); then
// grows it to `size_mib` when that is larger. Never replaces an existing
// file. Returns the image's size in MiB. Throws InputError for a base that
// is not raw or is larger than `size_mib` (naming `what`), BackendError for
// I/O failures; a half-made copy is removed. Tells `progress` how far
// through the base it is, every 64 MiB (a clone is at once).
std::uint64_t copy_image(const std::string& base, const std::string& path, std::uint64_t size_mib, const std::string& what,
                         ProgressTask& progress);

// Grows the image at `path` to `size_mib` (sparse: ftruncate). Never shrinks.
void grow_image(const std::string& path, std::uint64_t size_mib, const std::string& what);

}  // namespace hvctl::xen

namespace hvctl::xen {

// Makes the image of each disk of `record.spec` with `from` and no image yet,
// in `state_dir` (copy_image), records it in record.images and sets the
// disk's size to the image's. Returns the paths made; on a failure removes
// the ones made and rethrows. `who` starts the messages and names each
// copy's progress on `diagnostics`.
std::vector<std::string> make_images(VmRecord& record, const std::string& state_dir, const std::string& who,
                                     Diagnostics& diagnostics);

// Records as hvctl's (record.images) each disk of `record.spec` whose path is
// where hvctl makes that disk's image in `state_dir` (image_path): one `hvctl
// move` wrote there, through place_disk. Destroy deletes it like a disk made
// from a base image.
void adopt_placed_images(VmRecord& record, const std::string& state_dir);

// Grows the image of each disk hvctl made whose size grew from `before`.
void grow_images(const VmRecord& record, const VmSpec& before, const std::string& who);

// Forgets the images of disks record.spec no longer has (pruned: their files
// are kept, as the plan says, unless apply --delete-images) and returns their paths.
std::vector<std::string> forget_pruned_images(VmRecord& record);

// Removes `paths` and, when empty then, their directories; absent is fine.
void remove_images(const std::vector<std::string>& paths);

}  // namespace hvctl::xen
