#include "xen_guest.hpp"

#include "hvctl/first_boot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

extern "C" {
#include <xenstore.h>
}

namespace hvctl::xen {
namespace {

class PtyConsole final : public ConsoleStream {
public:
  PtyConsole(int fd, std::string who) : fd_(fd), who_(std::move(who)) {}
  ~PtyConsole() override { ::close(fd_); }
  PtyConsole(const PtyConsole&) = delete;
  PtyConsole& operator=(const PtyConsole&) = delete;

  long read(char* buffer, std::size_t size, int timeout_ms) override {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) return 0;
    if (ready <= 0) return ready == 0 ? 0 : fail("read");
    const ssize_t n = ::read(fd_, buffer, size);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    return -1;  // EIO or end of file: xenconsoled let go of it, the domain is gone
  }

  void write(const char* data, std::size_t size) override {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 100);
        continue;
      }
      if (n < 0) fail("write");
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

private:
  long fail(const char* what) const {
    throw BackendError(fmt::format("{}: cannot {} its console: {}", who_, what, std::strerror(errno)));
  }
  int fd_;
  std::string who_;
};

}  // namespace

std::unique_ptr<ConsoleStream> open_guest_console(const Libxl& xl, std::uint32_t domid, const std::string& who) {
  char* path = nullptr;
  if (const int rc = libxl_primary_console_get_tty(xl.get(), domid, &path); rc || !path)
    Libxl::fail(fmt::format("{}: no console (is xenconsoled running?)", who), rc ? rc : ERROR_FAIL);
  const std::string tty = path;
  std::free(path);
  const int fd = ::open(tty.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw BackendError(fmt::format("{}: cannot open its console {}: {}", who, tty, std::strerror(errno)));
  termios t{};
  if (::tcgetattr(fd, &t) == 0) {  // as xenconsole does: no echo, no line editing
    ::cfmakeraw(&t);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  return std::make_unique<PtyConsole>(fd, who);
}

ReadinessProbe::~ReadinessProbe() {
  if (xs_) xs_close(xs_);
}

std::optional<std::string> ReadinessProbe::xs_read(const std::string& path, const std::string& who) {
  if (!xs_ && !(xs_ = xs_open(0)))
    throw BackendError(fmt::format("{}: cannot open xenstore: {}", who, std::strerror(errno)));
  unsigned int length = 0;
  char* value = static_cast<char*>(::xs_read(xs_, XBT_NULL, path.c_str(), &length));
  if (!value) return std::nullopt;
  std::string out(value, length);
  std::free(value);
  return out;
}

void ReadinessProbe::fill_runtime(const DomainInfo& dom, VmRuntime& runtime, const std::string& who) {
  std::lock_guard lock(mutex_);
  if (auto started = xs_read("/vm/" + dom.uuid + "/start_time", who)) {
    try {
      runtime.booted_at = static_cast<std::int64_t>(std::stod(*started));
    } catch (const std::exception&) {
    }
  }
  const std::string home = fmt::format("/local/domain/{}/attr/vif/", dom.domid);
  for (int vif = 0; vif < 8; ++vif)
    if (auto ip = xs_read(fmt::format("{}{}/ipv4/0", home, vif), who); ip && !ip->empty()) runtime.ips.push_back(*ip);
}

void ReadinessProbe::xs_write(const std::string& path, const std::string& value, const std::string& who) {
  if (!::xs_write(xs_, XBT_NULL, path.c_str(), value.data(), static_cast<unsigned>(value.size())))
    throw BackendError(fmt::format("{}: cannot write {} in xenstore: {}", who, path, std::strerror(errno)));
}

bool ReadinessProbe::console_shows(const Libxl& xl, const DomainInfo& dom, const std::string& label,
                                   const Match& match, const std::string& who) {
  const std::string seen_key = fmt::format("/local/domain/{}/hvctl/console-ready", dom.domid);
  if (xs_read(seen_key, who) == label) return true;
  Watch& w = watches_[dom.name];
  if (!w.console || w.domid != dom.domid) w = {dom.domid, open_guest_console(xl, dom.domid, who), ""};
  constexpr std::size_t kKeep = 8192;  // longer than any line a match looks for
  char buffer[4096];
  for (long n; (n = w.console->read(buffer, sizeof buffer, 0)) > 0;) {
    w.tail.append(buffer, static_cast<std::size_t>(n));
    if (match(w.tail)) {
      xs_write(seen_key, label, who);
      watches_.erase(dom.name);
      return true;
    }
    if (w.tail.size() > 2 * kKeep) w.tail.erase(0, w.tail.size() - kKeep);
  }
  return false;
}

Readiness ReadinessProbe::check(const Libxl& xl, const DomainInfo& dom, const ReadySpec& ready, bool first_boot,
                                const std::string& who) {
  std::lock_guard lock(mutex_);
  std::string detail = "running";
  if (ready.xenstore) {
    const std::string key = fmt::format("/local/domain/{}/{}", dom.domid, *ready.xenstore);
    const auto value = xs_read(key, who);
    if (!value || value->empty()) return {false, fmt::format("running; the guest has not written {} yet", *ready.xenstore)};
    detail += fmt::format(", {}={}", *ready.xenstore, *value);
  }
  if (ready.console) {
    const std::string& text = *ready.console;
    if (!console_shows(xl, dom, text, [&](std::string_view seen) { return seen.find(text) != seen.npos; }, who))
      return {false, fmt::format("running; its console has not shown '{}' yet", text)};
    detail += fmt::format(", console showed '{}'", text);
  }
  if (first_boot) {
    if (!console_shows(xl, dom, "cloud-init finished", &shows_cloud_init_finished, who))
      return {false, fmt::format("running; its console has not shown {} yet", kCloudInitFinished)};
    detail += fmt::format(", console showed {}", kCloudInitFinished);
  }
  return {true, detail};
}

}  // namespace hvctl::xen
