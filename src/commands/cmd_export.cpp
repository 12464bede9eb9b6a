// hvctl export NAME...: VMs as hvctl/v1 specs, one YAML document each, that
// `apply` accepts unchanged (a no-op against the same target). -o json: one
// document, as kubectl does: the spec for one VM, a List of specs for several.
#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_io.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct ExportOptions {
  std::vector<std::string> names;
  bool with_target = true;
};

VmSpec exported(const ExportOptions& o, const Target& t, Backend& b, const std::string& name) {
  auto vm = located(t.name, name, [&] { return b.lookup(name); });
  if (!vm) throw LocatedError(NotFoundError(t.name, name), t.name, name);
  VmSpec spec = vm->spec;
  spec.name = vm->name;
  spec.power = vm->power;
  fields::drop_unsaid(spec);
  if (o.with_target) spec.target = t.name;
  return spec;
}

int run_export(const ExportOptions& o, Context& ctx) {
  const Target t = ctx.session().target_for(std::nullopt);
  Backend& b = located(t.name, "", [&]() -> Backend& { return ctx.session().backend(t); });
  std::vector<VmSpec> specs;
  for (const auto& name : o.names) specs.push_back(exported(o, t, b, name));
  if (ctx.out().format() != Format::json) {  // YAML (also for tables): a spec stream apply reads back
    std::string text;
    for (const auto& spec : specs) text += "---\n" + spec_to_yaml(spec);
    ctx.out().raw(text);
  } else if (specs.size() == 1) {
    ctx.out().raw(spec_json(specs.front()).dump(2) + "\n");
  } else {
    Result r{"List"};
    r.data["items"] = Json::array();
    for (const auto& spec : specs) r.data["items"].push_back(spec_json(spec));
    ctx.out().render(r);
  }
  return 0;
}

}  // namespace

void setup_export(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ExportOptions>();
  app.add_option("names", o->names, "VM names")->required()->type_name("VM");
  app.add_flag("!--no-target", o->with_target, "Leave spec.target out (apply then uses --target or the default)");
  run = [o](Context& ctx) { return run_export(*o, ctx); };
}

}  // namespace hvctl
