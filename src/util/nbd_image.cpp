#include "hvctl/nbd_image.hpp"

#include <dlfcn.h>
#include <libnbd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

// The libnbd functions a read needs, by name from libnbd.so.0, typed by its header.
struct Nbd {
  decltype(&nbd_create) create = nullptr;
  decltype(&nbd_close) close = nullptr;
  decltype(&nbd_get_error) get_error = nullptr;
  decltype(&nbd_connect_systemd_socket_activation) connect = nullptr;
  decltype(&nbd_get_size) get_size = nullptr;
  decltype(&nbd_pread) pread = nullptr;
  decltype(&nbd_shutdown) shutdown = nullptr;
};

const Nbd& nbd() {
  static Nbd n;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libnbd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      failure = fmt::format("cannot load libnbd, which reads disk images through qemu-nbd ({}); install libnbd0",
                            dlerror());
      return;
    }
    auto sym = [&](auto& fn, const char* name) { fn = reinterpret_cast<std::decay_t<decltype(fn)>>(dlsym(lib, name)); };
    sym(n.create, "nbd_create");
    sym(n.close, "nbd_close");
    sym(n.get_error, "nbd_get_error");
    sym(n.connect, "nbd_connect_systemd_socket_activation");
    sym(n.get_size, "nbd_get_size");
    sym(n.pread, "nbd_pread");
    sym(n.shutdown, "nbd_shutdown");
    if (!n.create || !n.close || !n.get_error || !n.connect || !n.get_size || !n.pread || !n.shutdown)
      failure = "libnbd.so.0 lacks the functions hvctl reads images with (libnbd 1.2 or later is needed)";
  });
  if (!failure.empty()) throw InputError(failure);
  return n;
}

// qemu's name of a spec format.
std::string qemu_format(const std::string& format) { return format == "vhd" ? "vpc" : format; }

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && ::access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

// What qemu-nbd said on its stderr (its file), trimmed, without its "qemu-nbd: " prefix.
std::string said(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  s.erase(0, std::min(s.size(), s.find_first_not_of(" \n\t")));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.rfind("qemu-nbd: ", 0) == 0) s.erase(0, 10);
  if (s.rfind("Failed to blk_new_open '", 0) == 0)  // (the path, which the message names already)
    if (const auto end = s.find("': "); end != std::string::npos) s.erase(0, end + 3);
  return s;
}

}  // namespace

struct NbdImage::Impl {
  nbd_handle* handle = nullptr;
  std::uint64_t size = 0;
  std::string path, what, log;
  ~Impl() {
    if (handle) {
      nbd().shutdown(handle, 0);
      nbd().close(handle);  // (ends qemu-nbd)
    }
    if (!log.empty()) ::unlink(log.c_str());
  }
  [[noreturn]] void fail(const std::string& doing) const {
    std::string why = nbd().get_error() ? nbd().get_error() : "unknown error";
    if (const std::string server = log.empty() ? "" : said(log); !server.empty()) why = server;
    throw BackendError(fmt::format("{}: {} {}: {}", what, doing, path, why));
  }
};

NbdImage::NbdImage(const std::string& path, const std::string& format, const std::string& what)
    : impl_(std::make_unique<Impl>()) {
  const Nbd& n = nbd();
  if (!on_path("qemu-nbd"))
    throw InputError(fmt::format("{}: reading the {} image {} needs qemu-nbd, which is not on PATH; install qemu-utils",
                                 what, format, path));
  impl_->path = path;
  impl_->what = what;
  std::string log = (std::filesystem::temp_directory_path() / "hvctl-qemu-nbd-XXXXXX").string();
  const int fd = ::mkstemp(log.data());
  if (fd >= 0) {
    ::close(fd);
    impl_->log = log;
  }
  impl_->handle = n.create();
  if (!impl_->handle) impl_->fail("cannot open");
  // sh keeps qemu-nbd's process id (exec), which socket activation checks,
  // and puts its stderr where its message can be read back.
  const std::string fmt_name = qemu_format(format);
  const std::string sink = impl_->log.empty() ? "/dev/null" : impl_->log;
  std::vector<std::string> args = {"/bin/sh", "-c", R"(exec qemu-nbd --read-only --format="$1" -- "$2" 2>"$3")",
                                   "qemu-nbd", fmt_name, path, sink};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (n.connect(impl_->handle, argv.data()) != 0) impl_->fail(fmt::format("qemu-nbd cannot open the {} image", format));
  const std::int64_t bytes = n.get_size(impl_->handle);
  if (bytes < 0) impl_->fail("cannot read the size of");
  impl_->size = static_cast<std::uint64_t>(bytes);
}

NbdImage::~NbdImage() = default;

std::uint64_t NbdImage::size() const { return impl_->size; }

std::size_t NbdImage::pread(char* buffer, std::size_t size, std::uint64_t offset) {
  if (offset >= impl_->size) return 0;
  size = static_cast<std::size_t>(std::min<std::uint64_t>(size, impl_->size - offset));
  constexpr std::size_t kMaxRequest = 32u << 20;  // (qemu-nbd's largest request)
  for (std::size_t done = 0; done < size;) {
    const std::size_t n = std::min(kMaxRequest, size - done);
    if (nbd().pread(impl_->handle, buffer + done, n, offset + done, 0) != 0)
      impl_->fail(fmt::format("cannot read byte {} of", offset + done));
    done += n;
  }
  return size;
}

namespace {

class NbdReader final : public DiskReader {
public:
  NbdReader(const std::string& path, const std::string& format, std::uint64_t offset, const std::string& what)
      : image_(path, format, what), at_(offset) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = image_.pread(buffer, size, at_);
    at_ += n;
    return n;
  }

private:
  NbdImage image_;
  std::uint64_t at_;
};

}  // namespace

std::unique_ptr<DiskReader> open_nbd_reader(const std::string& path, const std::string& format, std::uint64_t offset,
                                            const std::string& what) {
  return std::make_unique<NbdReader>(path, format, offset, what);
}

std::string nbd_conversion(const std::string& format) {
  return fmt::format("{} image read as raw content through qemu-nbd (QEMU's own {} driver; a backing chain is read "
                     "through) in the stream, no scratch copy",
                     format, format);
}

}  // namespace hvctl
