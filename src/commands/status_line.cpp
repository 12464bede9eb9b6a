#include "status_line.hpp"

#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

namespace hvctl {

std::string status_text(const std::string& verb, const StatusCounts& c, std::chrono::seconds elapsed) {
  std::string text = fmt::format("{}: {}/{} done, {} in flight", verb, c.done, c.total, c.in_flight);
  if (c.failed > 0) text += fmt::format(", {} failed", c.failed);
  const auto s = elapsed.count();
  text += s < 60 ? fmt::format(", {}s", s) : fmt::format(", {}m{:02}s", s / 60, s % 60);
  return text;
}

struct StatusLine::State {
  State(Output& o, std::string v) : out(o), verb(std::move(v)) {}
  Output& out;  // lives until the process exits (run_cli), so past this StatusLine
  const std::string verb;
  const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::mutex mutex;
  std::condition_variable cv;
  StatusCounts counts;
  bool closed = false;

  void draw() {  // with mutex held
    if (closed) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    out.set_status(status_text(verb, counts, elapsed));
  }
};

StatusLine::StatusLine(Output& out, std::string verb, std::size_t total)
    : state_(std::make_shared<State>(out, std::move(verb))) {
  state_->counts.total = total;
  if (!out.shows_status()) {
    state_->closed = true;
    return;
  }
  std::lock_guard lock(state_->mutex);
  state_->draw();
  ticker_ = std::thread([s = state_] {
    std::unique_lock lock(s->mutex);
    while (!s->cv.wait_for(lock, std::chrono::seconds(1), [&] { return s->closed; })) s->draw();
  });
}

StatusLine::~StatusLine() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
  }
  state_->cv.notify_all();
  if (!ticker_.joinable()) return;
  ticker_.join();
  state_->out.set_status("");
}

std::function<void()> StatusLine::on_start() const {
  return [s = state_] {
    std::lock_guard lock(s->mutex);
    ++s->counts.in_flight;
    s->draw();
  };
}

std::function<void(bool)> StatusLine::on_finish() const {
  return [s = state_](bool ok) {
    std::lock_guard lock(s->mutex);
    if (s->counts.in_flight > 0) --s->counts.in_flight;
    ++(ok ? s->counts.done : s->counts.failed);
    s->draw();
  };
}

void StatusLine::attach(ApplyOptions& options) const {
  options.started = [start = on_start()](const std::string&) { start(); };
  options.finished = [finish = on_finish()](const VmResult& r) { finish(r.ok); };
}

}  // namespace hvctl
