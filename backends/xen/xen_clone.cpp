#include "xen_clone.hpp"

#include <fmt/format.h>

#include "hvctl/clone.hpp"
#include "xen_config.hpp"
#include "xen_images.hpp"

namespace hvctl::xen {

VmState clone_source(const VmRecord& source) {
  VmState state;
  state.name = source.spec.name;
  state.uuid = source.uuid;
  state.power = PowerState::stopped;
  state.spec = with_disk_images(source);
  return state;
}

VmSpec clone_create_spec(const VmRecord& source, const VmSpec& desired) {
  return clone_spec(clone_source(source), desired);
}

std::vector<Problem> clone_problems(const VmSpec& clone, const VmSpec& desired) {
  const auto alone = check_spec(desired);
  auto out = check_spec(clone);
  for (auto& p : out) {
    bool own = false;  // what desired alone has: the user's own field
    for (const auto& q : alone) own = own || q.message == p.message;
    if (!own) p.message += fmt::format(" (with the settings of its source '{}')", desired.source.name().value_or(""));
  }
  return out;
}

}  // namespace hvctl::xen
