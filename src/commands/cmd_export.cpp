// hvctl export NAME...: VMs as hvctl/v1 specs, one YAML document each, that
// `apply` accepts unchanged (a no-op against the same target).
#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/spec_io.hpp"

namespace hvctl {
namespace {

struct ExportOptions {
  std::vector<std::string> names;
  bool with_target = true;
};

int run_export(const ExportOptions& o, Context& ctx) {
  const Target t = ctx.session().target_for(std::nullopt);
  Backend& b = ctx.session().backend(t);
  std::string text;
  for (const auto& name : o.names) {
    auto vm = b.lookup(name);
    if (!vm) throw NotFoundError(t.name, name);
    VmSpec spec = vm->spec;
    spec.name = vm->name;
    spec.power = vm->power;
    if (o.with_target) spec.target = t.name;
    if (ctx.out().format() == Format::json) text += spec_json(spec).dump(2) + "\n";
    else text += "---\n" + spec_to_yaml(spec);
  }
  ctx.out().raw(text);
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
