// hvctl console NAME: attach to the VM's console (Xen's PV console, libvirt's
// serial console) until Ctrl-] or --timeout; for vSphere, print the web
// console URL the API hands out.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "console_relay.hpp"

namespace hvctl {
namespace {

struct ConsoleOptions {
  std::string name;
  int timeout = 0;  // 0: until detached or closed
};

int run_console(const ConsoleOptions& o, Context& ctx) {
  const Target target = ctx.session().target_for(std::nullopt);
  Backend& backend = ctx.session().backend(target);
  if (!backend.lookup(o.name)) throw NotFoundError(target.name, o.name);
  ConsoleAccess access = backend.console(o.name);
  if (!access.stream) {
    Result r{"Console"};
    r.data["items"] = Json::array({{{"vm", o.name}, {"target", target.name}, {"url", access.url}}});
    r.items_key = "items";
    r.columns = {{"VM", "/vm"}, {"URL", "/url"}};
    ctx.out().render(r);
    return 0;
  }
  ctx.out().info(fmt::format("connected to {}'s console (Ctrl-] detaches)", o.name));
  RelayOptions relay;
  if (o.timeout > 0) relay.timeout = std::chrono::seconds(o.timeout);
  const RelayEnd end = relay_console(*access.stream, relay);
  ctx.out().info(end == RelayEnd::closed ? fmt::format("\r\n{}'s console closed", o.name) : "\r\ndetached");
  return 0;
}

}  // namespace

void setup_console(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ConsoleOptions>();
  app.add_option("name", o->name, "VM name")->required()->type_name("VM");
  add_duration(app, "--timeout", o->timeout, "Detach after this long (for logs and scripts)")->check(CLI::Range(0, 86400));
  run = [o](Context& ctx) { return run_console(*o, ctx); };
}

}  // namespace hvctl
