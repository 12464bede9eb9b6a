// The command table: every hvctl command, what it does, whether it changes
// anything and whether it can dry-run, and the function that sets it up.
// Help, man pages and shell completions are generated from this table.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "hvctl/output.hpp"

namespace hvctl {

// Set by a command's setup function; called with the context after parsing.
using RunFn = std::function<int(Context&)>;

struct CommandEntry {
  const char* name;                  // "apply"
  const char* summary;               // one line for help listings
  const char* examples;              // shown in `hvctl help NAME` and the man page
  bool mutates;                      // changes state on a target
  bool dry_run;                      // supports --dry-run
  std::vector<std::string> aliases;  // "ls" for "list"
  Format default_format;             // when -o is not given
  void (*setup)(CLI::App& app, RunFn& run);
};

const std::vector<CommandEntry>& command_table();

// One setup function per command, each in its own cmd_<name>.cpp.
void setup_validate(CLI::App&, RunFn&);
void setup_plan(CLI::App&, RunFn&);
void setup_apply(CLI::App&, RunFn&);
void setup_list(CLI::App&, RunFn&);
void setup_get(CLI::App&, RunFn&);
void setup_export(CLI::App&, RunFn&);
void setup_start(CLI::App&, RunFn&);
void setup_stop(CLI::App&, RunFn&);
void setup_reboot(CLI::App&, RunFn&);
void setup_pause(CLI::App&, RunFn&);
void setup_resume(CLI::App&, RunFn&);
void setup_migrate(CLI::App&, RunFn&);
void setup_drain(CLI::App&, RunFn&);
void setup_destroy(CLI::App&, RunFn&);
void setup_delete(CLI::App&, RunFn&);
void setup_console(CLI::App&, RunFn&);
void setup_targets(CLI::App&, RunFn&);
void setup_version(CLI::App&, RunFn&);
void setup_snapshot(CLI::App&, RunFn&);
void setup_report(CLI::App&, RunFn&);
void setup_autostart(CLI::App&, RunFn&);
void setup_move(CLI::App&, RunFn&);
void setup_wait(CLI::App&, RunFn&);
void setup_completion(CLI::App&, RunFn&);
void setup_help(CLI::App&, RunFn&);
void setup_explain(CLI::App&, RunFn&);
void setup_hosts(CLI::App&, RunFn&);
void setup_networks(CLI::App&, RunFn&);
void setup_storage(CLI::App&, RunFn&);
void setup_convert(CLI::App&, RunFn&);
void setup_import(CLI::App&, RunFn&);

}  // namespace hvctl
