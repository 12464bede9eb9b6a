#include "console_relay.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace hvctl {
namespace {

// Raw mode on a terminal for as long as it lives.
class RawTerminal {
public:
  explicit RawTerminal(int fd) : fd_(fd) {
    if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ExitCode::internal, fmt::format("cannot write console output: {}", std::strerror(errno)));
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Reads whatever input is waiting; false once the input has ended or the
// escape character came (then `escaped` is set).
bool forward_input(ConsoleStream& stream, const RelayOptions& o, bool terminal, bool& escaped) {
  pollfd p{o.in_fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return true;
  char buffer[1024];
  const ssize_t n = ::read(o.in_fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  std::size_t size = static_cast<std::size_t>(n);
  if (terminal)
    if (const void* esc = std::memchr(buffer, o.escape, size)) {
      size = static_cast<std::size_t>(static_cast<const char*>(esc) - buffer);
      escaped = true;
    }
  if (size > 0) stream.write(buffer, size);
  return !escaped;
}

}  // namespace

RelayEnd relay_console(ConsoleStream& stream, const RelayOptions& o) {
  const RawTerminal terminal(o.in_fd);
  const auto deadline = o.timeout ? std::chrono::steady_clock::now() + *o.timeout
                                  : std::chrono::steady_clock::time_point::max();
  bool input_open = true, escaped = false;
  char buffer[4096];
  for (;;) {
    const long n = stream.read(buffer, sizeof buffer, 50);
    if (n < 0) return RelayEnd::closed;
    if (n > 0) write_all(o.out_fd, buffer, static_cast<std::size_t>(n));
    if (input_open) input_open = forward_input(stream, o, terminal.active(), escaped);
    if (escaped) return RelayEnd::detached;
    if (std::chrono::steady_clock::now() >= deadline) return RelayEnd::timed_out;
  }
}

}  // namespace hvctl
