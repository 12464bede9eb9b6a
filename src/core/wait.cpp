// The waiter behind `apply --wait` and `hvctl wait`: bulk state reads per
// target each round, a readiness check only for VMs already running.
#include "hvctl/wait.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include <fmt/format.h>

namespace hvctl {

Readiness Backend::readiness(const VmSpec& spec) {
  auto vm = lookup(spec.name);
  if (!vm) return {false, "no such VM"};
  return {vm->power == PowerState::running, to_string(vm->power)};
}

const char* to_string(WaitState s) {
  switch (s) {
    case WaitState::running: return "running";
    case WaitState::stopped: return "stopped";
    case WaitState::paused: return "paused";
    case WaitState::deleted: return "deleted";
    case WaitState::ready: return "ready";
  }
  return "?";
}

std::optional<WaitState> parse_wait_state(const std::string& s) {
  for (auto st : {WaitState::running, WaitState::stopped, WaitState::paused, WaitState::deleted, WaitState::ready})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

WaitState settled_state(const VmSpec& spec) {
  if (spec.ensure == Ensure::absent) return WaitState::deleted;
  if (spec.power == PowerState::stopped) return WaitState::stopped;
  if (spec.power == PowerState::paused) return WaitState::paused;
  return WaitState::ready;
}

namespace {

// One look at one VM, given the target's inventory from this round.
std::pair<bool, std::string> check(const WaitItem& item, const std::map<std::string, PowerState>& inventory,
                                   Backend& backend) {
  auto it = inventory.find(item.spec.name);
  if (item.state == WaitState::deleted)
    return {it == inventory.end(), it == inventory.end() ? "deleted" : to_string(it->second)};
  if (it == inventory.end()) return {false, "no such VM"};
  const PowerState power = it->second;
  switch (item.state) {
    case WaitState::running: return {power == PowerState::running, to_string(power)};
    case WaitState::stopped: return {power == PowerState::stopped, to_string(power)};
    case WaitState::paused: return {power == PowerState::paused, to_string(power)};
    default: break;
  }
  if (power != PowerState::running) return {false, to_string(power)};
  const Readiness r = backend.readiness(item.spec);
  return {r.ready, r.detail};
}

}  // namespace

std::vector<WaitOutcome> wait_for(const std::vector<WaitItem>& items, Session& session, const WaitOptions& options) {
  std::vector<WaitOutcome> out(items.size());
  std::map<std::string, std::vector<std::size_t>> by_target;  // target name -> item indexes
  std::map<std::string, Target> targets;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Target t = items[i].target ? *items[i].target : session.target_for(items[i].spec.target);
    out[i] = {items[i].spec.name, t.name, items[i].state, false, "not checked yet"};
    by_target[t.name].push_back(i);
    targets.emplace(t.name, t);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  for (;;) {
    bool all = true;
    for (const auto& [name, indexes] : by_target) {
      Backend& backend = session.backend(targets.at(name));
      try {
        std::map<std::string, PowerState> inventory;
        for (const auto& vm : backend.list()) inventory[vm.name] = vm.power;
        for (auto i : indexes) {
          if (out[i].reached) continue;
          auto [reached, detail] = check(items[i], inventory, backend);
          out[i].detail = detail;
          if (reached) {
            out[i].reached = true;
            if (options.reached) options.reached(out[i].vm, detail);
          } else {
            all = false;
          }
        }
      } catch (const UnsupportedError&) {
        throw;
      } catch (const BackendError& e) {
        all = false;
        for (auto i : indexes)
          if (!out[i].reached) out[i].detail = e.what();
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (all || now >= deadline) break;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(options.interval, deadline - now));
  }
  return out;
}

std::string describe_unreached(const std::vector<WaitOutcome>& outcomes) {
  std::string text;
  for (const auto& o : outcomes)
    if (!o.reached) text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", o.vm, o.detail);
  return text;
}

}  // namespace hvctl
