#include "hvctl/session.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {

bool is_xen_dom0() {
  std::ifstream caps("/proc/xen/capabilities");
  std::string text((std::istreambuf_iterator<char>(caps)), std::istreambuf_iterator<char>());
  return text.find("control_d") != std::string::npos;
}

Session::Session(Config config, std::optional<std::string> override_target, Factory factory)
    : config_(std::move(config)), override_(std::move(override_target)), factory_(std::move(factory)) {}

Target Session::target_for(const std::optional<std::string>& spec_target) const {
  if (override_) return resolve_target(config_, *override_);
  if (spec_target) return resolve_target(config_, *spec_target);
  if (config_.default_target) return resolve_target(config_, *config_.default_target);
  if (config_.targets.size() == 1) return config_.targets.begin()->second;
  if (config_.targets.empty() && is_xen_dom0()) return resolve_target(config_, "libxl:local");
  throw InputError(
      "no target: name one with --target NAME|URI, HVCTL_TARGET, spec.target, or default_target in the config file");
}

Backend& Session::backend(const Target& target) {
  std::lock_guard lock(mutex_);
  auto& slot = backends_[target.name];
  if (!slot) slot = factory_(target);
  return *slot;
}

}  // namespace hvctl
