// hvctl get NAME: one VM's full state.
#include <fmt/format.h>

#include "command_table.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct GetOptions {
  std::string name;
};

int run_get(const GetOptions& o, Context& ctx) {
  const Target t = ctx.session().target_for(std::nullopt);
  auto vm = located(t.name, o.name, [&] { return ctx.session().backend(t).lookup(o.name); });
  if (!vm) throw LocatedError(NotFoundError(t.name, o.name), t.name, o.name);
  vm->target = t.name;
  Result r{"VirtualMachineState"};
  r.data = vm_json(*vm);
  ctx.out().render(r);
  return 0;
}

}  // namespace

void setup_get(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<GetOptions>();
  app.add_option("name", o->name, "VM name")->required()->type_name("VM");
  run = [o](Context& ctx) { return run_get(*o, ctx); };
}

}  // namespace hvctl
