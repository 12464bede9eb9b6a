// A disk image in one of QEMU's formats (qcow2, vhd, vmdk), read as the raw
// content its guest sees, for `hvctl move`: qemu-nbd (Debian's qemu-utils)
// opens the image read-only with QEMU's own format driver and serves it on
// a socket of its own (systemd socket activation); libnbd reads it at any
// offset. A backing chain is read through, so a linked clone arrives whole.
// No scratch copy is made. libnbd is loaded on first use (dlopen), so hvctl
// starts without it (tests/e2e/startup_libraries.sh).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hvctl/disk_transfer.hpp"

namespace hvctl {

// An image open through qemu-nbd, for as long as the object lives.
class NbdImage {
public:
  // `format` is the spec's: qcow2 | vhd | vmdk. Throws BackendError starting
  // with `what` and naming the file, with qemu-nbd's own message (not an
  // image of that format, a missing backing file), or InputError when libnbd
  // or qemu-nbd is not installed.
  NbdImage(const std::string& path, const std::string& format, const std::string& what);
  ~NbdImage();
  NbdImage(const NbdImage&) = delete;
  NbdImage& operator=(const NbdImage&) = delete;

  std::uint64_t size() const;  // bytes the guest sees
  // Reads `size` bytes at `offset` (a short read only at the end).
  std::size_t pread(char* buffer, std::size_t size, std::uint64_t offset);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The image's raw content from byte `offset` on, as a DiskReader.
std::unique_ptr<DiskReader> open_nbd_reader(const std::string& path, const std::string& format, std::uint64_t offset,
                                            const std::string& what);

// How a disk of `format` travels when read this way, for the move's plan.
std::string nbd_conversion(const std::string& format);

}  // namespace hvctl
