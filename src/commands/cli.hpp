// Builds the command line from the command table and runs one invocation.
#pragma once

#include <iosfwd>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "command_table.hpp"

namespace hvctl {

struct Cli {
  std::unique_ptr<CLI::App> app;
  GlobalOptions globals;
  std::vector<RunFn> runs;  // one per command_table() entry
};

// The whole CLI11 tree; also the source for completions and man pages.
std::unique_ptr<Cli> build_cli();

// Which of the standard streams are terminals.
struct Terminal {
  bool in = false;   // stdin
  bool err = false;  // stderr: live status lines
  bool interactive() const { return in && err; }  // a question can be asked (destroy's confirmation)
};

// Parses argv, runs the command, prints errors once, returns the exit code.
int run_cli(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err,
            Terminal terminal, Session::Factory factory = make_backend);

// The hidden `hvctl __complete WORD...` entry point (see completion.hpp).
int run_complete(const std::vector<std::string>& words, std::ostream& out);

// The exit-code table shown in --help and README.
const char* exit_code_help();

}  // namespace hvctl
