#include "inventory_view.hpp"

#include <fmt/format.h>

#include "cli_flags.hpp"
#include "hvctl/units.hpp"

namespace hvctl {
void add_inventory_options(CLI::App& app, InventoryOptions& o) {
  app.add_flag("-A,--all-targets", o.all_targets, "Read every configured target");
}

int show_inventory(const InventoryView& view, const InventoryOptions& o, Context& ctx) {
  const auto targets = selected_targets(ctx.session(), o.all_targets);
  Json items = Json::array(), errors = Json::array();
  const int code = read_targets(ctx, targets, errors, [&](const Target& t, Backend& b) {
    for (auto& item : view.read(b)) {
      item["target"] = t.name;
      items.push_back(std::move(item));
    }
  });
  Result r{view.kind};
  r.items_key = "items";
  if (ctx.out().tabular()) {
    Json rows = Json::array();
    for (const auto& item : items) rows.push_back(view.row(item));
    r.data["items"] = std::move(rows);
    r.columns = view.columns;
    if (targets.size() > 1) r.columns.push_back({"TARGET", "/target"});
  } else {
    r.data["items"] = std::move(items);
  }
  if (!errors.empty()) r.data["errors"] = errors;
  ctx.out().render(r);
  return code;
}

std::string of_total_ghz(const Json& used, const Json& total) {
  if (!used.is_number() || !total.is_number()) return "";
  return fmt::format("{:.1f}/{:.1f} GHz", used.get<double>() / 1000, total.get<double>() / 1000);
}

std::string of_total_mib(const Json& part, const Json& total) {
  if (!part.is_number() || !total.is_number()) return "";
  return human_size_mib(part.get<std::uint64_t>()) + "/" + human_size_mib(total.get<std::uint64_t>());
}

}  // namespace hvctl
