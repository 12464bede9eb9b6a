// hvctl wait NAME... | -f SPECS  --for running|stopped|paused|deleted|ready
// Polls the targets until every VM reaches the state, or times out (exit 6)
// naming the VMs that did not and what each was last seen doing. With -f,
// each VM's target and `ready` conditions come from its spec.
#include <fmt/format.h>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct WaitCmdOptions {
  std::vector<std::string> names;
  std::vector<std::string> files;
  std::string state = "running";
  int timeout = 300;
};

std::vector<WaitItem> items_for(const WaitCmdOptions& o, Context& ctx, WaitState state) {
  std::vector<WaitItem> items;
  if (!o.files.empty())
    for (auto& spec : ctx.load_specs(o.files)) items.push_back({std::move(spec), state, std::nullopt});
  for (const auto& name : o.names) {
    VmSpec spec;
    spec.name = name;
    items.push_back({std::move(spec), state, std::nullopt});
  }
  if (items.empty()) throw InputError("wait: name the VMs, or give their specs with -f");
  return items;
}

int run_wait(const WaitCmdOptions& o, Context& ctx) {
  const WaitState state = *parse_wait_state(o.state);
  const auto items = items_for(o, ctx, state);
  WaitOptions options;
  options.timeout = std::chrono::seconds(o.timeout);
  Output& out = ctx.out();
  options.reached = [&out, state](const std::string& vm, const std::string& detail) {
    out.info(fmt::format("{}: {} ({})", vm, to_string(state), detail));
  };
  const auto outcomes = wait_for(items, ctx.session(), options);
  ctx.out().render(wait_result(outcomes));
  if (const auto missing = describe_unreached(outcomes); !missing.empty())
    throw TimeoutError(fmt::format("not {} after {}s: {}", o.state, o.timeout, missing));
  return 0;
}

}  // namespace

void setup_wait(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<WaitCmdOptions>();
  app.add_option("names", o->names, "VM names")->type_name("VM");
  app.add_option("-f,--file", o->files, "Wait for the VMs these specs declare (file, directory, or -)")
      ->type_name("FILE");
  app.add_option("--for", o->state, "State to wait for; ready: running and ready by the spec's ready conditions")
      ->check(CLI::IsMember(kWaitStates))->capture_default_str();
  add_duration(app, "--timeout", o->timeout, "How long to wait before giving up (exit 6)");
  run = [o](Context& ctx) { return run_wait(*o, ctx); };
}

}  // namespace hvctl
