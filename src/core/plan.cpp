// The planner: compares only the fields a spec sets with what the target
// reports, so backend defaults never show up as drift.
#include "hvctl/plan.hpp"


#include <fmt/format.h>

#include "hvctl/units.hpp"

namespace hvctl {
namespace {

// Generic spec fields a backend must list in Capabilities::fields to accept.
// Backend blocks (xen, vsphere, libvirt) are not here: a spec may carry
// blocks for several backends and each backend reads only its own.
const char* const kGenericFields[] = {
    "cpu.count", "cpu.weight", "cpu.cap", "memory.size", "memory.max", "firmware", "boot.kernel",
    "boot.ramdisk", "boot.cmdline", "disks.size", "disks.path", "disks.bus", "disks.format",
    "disks.readonly", "nics.network", "nics.mac", "nics.model", "labels",
    "ready.console", "ready.xenstore", "ready.ip", "ready.agent"};

std::string show(const std::optional<std::string>& v) { return v.value_or(""); }
std::string show(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }
std::string show(const std::optional<bool>& v) { return v ? (*v ? "true" : "false") : ""; }
std::string show_size(const std::optional<std::uint64_t>& v) { return v ? format_size_mib(*v) : ""; }

std::string show_labels(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

class Differ {
public:
  Differ(const Capabilities& caps, std::vector<FieldChange>& out) : caps_(caps), out_(out) {}

  // Records a change when the desired value is set and differs. `hot_key` is
  // the field's name in Capabilities::hot_fields.
  template <typename T>
  void field(const std::string& name, const std::string& hot_key, const std::optional<T>& want,
             const std::optional<T>& have, std::string (*show_fn)(const std::optional<T>&)) {
    if (!want || want == have) return;
    out_.push_back({name, show_fn(have), show_fn(want), caps_.hot_fields.count(hot_key) > 0});
  }
  void add(const std::string& name, const std::string& hot_key, std::string from, std::string to) {
    out_.push_back({name, std::move(from), std::move(to), caps_.hot_fields.count(hot_key) > 0});
  }

private:
  const Capabilities& caps_;
  std::vector<FieldChange>& out_;
};

template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

void diff_disks(Differ& d, const std::vector<DiskSpec>& want, const std::vector<DiskSpec>& have) {
  for (const auto& w : want) {
    const auto* h = find_by_id(have, w.id);
    const std::string base = "disks[" + w.id + "]";
    if (!h) {
      d.add(base, "disks.add", "", "add");
      continue;
    }
    // A size the target does not report is not drift.
    if (h->size_mib) d.field(base + ".size", "disks.size", w.size_mib, h->size_mib, show_size);
    d.field(base + ".path", "disks.path", w.path, h->path, show);
    d.field(base + ".bus", "disks.bus", w.bus, h->bus, show);
    d.field(base + ".format", "disks.format", w.format, h->format, show);
    d.field(base + ".readonly", "disks.readonly", w.readonly, h->readonly, show);
  }
}

void diff_nics(Differ& d, const std::vector<NicSpec>& want, const std::vector<NicSpec>& have) {
  for (const auto& w : want) {
    const auto* h = find_by_id(have, w.id);
    const std::string base = "nics[" + w.id + "]";
    if (!h) {
      d.add(base, "nics.add", "", "add");
      continue;
    }
    d.field(base + ".network", "nics.network", w.network, h->network, show);
    d.field(base + ".mac", "nics.mac", w.mac, h->mac, show);
    d.field(base + ".model", "nics.model", w.model, h->model, show);
  }
}

void diff_blocks(Differ& d, const VmSpec& want, const VmSpec& have) {
  if (want.xen && have.xen) {
    d.field("xen.type", "xen.type", want.xen->type, have.xen->type, show);
    d.field("xen.onPoweroff", "xen.onPoweroff", want.xen->on_poweroff, have.xen->on_poweroff, show);
    d.field("xen.onReboot", "xen.onReboot", want.xen->on_reboot, have.xen->on_reboot, show);
    d.field("xen.onCrash", "xen.onCrash", want.xen->on_crash, have.xen->on_crash, show);
    d.field("xen.tscMode", "xen.tscMode", want.xen->tsc_mode, have.xen->tsc_mode, show);
  }
  if (want.vsphere && have.vsphere) {
    const auto &w = *want.vsphere, &h = *have.vsphere;
    d.field("vsphere.guestId", "vsphere.guestId", w.guest_id, h.guest_id, show);
    for (const auto& [key, value] : w.extra_config) {
      auto it = h.extra_config.find(key);
      if (it == h.extra_config.end() || it->second != value)
        d.add("vsphere.extraConfig." + key, "vsphere.extraConfig", it == h.extra_config.end() ? "" : it->second, value);
    }
  }
  if (want.libvirt && have.libvirt) {
    d.field("libvirt.machine", "libvirt.machine", want.libvirt->machine, have.libvirt->machine, show);
    d.field("libvirt.arch", "libvirt.arch", want.libvirt->arch, have.libvirt->arch, show);
  }
}

// "disks[1].size" -> "disks.size": every "[digits]" left out. By hand, as
// std::regex_replace cost 88 k instructions per spec in a 1,000-VM plan.
std::string generic_field_name(const std::string& mark_key) {
  std::string out;
  out.reserve(mark_key.size());
  for (std::size_t i = 0; i < mark_key.size(); ++i) {
    if (mark_key[i] == '[') {
      std::size_t j = i + 1;
      while (j < mark_key.size() && mark_key[j] >= '0' && mark_key[j] <= '9') ++j;
      if (j > i + 1 && j < mark_key.size() && mark_key[j] == ']') {
        i = j;
        continue;
      }
    }
    out += mark_key[i];
  }
  return out;
}

}  // namespace

const char* to_string(PlanAction a) {
  switch (a) {
    case PlanAction::none: return "none";
    case PlanAction::create: return "create";
    case PlanAction::update: return "update";
    case PlanAction::power: return "power";
    case PlanAction::remove: return "delete";
    case PlanAction::impossible: return "impossible";
  }
  return "?";
}

std::vector<FieldChange> diff_spec(const VmSpec& want, const VmSpec& have, const Capabilities& caps) {
  std::vector<FieldChange> out;
  Differ d(caps, out);
  if (!want.labels.empty() && want.labels != have.labels)
    d.add("labels", "labels", show_labels(have.labels), show_labels(want.labels));
  d.field("cpu.count", "cpu.count", want.cpu.count, have.cpu.count, show);
  d.field("cpu.weight", "cpu.weight", want.cpu.weight, have.cpu.weight, show);
  d.field("cpu.cap", "cpu.cap", want.cpu.cap, have.cpu.cap, show);
  d.field("memory.size", "memory.size", want.memory.size_mib, have.memory.size_mib, show_size);
  // Memory changes live only within the ceiling the VM booted with (balloon).
  const auto ceiling = have.memory.max_mib ? have.memory.max_mib : have.memory.size_mib;
  if (!out.empty() && out.back().field == "memory.size" && want.memory.size_mib && ceiling &&
      (*want.memory.size_mib > *ceiling || (want.memory.max_mib && want.memory.max_mib != have.memory.max_mib)))
    out.back().hot = false;
  d.field("memory.max", "memory.max", want.memory.max_mib, have.memory.max_mib, show_size);
  if (want.firmware && want.firmware != have.firmware)
    d.add("firmware", "firmware", have.firmware ? to_string(*have.firmware) : "", to_string(*want.firmware));
  d.field("boot.kernel", "boot", want.boot.kernel, have.boot.kernel, show);
  d.field("boot.ramdisk", "boot", want.boot.ramdisk, have.boot.ramdisk, show);
  d.field("boot.cmdline", "boot", want.boot.cmdline, have.boot.cmdline, show);
  diff_disks(d, want.disks, have.disks);
  diff_nics(d, want.nics, have.nics);
  diff_blocks(d, want, have);
  return out;
}

VmPlan plan_vm(const VmSpec& desired, const std::optional<VmState>& actual, const std::string& target,
               const Capabilities& caps) {
  VmPlan plan;
  plan.vm = desired.name;
  plan.target = target;
  plan.desired = desired;
  plan.actual = actual;
  if (desired.ensure == Ensure::absent) {
    plan.remove = actual.has_value();
    return plan;
  }
  if (!actual) {
    plan.create = true;
    const auto want = desired.power.value_or(PowerState::running);
    if (want != PowerState::stopped) {
      plan.power_from = PowerState::stopped;
      plan.power_to = want;
    }
    return plan;
  }
  plan.changes = diff_spec(desired, actual->spec, caps);
  const auto want_power = desired.power.value_or(actual->power);
  if (want_power != actual->power) {
    plan.power_from = actual->power;
    plan.power_to = want_power;
  }
  for (const auto& c : plan.changes) plan.needs_restart = plan.needs_restart || plan.restarts_for(c);
  return plan;
}

bool VmPlan::restarts_for(const FieldChange& c) const {
  return !c.hot && actual && actual->power != PowerState::stopped && power_to != PowerState::stopped;
}

PlanAction VmPlan::action() const {
  if (!impossible.empty()) return PlanAction::impossible;
  if (remove) return PlanAction::remove;
  if (create) return PlanAction::create;
  if (!changes.empty()) return PlanAction::update;
  if (power_to) return PlanAction::power;
  return PlanAction::none;
}

std::string VmPlan::describe() const {
  std::vector<std::string> parts;
  if (!impossible.empty()) {
    std::string why;
    for (const auto& p : impossible) why += (why.empty() ? "" : "; ") + p.message;
    return "impossible, left as it is: " + why;
  }
  if (remove) return "delete (declared absent)";
  if (create) {
    parts.push_back(fmt::format("create ({} vCPU, {})", desired.cpu.count.value_or(1),
                                desired.memory.size_mib ? format_size_mib(*desired.memory.size_mib) : "default memory"));
  }
  if (!changes.empty()) {
    std::string list;
    for (const auto& c : changes)
      list += fmt::format("{}{} {} -> {}{}", list.empty() ? "" : ", ", c.field, c.from.empty() ? "(unset)" : c.from,
                          c.to, restarts_for(c) ? " (needs restart)" : "");
    parts.push_back("update " + list);
  }
  if (power_to) {
    static const std::map<std::pair<PowerState, PowerState>, const char*> kVerbs = {
        {{PowerState::stopped, PowerState::running}, "start"}, {{PowerState::stopped, PowerState::paused}, "start paused"},
        {{PowerState::running, PowerState::stopped}, "stop"},  {{PowerState::running, PowerState::paused}, "pause"},
        {{PowerState::paused, PowerState::running}, "resume"}, {{PowerState::paused, PowerState::stopped}, "stop"}};
    parts.push_back(kVerbs.at({*power_from, *power_to}));
  }
  if (parts.empty()) return "no changes";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<Problem> unsupported_fields(const VmSpec& spec, const Capabilities& caps) {
  std::vector<Problem> problems;
  for (const auto& [key, mark] : spec.field_marks) {
    const auto field = generic_field_name(key);
    bool generic = false;
    for (const char* g : kGenericFields) generic = generic || field == g;
    if (generic && !caps.fields.count(field))
      problems.push_back({mark, fmt::format("VM '{}': {} cannot be expressed on a {} target", spec.name, field, caps.backend)});
  }
  return problems;
}

std::vector<Problem> problems_on(const VmSpec& spec, const Backend& backend) {
  auto problems = backend.check(spec);
  for (auto& p : unsupported_fields(spec, backend.capabilities())) {
    bool said = false;
    for (const auto& q : problems) said = said || (q.mark.line == p.mark.line && q.mark.column == p.mark.column && q.mark.file == p.mark.file);
    if (!said) problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace hvctl
