// Flag shapes several commands share: durations, label selectors, -A
// (every configured target), and --shard/--report.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "hvctl/backend.hpp"

namespace hvctl {

// --NAME taking seconds, or a number with a unit: 90, 90s, 5m, 1h (at most a day).
CLI::Option* add_duration(CLI::App& app, const std::string& name, int& seconds, const std::string& description);

// -l key=value selectors (repeatable, all must match).
using Selectors = std::vector<std::pair<std::string, std::string>>;
CLI::Option* add_selectors(CLI::App& app, std::vector<std::string>& raw, const std::string& description);
Selectors parse_selectors(const std::vector<std::string>& raw);  // throws InputError
bool matches(const VmState& vm, const Selectors& selectors);

// --shard I/N and --report FILE (apply, plan, delete); see Context::select_shard.
struct ShardFlags {
  std::optional<std::string> shard;
  std::optional<std::string> report;
};
void add_shard_flags(CLI::App& app, ShardFlags& flags);
// The specs of -f files that fall in the shard; the report is begun first.
std::vector<VmSpec> load_shard_specs(Context& ctx, const std::vector<std::string>& files, const ShardFlags& flags,
                                     const std::string& command);

// The targets a read goes to: the selected one (--target, HVCTL_TARGET, the
// default), or with -A every configured target unless --target names one.
// InputError when -A finds the config names none.
std::vector<Target> selected_targets(Session& session, bool all_targets);

// Calls `read` for each target. With one target its failure is thrown (as a
// LocatedError naming it). With several, a target that fails becomes an
// entry in `errors` ({target, message}) and a warning on stderr, and the
// others are still read. Returns 0, partial (5) when some failed, or the first
// failure's own code when all did.
int read_targets(Context& ctx, const std::vector<Target>& targets, Json& errors,
                 const std::function<void(const Target&, Backend&)>& read);

}  // namespace hvctl
