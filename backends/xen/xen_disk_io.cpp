#include "xen_disk_io.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "hvctl/nbd_image.hpp"
#include "hvctl/error.hpp"
#include "hvctl/zeros.hpp"

namespace hvctl::xen {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::size_t kZeroBlock = 4096;  // the granularity of holes in the written image

class Fd {
public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_;
};

[[noreturn]] void io_fail(const std::string& what, const std::string& doing) {
  throw BackendError(fmt::format("{}: {}: {}", what, doing, std::strerror(errno)));
}


// One disk of the VM as a source, or the reason it cannot be one (`why`).
DiskSource source_of(const DiskSpec& d, std::string& why) {
  DiskSource s{d.id, d.path.value_or(""), d.format.value_or("raw"), 0, 0, true, ""};
  if (!d.path) return why = "hvctl knows no image of it", s;
  const std::string& path = *d.path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return why = fmt::format("its image {} cannot be read in dom0: {}", path, std::strerror(errno)), s;
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
    return why = fmt::format("its image {} is neither a file nor a block device", path), s;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return why = fmt::format("its image {} cannot be read in dom0: {}", path, std::strerror(errno)), s;
  s.capacity = static_cast<std::uint64_t>(st.st_size);
  if (S_ISBLK(st.st_mode) && ::ioctl(fd.get(), BLKGETSIZE64, &s.capacity) != 0)
    return why = fmt::format("cannot read the size of block device {}: {}", path, std::strerror(errno)), s;
  s.size = s.capacity;
  if (s.format == "raw") return s;
  try {  // (opening it checks it: its format, its backing chain)
    const NbdImage image(path, s.format, "in dom0");
    s.capacity = s.size = image.size();
  } catch (const Error& e) {
    return why = e.what(), s;
  }
  s.conversion = nbd_conversion(s.format);
  return s;
}

class FileReader final : public DiskReader {
public:
  FileReader(const std::string& path, std::uint64_t offset, const std::string& what)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), path_(path), what_(what), at_(offset) {
    if (fd_.get() < 0) io_fail(what_, "cannot open " + path_);
    ::posix_fadvise(fd_.get(), static_cast<off_t>(offset), 0, POSIX_FADV_SEQUENTIAL);
  }

  std::size_t read(char* buffer, std::size_t size) override {
    while (true) {
      const ssize_t n = ::pread(fd_.get(), buffer, size, static_cast<off_t>(at_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_fail(what_, fmt::format("cannot read {} at byte {}", path_, at_));
      at_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }
  // A sparse file's holes, found with SEEK_DATA/SEEK_HOLE, come back unread.
  std::size_t read_sparse(char* buffer, std::size_t size, bool& zeros) override {
    zeros = false;
    if (at_ >= hole_end_ && at_ >= data_end_) find_extent();
    if (at_ < hole_end_) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, hole_end_ - at_));
      at_ += n;
      zeros = true;
      return n;
    }
    return read(buffer, static_cast<std::size_t>(std::min<std::uint64_t>(size, data_end_ - at_)));
  }

private:
  // Whether at_ is in a hole (to hole_end_) or in data (to data_end_); a
  // file system that cannot say reads as data to the end.
  void find_extent() {
    const off_t data = ::lseek(fd_.get(), static_cast<off_t>(at_), SEEK_DATA);
    if (data < 0) {
      struct stat st {};
      if (errno == ENXIO && ::fstat(fd_.get(), &st) == 0) hole_end_ = static_cast<std::uint64_t>(st.st_size);
      else data_end_ = UINT64_MAX;
      return;
    }
    if (static_cast<std::uint64_t>(data) > at_) {
      hole_end_ = static_cast<std::uint64_t>(data);
      return;
    }
    const off_t hole = ::lseek(fd_.get(), static_cast<off_t>(at_), SEEK_HOLE);
    data_end_ = hole < 0 ? UINT64_MAX : static_cast<std::uint64_t>(hole);
  }
  Fd fd_;
  const std::string path_, what_;
  std::uint64_t at_;
  std::uint64_t hole_end_ = 0, data_end_ = 0;
};

