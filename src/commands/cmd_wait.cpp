// hvctl wait NAME... --for running|stopped|paused|deleted [--timeout SECONDS]
// Polls the target until every VM reaches the state, or times out (exit 6)
// naming the VMs that did not and the state each is in.
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "command_table.hpp"

namespace hvctl {
namespace {

struct WaitOptions {
  std::vector<std::string> names;
  std::string state = "running";
  int timeout = 300;
};

// The state a VM is in, in `--for` terms: a power state, or "deleted".
std::string state_of(Backend& b, const std::string& name) {
  auto vm = b.lookup(name);
  return vm ? to_string(vm->power) : "deleted";
}

int run_wait(const WaitOptions& o, Context& ctx) {
  const Target t = ctx.session().target_for(std::nullopt);
  Backend& b = ctx.session().backend(t);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout);
  std::vector<std::pair<std::string, std::string>> waiting;
  for (;;) {
    waiting.clear();
    for (const auto& name : o.names)
      if (auto s = state_of(b, name); s != o.state) waiting.emplace_back(name, s);
    if (waiting.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (waiting.empty()) {
    ctx.out().info(fmt::format("{} VM{} {}", o.names.size(), o.names.size() == 1 ? "" : "s", o.state));
    return 0;
  }
  std::string list;
  for (const auto& [name, s] : waiting) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", name, s);
  throw TimeoutError(fmt::format("target '{}': not {} after {}s: {}", t.name, o.state, o.timeout, list));
}

}  // namespace

void setup_wait(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<WaitOptions>();
  app.add_option("names", o->names, "VM names")->required()->type_name("VM");
  app.add_option("--for", o->state, "State to wait for")
      ->check(CLI::IsMember({"running", "stopped", "paused", "deleted"}))->capture_default_str();
  app.add_option("--timeout", o->timeout, "Seconds to wait before giving up (exit 6)")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  run = [o](Context& ctx) { return run_wait(*o, ctx); };
}

}  // namespace hvctl
