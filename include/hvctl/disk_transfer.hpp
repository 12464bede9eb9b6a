// A VM's disks as byte streams between targets, for `hvctl move`: what a
// backend reads one from and writes one to. The content travels as the
// disk's raw image (what the guest sees, byte for byte) wherever the source
// can give it so; `format` says when it cannot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hvctl {

// One disk of a stopped VM, as its backend can hand it out.
struct DiskSource {
  std::string disk_id;        // the VM's spec disks[].id
  std::string location;       // where it is, for people: "[LocalDS_0] web/web-flat.vmdk", "/var/lib/xen/images/web.img"
  std::string format;         // how it is stored: raw (a vSphere flat extent is raw) | qcow2 | vhd
  std::uint64_t capacity = 0; // bytes the guest sees
  std::uint64_t size = 0;     // bytes of the stream (raw: the capacity)
  bool resumable = false;     // open_disk at an offset > 0 works (HTTP Range, a file): a copy resumes
  // How an image stored in another format than raw becomes a raw stream,
  // and why so, for the plan ("qcow2 image read as raw content through
  // qemu-nbd ..."); empty when it is stored raw, or when the backend cannot
  // stream it raw (then the plan refuses it).
  std::string conversion;
};

// What a backend finds about a VM's disks before any copy: the disks, and
// what a cold copy cannot carry (a snapshot chain, a raw device mapping, an
// encrypted or vSAN disk), each said so the user knows what to do.
struct DiskInventory {
  std::vector<DiskSource> disks;
  std::vector<std::string> blockers;  // "disk 'data' is a raw device mapping (RDM): ..."
  // What the VM's snapshots stop: deleting them (move --consolidate) resolves these.
  std::vector<std::string> consolidable;
};

class DiskReader {
public:
  virtual ~DiskReader() = default;
  // Up to `size` bytes of the stream from the reader's position on; 0 at its
  // end. Throws BackendError naming the disk.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
  // Like read, but a run of zeros the source knows of without reading it (a
  // hole) comes back as its length, up to `size`, with `zeros` set and the
  // buffer untouched: a copy then neither fills nor checks those bytes.
  virtual std::size_t read_sparse(char* buffer, std::size_t size, bool& zeros) {
    zeros = false;
    return read(buffer, size);
  }
};

// Where a disk goes on the destination, decided before any byte is copied.
struct DiskPlacement {
  std::string disk_id;
  std::string path;            // the destination spec's disks[].path: a file, "pool/volume", "[ds] dir/web.vmdk"
  std::string format;          // raw | qcow2 | vmdk (a flat extent with its descriptor)
  std::uint64_t capacity = 0;  // bytes the guest sees
  std::string storage;         // the datastore, pool or directory it takes space from (StorageInfo::name)
  // Something is at `path` already. The engine refuses that unless its own
  // journal says an earlier run of this move put it there (then it resumes).
  bool exists = false;
};

// Writes one disk's raw content in order, at the placement's path (no VM
// uses it until the move defines one). commit() makes it whole (flushed, the
// upload closed); a writer destroyed uncommitted keeps what it wrote, so a
// later run resumes, or, when it cannot append, starts the disk again.
class DiskWriter {
public:
  virtual ~DiskWriter() = default;
  // Bytes of this disk an earlier, interrupted copy left in place, which the
  // copy continues after (0: none, or a destination that cannot append).
  virtual std::uint64_t resume_offset() = 0;
  // Appends; a run of zeros may be skipped over (left sparse) by the writer.
  virtual void write(const char* data, std::size_t size) = 0;
  // Makes the written bytes the disk at its path.
  virtual void commit() = 0;
  // Removes whatever was written, committed or not (a failed move).
  virtual void discard() = 0;
};

}  // namespace hvctl
