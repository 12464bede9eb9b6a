#include "file_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl::formats {

namespace {

void write_all(int fd, const std::string& content, const std::string& path) {
  for (std::size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

// A device, a FIFO or a socket (-O /dev/null, /dev/stdout, a pipe): written
// into as it is; renaming a file over it would replace the device.
void write_into(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& requested, const std::string& content) {
  namespace fs = std::filesystem;
  struct stat st {};
  if (::stat(requested.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw InputError(fmt::format("{}: is a directory", requested));
    return write_into(requested, content);
  }
  // A symbolic link keeps pointing where it did: the file it names is replaced.
  std::error_code ec;
  std::string path = requested;
  if (fs::is_symlink(requested, ec))
    if (const fs::path real = fs::weakly_canonical(requested, ec); !ec) path = real.string();
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".hvctl-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  auto fail = [&](const char* doing) {
    const int err = errno;
    if (fd >= 0) { ::close(fd); ::unlink(name.data()); }
    throw InputError(fmt::format("{}: cannot {}: {}", path, doing, std::strerror(err)));
  };
  if (fd < 0) fail("create a temporary file beside it");
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) fail("set permissions");
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    ::unlink(name.data());
    throw;
  }
  if (::fsync(fd) != 0) fail("sync");
  if (::close(fd) != 0) { const int err = errno; ::unlink(name.data()); errno = err; throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(err))); }
  if (::rename(name.data(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(name.data());
    throw InputError(fmt::format("{}: cannot replace: {}", path, std::strerror(err)));
  }
}

}  // namespace hvctl::formats
