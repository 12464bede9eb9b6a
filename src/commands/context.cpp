#include "context.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "hvctl/shard.hpp"
#include "hvctl/spec_io.hpp"

namespace hvctl {

Context::Context(const GlobalOptions& globals, Output& out, std::istream& in, bool interactive,
                 Session::Factory factory)
    : globals_(globals), out_(out), in_(in), interactive_(interactive), factory_(std::move(factory)) {}

Session& Context::session() {
  if (session_) return *session_;
  Config config = load_config(globals_.config);
  if (out_.shows(LogLevel::verbose)) {
    const std::string where = config.path.empty() ? default_config_path() : config.path;
    out_.log(LogLevel::verbose, config.path.empty()
                                    ? fmt::format("config: none ({} does not exist); targets come from URIs", where.empty() ? "no $HOME" : where)
                                    : fmt::format("config: {} ({} target{})", where, config.targets.size(),
                                                  config.targets.size() == 1 ? "" : "s"));
  }
  session_ = std::make_unique<Session>(std::move(config), globals_.target, factory_, out_);
  return *session_;
}

std::vector<VmSpec> Context::load_specs(const std::vector<std::string>& paths) {
  std::string stdin_text;
  for (const auto& p : paths)
    if (p == "-") {
      std::ostringstream buf;
      buf << in_.rdbuf();
      stdin_text = buf.str();
      break;
    }
  return hvctl::load_specs(paths, stdin_text);
}

std::vector<TargetLock> Context::lock_targets(const std::vector<VmSpec>& specs, const std::string& command) {
  std::vector<Target> targets;
  for (const auto& spec : specs) targets.push_back(session().target_for(spec.target));
  return lock(targets, command);
}

std::vector<TargetLock> Context::lock_target(const Target& target, const std::string& command) {
  return lock({target}, command);
}

std::vector<TargetLock> Context::lock(const std::vector<Target>& targets, const std::string& command) {
  LockOptions options;
  options.timeout = std::chrono::seconds(globals_.lock_timeout);
  options.what = command;
  options.waiting = [this](const std::string& message) { out_.info(message); };
  return hvctl::lock_targets(targets, options);
}

void Context::begin_report(const std::optional<std::string>& shard_text, const std::optional<std::string>& report,
                           const std::string& command) {
  if (shard_text) {
    facts_.shard = parse_shard(*shard_text);
    sharded_ = true;
  }
  if (report) {  // before any target is contacted: a run whose report cannot be written should not start
    const std::string probe = *report + ".tmp";
    if (!std::ofstream(probe)) throw InputError(fmt::format("--report {}: cannot write there", *report));
    std::remove(probe.c_str());
    report_path_ = report;
  }
  facts_.command = command;
  facts_.started = fmt::format("{:%FT%TZ}", fmt::gmtime(std::time(nullptr)));
}

std::vector<VmSpec> Context::select_shard(std::vector<VmSpec> specs) {
  if (!sharded_ && !report_path_) return specs;
  const Shard shard = facts_.shard;
  std::map<std::string, ReportTarget> targets;
  std::set<std::string> all_targets;
  std::vector<VmSpec> kept;
  for (auto& spec : specs) {
    const Target t = session().target_for(spec.target);
    const std::string identity = target_identity(t);
    all_targets.insert(identity);
    if (shard_of(identity, shard.count) != shard.index) continue;
    auto& entry = targets[t.name];
    entry.name = t.name;
    entry.identity = identity;
    ++entry.vms;
    kept.push_back(std::move(spec));
  }
  for (auto& [name, t] : targets) facts_.targets.push_back(std::move(t));
  if (sharded_)
    out_.info(fmt::format("shard {}: {} of {} target{}, {} of {} VM{}", shard.str(), facts_.targets.size(),
                          all_targets.size(), all_targets.size() == 1 ? "" : "s", kept.size(), specs.size(),
                          specs.size() == 1 ? "" : "s"));
  return kept;
}

void Context::record_seconds(const std::string& target, const std::string& vm, double seconds) {
  std::lock_guard lock(facts_mutex_);
  facts_.seconds[target + "\n" + vm] = seconds;
}

int Context::write_report(int exit_code) {
  if (!report_path_) return exit_code;
  Json report;
  {
    std::lock_guard lock(facts_mutex_);
    facts_.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    report = make_run_report(facts_, out_.record(), exit_code);
  }
  const std::string tmp = *report_path_ + ".tmp";
  {
    std::ofstream f(tmp);
    f << report.dump(2) << "\n";
    f.close();
    if (f && std::rename(tmp.c_str(), report_path_->c_str()) == 0) return exit_code;
  }
  std::remove(tmp.c_str());
  out_.warn(fmt::format("could not write the report {}", *report_path_));
  return exit_code == 0 ? static_cast<int>(ExitCode::internal) : exit_code;
}

bool Context::confirm(const std::string& question) {
  out_.prompt(question + " [y/N] ");
  std::string answer;
  if (!std::getline(in_, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

}  // namespace hvctl
