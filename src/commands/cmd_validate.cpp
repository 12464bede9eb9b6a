// hvctl validate: schema checks, plus each target backend's field checks when
// the target is known from the config or a URI. Contacts nothing.
#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/plan.hpp"

namespace hvctl {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
};

int run_validate(const ValidateOptions& o, Context& ctx) {
  const auto specs = ctx.load_specs(o.files);
  std::vector<Problem> problems;
  const Config config = load_config(ctx.globals().config);
  for (const auto& spec : specs) {
    const auto name = ctx.globals().target ? ctx.globals().target : spec.target ? spec.target : config.default_target;
    if (!name) continue;
    std::unique_ptr<Backend> backend;
    try {
      backend = make_backend(resolve_target(config, *name));
    } catch (const InputError& e) {
      problems.push_back({spec.mark_of("target"), e.what()});
      continue;
    }
    for (auto& p : problems_on(spec, *backend)) problems.push_back(std::move(p));
  }
  if (!problems.empty()) throw ValidationError(std::move(problems));
  Result r{"ValidationResult"};
  r.data["valid"] = Json::array();
  for (const auto& s : specs) r.data["valid"].push_back({{"name", s.name}, {"file", s.mark.str()}});
  r.items_key = "valid";
  r.columns = {{"VM", "/name"}, {"DEFINED AT", "/file"}};
  r.footer.push_back(fmt::format("{} spec{} valid.", specs.size(), specs.size() == 1 ? "" : "s"));
  ctx.out().render(r);
  return 0;
}

}  // namespace

void setup_validate(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ValidateOptions>();
  app.add_option("-f,--file", o->files, "Spec file, directory, or - for stdin")->required()->type_name("FILE");
  run = [o](Context& ctx) { return run_validate(*o, ctx); };
}

}  // namespace hvctl
