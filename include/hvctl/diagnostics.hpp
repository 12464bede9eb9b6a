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
  // How far a long step has got (a disk copy): `task` names it ("target 'x':
  // VM 'web': copying disk 'root'"), `percent` is 0..100, and 100 ends it.
  // On a terminal the live status line shows it; elsewhere it becomes a -v
  // line at each tenth. A sink that shows no progress ignores it.
  virtual void progress(const std::string& task, unsigned percent) { (void)task, (void)percent; }
};

// One long step's progress, ended (100%) when it goes out of scope, so a
// step that fails leaves no task on the status line.
class ProgressTask {
public:
  ProgressTask(Diagnostics& sink, std::string task) : sink_(sink), task_(std::move(task)) { sink_.progress(task_, 0); }
  ~ProgressTask() { sink_.progress(task_, 100); }
  ProgressTask(const ProgressTask&) = delete;
  ProgressTask& operator=(const ProgressTask&) = delete;
  void update(unsigned percent) { sink_.progress(task_, percent < 100 ? percent : 99); }
  // `done` of `total` (bytes, say); a total of 0 counts as nothing done.
  void update(unsigned long long done, unsigned long long total) {
    update(total ? static_cast<unsigned>(done * 100 / total) : 0u);
  }

private:
  Diagnostics& sink_;
  std::string task_;
};

// The sink that drops everything: offline uses (validate, tests).
Diagnostics& no_diagnostics();

}  // namespace hvctl
