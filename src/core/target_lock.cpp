#include "hvctl/target_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

// Targets whose state lives inside the hvctl process: nothing to serialise.
bool has_shared_state(const Target& t) { return t.uri.rfind("test:///", 0) != 0; }

// "https://vc/sdk" -> "https___vc_sdk-<hash>.lock": readable, and distinct per URI.
std::string lock_file_name(const std::string& uri) {
  std::string readable;
  for (char c : uri.substr(0, 64)) readable += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : uri) hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{}-{:016x}.lock", readable, hash);
}

std::string read_holder(int fd) {
  char buf[256] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text.empty() ? "another hvctl" : text;
}

void record_holder(int fd, const std::string& what) {
  char when[32] = "";
  const std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&now));
  const std::string text = fmt::format("hvctl {}, pid {}, since {}\n", what, getpid(), when);
  if (ftruncate(fd, 0) == 0 && pwrite(fd, text.data(), text.size(), 0) < 0) {
    // Only informs waiters; the lock itself holds regardless.
  }
}

TargetLock lock_one(const std::string& dir, const Target& t, const LockOptions& o) {
  const std::string path = dir + "/" + lock_file_name(t.uri);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw Error(ExitCode::internal, fmt::format("cannot open lock file {}: {}", path, std::strerror(errno)));
  const auto deadline = std::chrono::steady_clock::now() + o.timeout;
  bool told = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int e = errno;
      ::close(fd);
      throw Error(ExitCode::internal, fmt::format("cannot lock {}: {}", path, std::strerror(e)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string holder = read_holder(fd);
      ::close(fd);
      throw TimeoutError(fmt::format("target '{}' is busy: {} holds its lock (waited {}s; lock file {})", t.name,
                                     holder, o.timeout.count() / 1000, path));
    }
    if (!told && o.waiting) {
      o.waiting(fmt::format("target '{}' is busy ({}); waiting up to {}s", t.name, read_holder(fd),
                            o.timeout.count() / 1000));
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  record_holder(fd, o.what);
  return TargetLock(fd, t.name);
}

}  // namespace

TargetLock::~TargetLock() {
  if (fd_ < 0) return;
  if (ftruncate(fd_, 0) != 0) {  // no holder to name any more; the lock goes with the fd either way
  }
  ::close(fd_);
}

std::string lock_directory() {
  std::string dir;
  if (const char* d = std::getenv("HVCTL_LOCK_DIR"); d && *d)
    dir = d;
  else if (const char* r = std::getenv("XDG_RUNTIME_DIR"); r && *r)
    dir = std::string(r) + "/hvctl";
  else
    dir = fmt::format("/tmp/hvctl-{}", geteuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error(ExitCode::internal, fmt::format("cannot create lock directory {}: {}", dir, std::strerror(errno)));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw InputError(fmt::format("lock directory {} is not a directory: remove it, or set HVCTL_LOCK_DIR", dir));
  if (st.st_uid != geteuid() || (st.st_mode & 022) != 0)
    throw InputError(fmt::format("lock directory {} belongs to another user or is writable by others: "
                            "remove it, or set HVCTL_LOCK_DIR",
                            dir));
  return dir;
}

std::vector<TargetLock> lock_targets(const std::vector<Target>& targets, const LockOptions& options) {
  std::vector<const Target*> order;
  for (const auto& t : targets)
    if (has_shared_state(t) && std::none_of(order.begin(), order.end(), [&](auto* o) { return o->uri == t.uri; }))
      order.push_back(&t);
  std::vector<TargetLock> locks;
  if (order.empty()) return locks;
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->uri < b->uri; });
  const std::string dir = lock_directory();
  for (const auto* t : order) locks.push_back(lock_one(dir, *t, options));
  return locks;
}

}  // namespace hvctl
