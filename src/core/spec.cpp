#include "hvctl/spec.hpp"

#include "hvctl/backend.hpp"

namespace hvctl {

const char* to_string(PowerState p) {
  switch (p) {
    case PowerState::running: return "running";
    case PowerState::stopped: return "stopped";
    case PowerState::paused: return "paused";
  }
  return "?";
}

const char* to_string(Firmware f) { return f == Firmware::uefi ? "uefi" : "bios"; }

const char* to_string(PowerOp op) {
  switch (op) {
    case PowerOp::start: return "start";
    case PowerOp::stop: return "stop";
    case PowerOp::reboot: return "reboot";
    case PowerOp::pause: return "pause";
    case PowerOp::resume: return "resume";
  }
  return "?";
}

std::optional<PowerState> parse_power_state(const std::string& s) {
  for (auto p : {PowerState::running, PowerState::stopped, PowerState::paused})
    if (s == to_string(p)) return p;
  return std::nullopt;
}

std::optional<Firmware> parse_firmware(const std::string& s) {
  for (auto f : {Firmware::bios, Firmware::uefi})
    if (s == to_string(f)) return f;
  return std::nullopt;
}

SourceMark VmSpec::mark_of(const std::string& field) const {
  // The most specific recorded mark: "disks[1].size", then "disks[1]", then "disks".
  std::string key = field;
  while (!key.empty()) {
    if (auto it = field_marks.find(key); it != field_marks.end()) return it->second;
    const auto cut = key.find_last_of(".[");
    if (cut == std::string::npos) break;
    key.resize(cut);
  }
  return mark;
}

}  // namespace hvctl
