// Runs hvctl's command line in-process for a test: its exit code, stdout and stderr.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace hvctl::test {

struct Run {
  int code;
  std::string out, err;
};

inline Run run(std::vector<const char*> args, const std::string& stdin_text = "", bool interactive = false) {
  args.insert(args.begin(), "hvctl");
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int code = run_cli(static_cast<int>(args.size()), args.data(), in, out, err, Terminal{interactive, interactive});
  return {code, out.str(), err.str()};
}

}  // namespace hvctl::test
