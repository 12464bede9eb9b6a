// hvctl targets: the configured targets and whether each answers.
#include "command_table.hpp"
#include "hvctl/engine.hpp"
#include "hvctl/text.hpp"

namespace hvctl {
namespace {

int run_targets(Context& ctx) {
  auto& session = ctx.session();
  std::vector<Target> targets;
  for (const auto& [name, t] : session.config().targets) targets.push_back(t);
  if (session.override_target()) targets = {session.target_for(std::nullopt)};
  std::vector<Json> rows(targets.size());
  run_bounded(targets.size(), 8, [&](std::size_t i) {
    const auto& t = targets[i];
    Json row = {{"name", redact_uri(t.name)}, {"type", t.type}, {"uri", redact_uri(t.uri)}};
    row["default"] = session.config().default_target == t.name;
    try {
      const auto info = session.backend(t).probe();
      row["status"] = "ok";
      row["product"] = info.product;
    } catch (const std::exception& e) {
      row["status"] = "error";
      row["error"] = e.what();
    }
    rows[i] = std::move(row);
  });
  Result r{"TargetList"};
  r.data["items"] = rows;
  r.items_key = "items";
  r.columns = {{"NAME", "/name"}, {"TYPE", "/type"}, {"URI", "/uri"}, {"STATUS", "/status"},
               {"PRODUCT", "/product"}, {"ERROR", "/error"}};
  if (targets.empty()) r.footer.push_back("No targets configured (see README: the config file).");
  ctx.out().render(r);
  for (const auto& row : rows)
    if (row["status"] != "ok") return static_cast<int>(ExitCode::backend_failure);
  return 0;
}

}  // namespace

void setup_targets(CLI::App& app, RunFn& run) { run = run_targets; }

}  // namespace hvctl
