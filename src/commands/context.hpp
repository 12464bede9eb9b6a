// What every command's run function receives: global options, the output,
// stdin, and a Session created on first use (so `validate` and `version`
// never read the config or contact a target).
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/output.hpp"
#include "hvctl/session.hpp"
#include "hvctl/spec.hpp"
#include "hvctl/target_lock.hpp"
#include "run_report.hpp"

namespace hvctl {

struct GlobalOptions {
  std::string output;                 // "" = the command's default format
  std::optional<std::string> target;  // --target, else HVCTL_TARGET
  std::optional<std::string> config;  // --config, else HVCTL_CONFIG
  bool quiet = false;
  int verbose = 0;
  int parallel = 0;                   // 0 = each target's default
  int lock_timeout = 300;             // seconds to wait for a target another hvctl is changing
  bool version = false;               // --version: run `version` instead of a command
};

class Context {
public:
  Context(const GlobalOptions& globals, Output& out, std::istream& in, bool interactive,
          Session::Factory factory = make_backend);

  Session& session();
  Output& out() { return out_; }
  const GlobalOptions& globals() const { return globals_; }
  bool interactive() const { return interactive_; }  // stdin and stderr are terminals

  // Specs from -f arguments ("-" reads stdin once).
  std::vector<VmSpec> load_specs(const std::vector<std::string>& paths);
  // Take the change lock of every target the specs go to, or of one target,
  // waiting up to --lock-timeout; see target_lock.hpp.
  std::vector<TargetLock> lock_targets(const std::vector<VmSpec>& specs, const std::string& command);
  std::vector<TargetLock> lock_target(const Target& target, const std::string& command);
  // --shard and --report (apply, plan, delete). begin_report, before the
  // specs are read (so a run whose specs are bad still reports), parses the
  // shard and checks that the report file can be written; select_shard keeps
  // the specs whose target falls in the shard and remembers those targets.
  // The report is written when the run ends (write_report).
  void begin_report(const std::optional<std::string>& shard, const std::optional<std::string>& report,
                    const std::string& command);
  std::vector<VmSpec> select_shard(std::vector<VmSpec> specs);
  // From the workers: how long one VM's work took, for the report.
  void record_seconds(const std::string& target, const std::string& vm, double seconds);
  // Writes the report, if one was asked for; returns the exit code (a report
  // that cannot be written turns a 0 into invalid_input).
  int write_report(int exit_code);
  // Asks a yes/no question on the terminal; false unless the answer is y/yes.
  bool confirm(const std::string& question);

private:
  std::vector<TargetLock> lock(const std::vector<Target>& targets, const std::string& command);

  const GlobalOptions& globals_;
  Output& out_;
  std::istream& in_;
  bool interactive_;
  Session::Factory factory_;
  std::unique_ptr<Session> session_;
  std::optional<std::string> report_path_;
  bool sharded_ = false;
  RunFacts facts_;
  std::mutex facts_mutex_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace hvctl
