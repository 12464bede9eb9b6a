// A Session holds the config and one backend connection per target, created
// on first use. Passed explicitly to everything that needs a target: there
// is no global connection state.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "hvctl/backend.hpp"
#include "hvctl/diagnostics.hpp"
#include "hvctl/target.hpp"

namespace hvctl {

// True on a Xen dom0 (its /proc/xen/capabilities says control_d): there, with
// no config at all, the local Xen host is the default target.
bool is_xen_dom0();

class Session {
public:
  using Factory = std::function<std::unique_ptr<Backend>(const Target&, Diagnostics&)>;

  // `override_target`: --target / HVCTL_TARGET, which wins over specs and config.
  // `diagnostics` gets the backends' reports and, at -v, each backend call.
  Session(Config config, std::optional<std::string> override_target, Factory factory = make_backend,
          Diagnostics& diagnostics = no_diagnostics());

  // The target a spec (or an imperative command, with no spec) goes to; at
  // -v it says which rule chose it.
  Target target_for(const std::optional<std::string>& spec_target) const;

  // The backend for a target, connected lazily and kept for the session.
  Backend& backend(const Target& target);

  const Config& config() const { return config_; }
  const std::optional<std::string>& override_target() const { return override_; }

private:
  Config config_;
  std::optional<std::string> override_;
  Factory factory_;
  Diagnostics& diagnostics_;
  mutable std::mutex mutex_;
  mutable std::set<std::string> said_;  // target resolutions already logged
  std::map<std::string, std::unique_ptr<Backend>> backends_;
};

}  // namespace hvctl