class FileWriter final : public DiskWriter {
public:
  FileWriter(const std::string& path, std::uint64_t capacity, const std::string& what)
      : path_(path), what_(what), capacity_(capacity) {
    std::error_code ec;
    fs::create_directories(fs::path(path_).parent_path(), ec);
    if (ec) throw BackendError(fmt::format("{}: cannot create {} for {}: {}", what_, fs::path(path_).parent_path().string(),
                                           path_, ec.message()));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) io_fail(what_, "cannot create " + path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) io_fail(what_, "cannot read the size of " + path_);
    held_ = static_cast<std::uint64_t>(st.st_size);
    at_ = std::min(held_, capacity_) / kMiB * kMiB;
    resume_ = at_;
  }
  ~FileWriter() override { close_fd(); }

  std::uint64_t resume_offset() override { return resume_; }

  void write(const char* data, std::size_t size) override {
    if (fd_ < 0) throw BackendError(fmt::format("{}: {} is closed (committed or discarded)", what_, path_));
    if (at_ + size > capacity_)
      throw BackendError(fmt::format("{}: the stream for {} runs past its capacity of {} bytes", what_, path_, capacity_));
    for (std::size_t i = 0; i < size;) {
      const std::size_t from = i;
      while (i < size && !hole_at(data, i, size)) i += block_at(i, size);
      put(data + from, i - from, at_ + from);
      while (i < size && hole_at(data, i, size)) i += block_at(i, size);
    }
    at_ += size;
  }

  void commit() override {
    if (fd_ < 0) throw BackendError(fmt::format("{}: {} is closed (committed or discarded)", what_, path_));
    if (::ftruncate(fd_, static_cast<off_t>(capacity_)) != 0) io_fail(what_, "cannot size " + path_);
    if (::fsync(fd_) != 0) io_fail(what_, "cannot flush " + path_);
    if (::close(std::exchange(fd_, -1)) != 0) io_fail(what_, "cannot close " + path_);
    Fd dir(::open(fs::path(path_).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());  // (the new name, too)
  }

  void discard() override {
    close_fd();
    struct stat st {};
    if (::lstat(path_.c_str(), &st) != 0) return;  // nothing there
    if (!S_ISREG(st.st_mode))
      throw BackendError(fmt::format("{}: will not remove {}: it is not a regular file", what_, path_));
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) io_fail(what_, "cannot remove " + path_);
    std::error_code ec;
    fs::remove(fs::path(path_).parent_path(), ec);  // only when empty
  }

private:
  // Bytes from data[i] to the next block edge of the file (or the end of data).
  std::size_t block_at(std::size_t i, std::size_t size) const {
    return std::min<std::size_t>(size - i, kZeroBlock - (at_ + i) % kZeroBlock);
  }
  // Whether that block may be left a hole: zeros, past what the file held
  // (below, the file has bytes of its own, which must be overwritten).
  bool hole_at(const char* data, std::size_t i, std::size_t size) const {
    return at_ + i >= held_ && all_zero(data + i, block_at(i, size));
  }
  void put(const char* data, std::size_t size, std::uint64_t offset) {
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_fail(what_, fmt::format("cannot write {} at byte {}", path_, offset + done));
      done += static_cast<std::size_t>(n);
    }
  }
  void close_fd() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

  const std::string path_, what_;
  const std::uint64_t capacity_;
  int fd_ = -1;
  std::uint64_t held_ = 0;    // the file's size when opened: bytes that are there, zeros or not
  std::uint64_t at_ = 0;      // where the next byte of the stream goes
  std::uint64_t resume_ = 0;
};

}  // namespace

DiskInventory disk_inventory(const VmSpec& spec) {
  DiskInventory out;
  for (const auto& d : spec.disks) {
    std::string why;
    out.disks.push_back(source_of(d, why));
    if (!why.empty()) out.blockers.push_back(fmt::format("disk '{}': {}", d.id, why));
  }
  return out;
}

std::unique_ptr<DiskReader> open_disk_reader(const std::string& path, std::uint64_t offset, const std::string& what) {
  return std::make_unique<FileReader>(path, offset, what);
}

std::unique_ptr<DiskWriter> open_disk_writer(const std::string& path, std::uint64_t capacity, const std::string& what) {
  return std::make_unique<FileWriter>(path, capacity, what);
}

}  // namespace hvctl::xen
