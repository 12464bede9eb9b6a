// Flag shapes several commands share: durations and label selectors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "hvctl/backend.hpp"

namespace hvctl {

// --NAME taking seconds, or a number with a unit: 90, 90s, 5m, 1h (at most a day).
CLI::Option* add_duration(CLI::App& app, const std::string& name, int& seconds, const std::string& description);

// -l key=value selectors (repeatable, all must match).
using Selectors = std::vector<std::pair<std::string, std::string>>;
CLI::Option* add_selectors(CLI::App& app, std::vector<std::string>& raw, const std::string& description);
Selectors parse_selectors(const std::vector<std::string>& raw);  // throws InputError
bool matches(const VmState& vm, const Selectors& selectors);

}  // namespace hvctl
