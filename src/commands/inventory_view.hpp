// The shape `hosts`, `networks` and `storage` share: read one list from the
// selected target, or from every configured target with -A, and show it.
// As `list -A` does (read_targets): a target that fails is reported in the
// result (`errors`) and on stderr, the others are still listed, and the exit
// code is then partial (5), or the first failure's own code when all failed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "hvctl/backend.hpp"
#include "hvctl/output.hpp"

namespace hvctl {

struct InventoryView {
  std::string kind;                               // "HostList"
  std::vector<Column> columns;                    // the table, over `row` objects
  std::function<std::vector<Json>(Backend&)> read;  // one item per row, as JSON
  std::function<Json(const Json& item)> row;      // the item as the table shows it
};

struct InventoryOptions {
  bool all_targets = false;
};

void add_inventory_options(CLI::App& app, InventoryOptions& o);
int show_inventory(const InventoryView& view, const InventoryOptions& o, Context& ctx);

// "1.5/4.0 GHz", "12GiB/31GiB": used or free of total, "" when either is unknown.
std::string of_total_ghz(const Json& used, const Json& total);
std::string of_total_mib(const Json& part, const Json& total);

}  // namespace hvctl
