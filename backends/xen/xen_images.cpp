#include "xen_images.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "hvctl/disk_image.hpp"
#include "hvctl/first_boot.hpp"
#include "hvctl/error.hpp"
#include "hvctl/units.hpp"
#include "xen_config.hpp"

namespace hvctl::xen {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1 << 20;

class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

[[noreturn]] void io_fail(const std::string& what, const std::string& doing) {
  throw BackendError(fmt::format("{}: {}: {}", what, doing, std::strerror(errno)));
}

constexpr std::size_t kChunk = 64 << 20;  // progress is told between chunks

// copy_file_range of each data extent of `in` (holes stay holes in `out`),
// telling `progress` how far through `in` it is.
void copy_extents(int in, int out, off_t length, const std::string& what, ProgressTask& progress) {
  off_t at = 0;
  while (at < length) {
    progress.update(static_cast<unsigned long long>(at), static_cast<unsigned long long>(length));
    off_t data = ::lseek(in, at, SEEK_DATA);
    if (data < 0 && errno == ENXIO) break;  // only a hole is left
    if (data < 0) io_fail(what, "cannot find the base image's data");
    off_t hole = ::lseek(in, data, SEEK_HOLE);
    if (hole < 0) hole = length;
    for (off_t from = data, to = data; from < hole;) {
      const auto want = std::min(static_cast<std::size_t>(hole - from), kChunk);
      const ssize_t n = ::copy_file_range(in, &from, out, &to, want, 0);
      if (n < 0) io_fail(what, "cannot copy the base image");
      if (n == 0) break;
      progress.update(static_cast<unsigned long long>(from), static_cast<unsigned long long>(length));
    }
    at = hole;
  }
}

}  // namespace

std::string image_path(const std::string& state_dir, const std::string& vm, const std::string& disk) {
  return fmt::format("{}/disks/{}/{}.img", state_dir, vm, disk);
}

VmSpec with_disk_images(const VmRecord& record) {
  VmSpec spec = record.spec;
  for (auto& d : spec.disks)
    if (auto it = record.images.find(d.id); it != record.images.end() && !d.path) {
      d.path = it->second;
      d.from.reset();
    }
  return spec;
}

VmSpec with_images(const VmRecord& record) {
  VmSpec spec = with_disk_images(record);
  if (record.seed && !spec.init.empty()) spec.cdroms.push_back({kSeedDrive, *record.seed, std::nullopt});
  return spec;
}

VmSpec domain_spec(const VmRecord& record, const std::string& pvgrub_dir) {
  return with_boot_loader(with_images(record), pvgrub_dir);
}

std::string seed_path(const std::string& state_dir, const std::string& vm) {
  return fmt::format("{}/seeds/{}.iso", state_dir, vm);
}

void make_seed(VmRecord& record, const std::string& state_dir, const std::string& who) {
  const std::string path = seed_path(state_dir, record.spec.name);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) throw BackendError(fmt::format("{}: cannot create {}: {}", who, fs::path(path).parent_path().string(), ec.message()));
  fs::remove(path, ec);  // hvctl's own, from an earlier init
  try {
    write_seed_iso(path, nocloud_files(record.spec));
  } catch (const std::exception& e) {
    throw BackendError(fmt::format("{}: cannot build the NoCloud seed: {}", who, e.what()));
  }
  record.seed = path;
}

std::optional<BaseFault> base_fault(const std::string& base, std::uint64_t size_mib, ImageInfo& info) {
  try {
    info = probe_image(base);
  } catch (const InputError& e) {
    return BaseFault{"from", e.what()};
  }
  if (info.format != "raw")
    return BaseFault{"from", fmt::format("base image {} is {}; Xen disks made here are raw copies attached through "
                                         "blkback (a {} base needs qdisk): convert it to raw", base, info.format, info.format)};
  const std::uint64_t image_mib = (info.virtual_bytes + kMiB - 1) / kMiB;
  if (size_mib && size_mib < image_mib)
    return BaseFault{"size", fmt::format("size {} is below base image {}'s {}; a disk never shrinks", format_size_mib(size_mib),
                                         base, format_size_mib(image_mib))};
  return std::nullopt;
}

