#include "hvctl/autostart.hpp"

#include <algorithm>
#include <climits>
#include <variant>

#include "hvctl/move.hpp"
#include "hvctl/units.hpp"

namespace hvctl {

std::vector<AutostartStep> autostart_steps(const std::vector<VmState>& vms, bool stopping) {
  std::vector<const VmState*> marked;
  for (const auto& vm : vms)
    if (vm.spec.autostart.enabled.value_or(false)) marked.push_back(&vm);
  std::sort(marked.begin(), marked.end(), [](const VmState* a, const VmState* b) {
    const int oa = a->spec.autostart.order.value_or(INT_MAX), ob = b->spec.autostart.order.value_or(INT_MAX);
    return oa != ob ? oa < ob : a->name < b->name;
  });
  if (stopping) std::reverse(marked.begin(), marked.end());
  std::vector<AutostartStep> out;
  for (const VmState* vm : marked) {
    AutostartStep step;
    step.vm = vm->name;
    const auto why_not = [&]() -> std::string {
      if (stopping) return vm->power == PowerState::stopped ? "stopped already" : "";
      if (vm->spec.is_template.value_or(false)) return "a template is never started";
      if (const auto moved = moved_away(*vm); !moved.empty()) return moved;
      return vm->power == PowerState::stopped ? "" : to_string(vm->power) + std::string(" already");
    }();
    step.act = why_not.empty();
    step.why = why_not;
    if (step.act && !stopping) {
      const auto delay = autostart_delay_seconds(vm->spec.autostart.delay.value_or("5s"));
      step.delay_seconds = std::holds_alternative<int>(delay) ? std::get<int>(delay) : kDefaultAutostartDelaySeconds;
    }
    out.push_back(std::move(step));
  }
  // No pause after the last VM started.
  for (auto it = out.rbegin(); it != out.rend(); ++it)
    if (it->act) {
      it->delay_seconds = 0;
      break;
    }
  return out;
}

}  // namespace hvctl
