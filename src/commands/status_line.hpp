// The one live status line of a long run on a terminal (apply, delete,
// destroy): "apply: 3/10 done, 2 in flight, 1 failed, 12s", redrawn in place
// at the bottom of stderr while progress lines scroll above it, and removed
// when the run ends. Off a terminal (or with -q) it draws nothing and starts
// no thread: pipes get the plain progress lines only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "hvctl/engine.hpp"
#include "hvctl/output.hpp"

namespace hvctl {

// What the line says, as a pure function (tested without a terminal).
struct StatusCounts {
  std::size_t total = 0, done = 0, in_flight = 0, failed = 0;
};
std::string status_text(const std::string& verb, const StatusCounts& counts, std::chrono::seconds elapsed);

class StatusLine {
public:
  // Draws at once, then every second (elapsed time) and at each change.
  StatusLine(Output& out, std::string verb, std::size_t total);
  ~StatusLine();  // joins its ticker and removes the line; later events draw nothing
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  // Callbacks for the workers: one VM's work began; it ended, done (ok) or
  // failed. They share the counts, so a worker still running after a second
  // Ctrl-C may call them when this object is gone.
  std::function<void()> on_start() const;
  std::function<void(bool ok)> on_finish() const;
  // Sets an apply's started/finished to the two above.
  void attach(ApplyOptions& options) const;

private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread ticker_;
};

}  // namespace hvctl
