// Relaying bytes between a terminal (or pipes) and a VM's console stream.
#pragma once

#include <chrono>
#include <optional>

#include "hvctl/backend.hpp"

namespace hvctl {

struct RelayOptions {
  int in_fd = 0;
  int out_fd = 1;
  char escape = 0x1d;                          // Ctrl-]: detach (only read from a terminal)
  std::optional<std::chrono::seconds> timeout;  // detach after this long
};

enum class RelayEnd { detached, closed, timed_out };

// Copies guest output to out_fd and input from in_fd to the guest until the
// user types the escape character, the console closes, or the timeout ends.
// A terminal on in_fd is put into raw mode for the duration. When in_fd
// reaches end of file, input stops and output goes on.
RelayEnd relay_console(ConsoleStream& stream, const RelayOptions& options);

}  // namespace hvctl
