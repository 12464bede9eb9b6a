// Which VMs `hvctl autostart` starts (or, with --stop, shuts down) on a
// host, in which order and with which pauses: the part xendomains does for
// /etc/xen/auto, from each VM's spec.autostart. Pure.
#pragma once

#include <string>
#include <vector>

#include "hvctl/backend.hpp"

namespace hvctl {

struct AutostartStep {
  std::string vm;
  bool act = true;       // false: left alone, `why` says why
  std::string why;
  int delay_seconds = 0;  // to wait after acting on it, before the next (0 after the last)
};

// Every VM with autostart.enabled, lowest order first (unset last), then by
// name; stopping: the reverse, and no delays. A VM already in the state
// asked for, a template, or one hvctl moved away is listed, not acted on.
std::vector<AutostartStep> autostart_steps(const std::vector<VmState>& vms, bool stopping);

}  // namespace hvctl
