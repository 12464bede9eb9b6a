#include "hvctl/session.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"
#include "logged_backend.hpp"

namespace hvctl {

bool is_xen_dom0() {
  std::ifstream caps("/proc/xen/capabilities");
  std::string text((std::istreambuf_iterator<char>(caps)), std::istreambuf_iterator<char>());
  return text.find("control_d") != std::string::npos;
}

Session::Session(Config config, std::optional<std::string> override_target, Factory factory, Diagnostics& diagnostics)
    : config_(std::move(config)),
      override_(std::move(override_target)),
      factory_(std::move(factory)),
      diagnostics_(diagnostics) {}

Target Session::target_for(const std::optional<std::string>& spec_target) const {
  auto chosen = [&](const Target& t, const std::string& why) {
    if (!diagnostics_.shows(LogLevel::verbose)) return t;
    std::lock_guard lock(mutex_);
    if (said_.insert(t.name + "\n" + why).second)  // once per target and rule, not once per spec
      diagnostics_.log(LogLevel::verbose, fmt::format("target '{}' ({} {}): {}", t.name, t.type, redact_uri(t.uri), why));
    return t;
  };
  if (override_) return chosen(resolve_target(config_, *override_), "named by --target or HVCTL_TARGET");
  if (spec_target) return chosen(resolve_target(config_, *spec_target), "named by the spec's target");
  if (config_.default_target)
    return chosen(resolve_target(config_, *config_.default_target), "the config's default_target");
  if (config_.targets.size() == 1) return chosen(config_.targets.begin()->second, "the config's only target");
  if (config_.targets.empty() && is_xen_dom0())
    return chosen(resolve_target(config_, "libxl:local"), "no config, and this is a Xen dom0");
  throw InputError(
      "no target: name one with --target NAME|URI, HVCTL_TARGET, spec.target, or default_target in the config file");
}

Backend& Session::backend(const Target& target) {
  std::lock_guard lock(mutex_);
  auto& slot = backends_[target.name];
  if (!slot) {
    slot = factory_(target, diagnostics_);
    if (diagnostics_.shows(LogLevel::verbose)) slot = with_call_log(std::move(slot), target.name, diagnostics_);
  }
  return *slot;
}

}  // namespace hvctl
