// Where everything below the commands reports what it did: the one sink a
// backend gets from make_backend, and the engine and session use. The
// command's Output is the sink on a real run, so every line to stderr passes
// one writer (which also keeps a live status line out of their way); -v and
// -vv choose what reaches it. Thread-safe: backends log from worker threads.
#pragma once

#include <string>

namespace hvctl {

enum class LogLevel {
  warning = 0,  // always shown (TLS verification is off...)
  verbose = 1,  // -v: config file, target resolution, each backend call with its duration
  protocol = 2, // -vv: the wire (SOAP calls, libvirt XML, libxl's own log)
};

class Diagnostics {
public:
  virtual ~Diagnostics() = default;
  // Whether a line at `level` would be shown (so callers skip formatting it).
  virtual bool shows(LogLevel level) const = 0;
  // One line (no newline) at `level`; dropped when not shown.
  virtual void log(LogLevel level, const std::string& line) = 0;
  // A warning shown once per run for each `key` (a target's name and topic),
  // however many backends or threads report it.
  virtual void warn_once(const std::string& key, const std::string& line) = 0;
};

// The sink that drops everything: offline uses (validate, tests).
Diagnostics& no_diagnostics();

}  // namespace hvctl