std::vector<Problem> base_problems(const VmSpec& spec, const VmSpec& made) {
  std::vector<Problem> out;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& d = spec.disks[i];
    const bool exists = std::any_of(made.disks.begin(), made.disks.end(), [&](const DiskSpec& m) { return m.id == d.id; });
    if (!d.from || d.path || exists) continue;
    ImageInfo info;
    if (auto fault = base_fault(*d.from, d.size_mib.value_or(0), info))
      out.push_back({spec.mark_of(fmt::format("disks[{}].{}", i, fault->field)),
                     fmt::format("VM '{}': disk '{}': {}", spec.name, d.id, fault->message)});
  }
  return out;
}

std::uint64_t copy_image(const std::string& base, const std::string& path, std::uint64_t size_mib, const std::string& what,
                         ProgressTask& progress) {
  ImageInfo info;
  if (auto fault = base_fault(base, size_mib, info)) throw InputError(fmt::format("{}: {}", what, fault->message));
  const std::uint64_t image_mib = (info.virtual_bytes + kMiB - 1) / kMiB;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) throw BackendError(fmt::format("{}: cannot create {}: {}", what, fs::path(path).parent_path().string(), ec.message()));
  Fd in(::open(base.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) io_fail(what, "cannot open base image " + base);
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) io_fail(what, "cannot create " + path + " (hvctl never replaces an existing file)");
  try {
    if (::ioctl(out.get(), FICLONE, in.get()) != 0)
      copy_extents(in.get(), out.get(), static_cast<off_t>(info.virtual_bytes), what, progress);
    const std::uint64_t mib = std::max(size_mib, image_mib);
    if (::ftruncate(out.get(), static_cast<off_t>(mib * kMiB)) != 0) io_fail(what, "cannot size " + path);
    return mib;
  } catch (...) {
    ::unlink(path.c_str());
    throw;
  }
}

void grow_image(const std::string& path, std::uint64_t size_mib, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) io_fail(what, "cannot read " + path);
  if (static_cast<std::uint64_t>(st.st_size) >= size_mib * kMiB) return;
  if (::truncate(path.c_str(), static_cast<off_t>(size_mib * kMiB)) != 0) io_fail(what, "cannot grow " + path);
}

}  // namespace hvctl::xen

namespace hvctl::xen {

std::vector<std::string> make_images(VmRecord& record, const std::string& state_dir, const std::string& who,
                                     Diagnostics& diagnostics) {
  std::vector<std::string> made;
  try {
    for (auto& d : record.spec.disks) {
      if (!d.from || d.path || record.images.count(d.id)) continue;
      const std::string path = image_path(state_dir, record.spec.name, d.id);
      const std::string what = fmt::format("{}: cannot make disk '{}' from base image {}", who, d.id, *d.from);
      ProgressTask progress(diagnostics, fmt::format("{}: copying disk '{}'", who, d.id));
      d.size_mib = copy_image(*d.from, path, d.size_mib.value_or(0), what, progress);
      made.push_back(path);
      record.images[d.id] = path;
    }
  } catch (...) {
    remove_images(made);
    throw;
  }
  return made;
}

void adopt_placed_images(VmRecord& record, const std::string& state_dir) {
  for (const auto& d : record.spec.disks)
    if (d.path && *d.path == image_path(state_dir, record.spec.name, d.id)) record.images[d.id] = *d.path;
}

void grow_images(const VmRecord& record, const VmSpec& before, const std::string& who) {
  for (const auto& d : record.spec.disks) {
    const auto image = record.images.find(d.id);
    if (image == record.images.end() || !d.size_mib) continue;
    for (const auto& old : before.disks)
      if (old.id == d.id && old.size_mib && *d.size_mib > *old.size_mib)
        grow_image(image->second, *d.size_mib, fmt::format("{}: cannot grow disk '{}'", who, d.id));
  }
}

std::vector<std::string> forget_pruned_images(VmRecord& record) {
  std::vector<std::string> gone;
  std::erase_if(record.images, [&](const auto& image) {
    for (const auto& d : record.spec.disks)
      if (d.id == image.first) return false;
    gone.push_back(image.second);
    return true;
  });
  return gone;
}

void remove_images(const std::vector<std::string>& paths) {
  std::error_code ec;
  for (const auto& path : paths) {
    fs::remove(path, ec);
    fs::remove(fs::path(path).parent_path(), ec);  // only when empty
  }
}

}  // namespace hvctl::xen
