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

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
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
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) fail("set permissions");
  for (std::size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write");
    done += static_cast<std::size_t>(n);
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
