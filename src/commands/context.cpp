#include "context.hpp"

#include <iostream>
#include <sstream>

#include <fmt/format.h>

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

bool Context::confirm(const std::string& question) {
  out_.prompt(question + " [y/N] ");
  std::string answer;
  if (!std::getline(in_, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

}  // namespace hvctl
