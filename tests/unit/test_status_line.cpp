#include <doctest/doctest.h>

#include <sstream>

#include "status_line.hpp"

using namespace hvctl;
using std::chrono::seconds;

TEST_CASE("status text: done/total, in flight, failed when any, elapsed") {
  CHECK(status_text("apply", {10, 3, 2, 0}, seconds(12)) == "apply: 3/10 done, 2 in flight, 12s");
  CHECK(status_text("apply", {10, 3, 2, 1}, seconds(12)) == "apply: 3/10 done, 2 in flight, 1 failed, 12s");
  CHECK(status_text("destroy", {4, 0, 0, 0}, seconds(0)) == "destroy: 0/4 done, 0 in flight, 0s");
  CHECK(status_text("delete", {4, 4, 0, 0}, seconds(125)) == "delete: 4/4 done, 0 in flight, 2m05s");
}

TEST_CASE("the status line counts what the workers report, and its callbacks outlive it") {
  std::ostringstream out, err;
  Output tty(out, err, Format::table, 0, true);
  std::function<void()> start;
  std::function<void(bool)> finish;
  {
    const StatusLine line(tty, "apply", 3);
    start = line.on_start();
    finish = line.on_finish();
    start();
    start();
    finish(true);
    finish(false);
    const std::string drawn = err.str();
    CHECK(drawn.find("apply: 0/3 done, 0 in flight, ") != std::string::npos);  // then the elapsed time
    CHECK(drawn.find("apply: 0/3 done, 2 in flight, ") != std::string::npos);  // then the elapsed time
    CHECK(drawn.find("apply: 1/3 done, 1 in flight, ") != std::string::npos);  // then the elapsed time
    CHECK(drawn.find("apply: 1/3 done, 0 in flight, 1 failed, ") != std::string::npos);
  }
  const auto size = err.str().size();
  CHECK(err.str().substr(size - 4) == "\r\033[K");  // removed
  start();  // a worker abandoned by a second Ctrl-C, reporting late: nothing is drawn
  finish(true);
  CHECK(err.str().size() == size);
}

TEST_CASE("off a terminal the status line draws nothing") {
  std::ostringstream out, err;
  Output pipe(out, err, Format::table, 0, false);
  {
    const StatusLine line(pipe, "apply", 2);
    line.on_start()();
    line.on_finish()(true);
  }
  CHECK(err.str().empty());
}
