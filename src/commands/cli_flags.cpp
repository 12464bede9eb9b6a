#include "cli_flags.hpp"

#include <fmt/format.h>

#include "hvctl/units.hpp"
#include "views.hpp"

namespace hvctl {

CLI::Option* add_duration(CLI::App& app, const std::string& name, int& seconds, const std::string& description) {
  return app.add_option(name, seconds, description + " (seconds, or 90s, 5m, 1h)")
      ->transform(
          [](std::string text) {  // the config file's `timeout` reads durations the same way
            auto parsed = parse_duration_seconds(text);
            if (const auto* message = std::get_if<std::string>(&parsed)) throw CLI::ValidationError(*message);
            return std::to_string(std::get<int>(parsed));
          })
      ->type_name("DURATION")
      ->capture_default_str();
}

CLI::Option* add_selectors(CLI::App& app, std::vector<std::string>& raw, const std::string& description) {
  return app.add_option("-l,--selector", raw, description + " (key=value; repeat to AND)")->type_name("KEY=VALUE");
}

Selectors parse_selectors(const std::vector<std::string>& raw) {
  Selectors out;
  for (const auto& s : raw) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError(fmt::format("label selector '{}' must be key=value", s));
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

bool matches(const VmState& vm, const Selectors& selectors) {
  for (const auto& [k, v] : selectors) {
    auto it = vm.spec.labels.find(k);
    if (it == vm.spec.labels.end() || it->second != v) return false;
  }
  return true;
}

std::vector<Target> selected_targets(Session& session, bool all_targets) {
  if (!all_targets || session.override_target()) return {session.target_for(std::nullopt)};
  std::vector<Target> targets;
  for (const auto& [name, t] : session.config().targets) targets.push_back(t);
  if (targets.empty()) throw InputError("--all-targets: the config file names no targets");
  return targets;
}

int read_targets(Context& ctx, const std::vector<Target>& targets, Json& errors,
                 const std::function<void(const Target&, Backend&)>& read) {
  std::optional<ExitCode> failure;
  std::size_t failed = 0;
  for (const auto& t : targets) {
    try {
      located(t.name, "", [&] { read(t, ctx.session().backend(t)); });
    } catch (const Error& e) {
      if (targets.size() == 1) throw;
      errors.push_back(error_json(e.what(), t.name));
      ctx.out().warn(e.what());
      if (!failure) failure = e.code();
      ++failed;
    }
  }
  if (!failure) return 0;
  return static_cast<int>(failed == targets.size() ? *failure : ExitCode::partial);
}

void add_shard_flags(CLI::App& app, ShardFlags& flags) {
  app.add_option("--shard", flags.shard,
                 "Take only the targets whose stable hash falls in shard I of N (1-based); every VM of a target "
                 "stays in its target's shard")
      ->type_name("I/N");
  app.add_option("--report", flags.report,
                 "Also write the run's result as a versioned JSON report (per VM the action, result, error and "
                 "seconds; per target the errors), for hvctl report merge")
      ->type_name("FILE");
}

std::vector<VmSpec> load_shard_specs(Context& ctx, const std::vector<std::string>& files, const ShardFlags& flags,
                                     const std::string& command) {
  ctx.begin_report(flags.shard, flags.report, command);
  return ctx.select_shard(ctx.load_specs(files));
}

}  // namespace hvctl
