// hvctl move on Xen: a VM's disks are image files (or block devices) in
// dom0, so moving one off or onto this target is reading or writing a file.
// The source side reads each disk's image as the raw bytes blkback serves;
// the destination side writes a sparse raw image where the backend would
// make a new disk of that VM (STATE_DIR/disks/VM/DISK.img). Everything here
// is plain file I/O, tested on a machine without Xen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hvctl/disk_transfer.hpp"
#include "hvctl/spec.hpp"

namespace hvctl::xen {

// The disks of `spec` (each with its image as path: with_disk_images) as a
// cold copy can read them, and what it cannot: a disk whose image is
// missing, unreadable, or not a file or block device. A qcow2 or vhd image
// is read as raw content through qemu-nbd (hvctl/nbd_image.hpp): its
// capacity is its virtual size, and an image qemu-nbd cannot open (another
// format, a missing backing file) is a blocker with qemu's reason. A regular file's
// capacity and size are the file's size; a readable block device (an LVM
// volume, phy:) is read like a file, its capacity from BLKGETSIZE64. Every
// disk is resumable. Messages name the VM and the disk. Reads only.
DiskInventory disk_inventory(const VmSpec& spec);

// A reader of the file or block device at `path` from byte `offset` on
// (pread, so the caller's buffer size is the read size). Throws
// BackendError starting with `what` when it cannot be opened or read.
std::unique_ptr<DiskReader> open_disk_reader(const std::string& path, std::uint64_t offset, const std::string& what);

// A writer of the raw image at `path`, `capacity` bytes; its directory is
// made as needed, an existing file is kept: resume_offset() is its size
// rounded down to 1 MiB (at most the capacity's), where the copy goes on.
// Runs of zeros past what the file held are skipped (left as holes: the
// image is sparse). commit() sizes the file to `capacity`, flushes it and
// its directory; discard() removes it (only ever a regular file) and its
// directory when that is empty then. Errors (ENOSPC, a directory that
// cannot be made) throw BackendError starting with `what` and naming the file.
std::unique_ptr<DiskWriter> open_disk_writer(const std::string& path, std::uint64_t capacity, const std::string& what);

}  // namespace hvctl::xen
