// The planner: compares only the fields a spec sets with what the target
// reports, so backend defaults never show up as drift.
#include "hvctl/plan.hpp"


#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "hvctl/clone.hpp"
#include "hvctl/spec_fields.hpp"
#include "hvctl/units.hpp"

namespace hvctl {
namespace {

using namespace fields;

class Differ {
public:
  Differ(const Capabilities& caps, std::vector<FieldChange>& out) : caps_(caps), out_(out) {}

  void add(const std::string& name, const std::string& hot_key, std::string from, std::string to) {
    out_.push_back({name, std::move(from), std::move(to), caps_.hot_fields.count(hot_key) > 0, ""});
  }
  FieldChange& last() { return out_.back(); }

  // Records a change of `f` named `name` when the desired value is set and differs.
  void field(const Field& f, const std::string& name, const Value& want, const Value& have) {
    if (!is_set(want) || want == have) return;
    // A flag the target does not report is off: backends say only what is on (readonly, template).
    if (f.kind == Kind::boolean && !is_set(have) && want == Value{false}) return;
    if (f.kind != Kind::settings) return add(name, f.key(), show(f, have), show(f, want));
    // Only the listed keys count: the platform keeps many of its own.
    const auto& h = is_set(have) ? std::get<std::map<std::string, std::string>>(have) : kNoSettings;
    for (const auto& [key, value] : std::get<std::map<std::string, std::string>>(want)) {
      auto it = h.find(key);
      if (it == h.end() || it->second != value) add(name + "." + key, f.key(), it == h.end() ? "" : it->second, value);
    }
  }

private:
  static inline const std::map<std::string, std::string> kNoSettings;
  const Capabilities& caps_;
  std::vector<FieldChange>& out_;
};

// Whether a field is part of the guest's first-boot identity: spec.init, and
// VMware's guest customization. A change makes the guest a new instance.
bool is_identity_key(const std::string& key) {
  return key.rfind("init.", 0) == 0 || key.rfind("vsphere.customization.", 0) == 0;
}

std::vector<const Field*> identity_fields() {
  std::vector<const Field*> out;
  for (const auto& f : table())
    if (f.is_leaf() && is_identity_key(f.key())) out.push_back(&f);
  return out;
}

template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

// Whether the differ compares `f` on this target: a field it only reads at
// create (placement) is not drift.
bool compared_on(const Field& f, const Capabilities& caps) {
  if (!f.compared || !f.is_leaf()) return false;
  const auto column = column_of(caps.backend);
  return !column || f.on(*column).use != Use::create;
}

// Whether attaching or detaching `item` (a disk or NIC) on a running VM is
// hot: its list's `hot_key` ("disks.add") is, and a disk is not on a bus the
// target cannot hot-plug. An unset bus is the backend's default, which can.
template <typename Item>
bool device_hot(const Capabilities& caps, const std::string& hot_key, const Item& item) {
  if (!caps.hot_fields.count(hot_key)) return false;
  if constexpr (std::is_same_v<Item, DiskSpec>) return !item.bus || !caps.cold_disk_buses.count(*item.bus);
  return true;
}

template <typename Item>
void diff_items(Differ& d, const Field& list, const std::vector<Item>& want, const std::vector<Item>& have,
                const Capabilities& caps) {
  const auto item_fields = children(list.path);
  for (const auto& w : want) {
    const auto* h = find_by_id(have, w.id);
    const std::string base = list.key() + "[" + w.id + "]";
    if (!h) {
      d.add(base, list.key() + ".add", "", "add");
      d.last().hot = device_hot(caps, list.key() + ".add", w);
      continue;
    }
    for (const Field* f : item_fields) {
      if (!compared_on(*f, caps)) continue;
      const auto have_value = get(*f, *h);
      if (f->kind == Kind::size && !is_set(have_value)) continue;  // a size the target does not report is not drift
      d.field(*f, base + "." + f->leaf(), get(*f, w), have_value);
    }
  }
}

// Memory and vCPUs change live only within the ceiling the VM booted with
// (balloon, vCPUs offline): the last change, when it is `field`, is not hot
// above `ceiling` or when the ceiling itself changes.
template <typename T>
void hot_within_ceiling(std::vector<FieldChange>& out, const char* field, const char* ceiling_field,
                        const std::optional<T>& want, const std::optional<T>& want_ceiling,
                        const std::optional<T>& have_ceiling, const std::string& unit) {
  if (out.empty() || out.back().field != field || !out.back().hot || !want || !have_ceiling) return;
  auto& change = out.back();
  if (want_ceiling && want_ceiling != have_ceiling) {
    change.hot = false;
    change.why = fmt::format("{} changes, and the VM boots with its ceiling", ceiling_field);
  } else if (*want > *have_ceiling) {
    change.hot = false;
    change.why = fmt::format("above the {}{} {} it booted with", *have_ceiling, unit, ceiling_field);
  }
}

void hot_within_ceilings(std::vector<FieldChange>& out, const Field& f, const VmSpec& want, const VmSpec& have) {
  if (f.key() == "memory.size")
    hot_within_ceiling(out, "memory.size", "memory.max", want.memory.size_mib, want.memory.max_mib,
                       have.memory.max_mib ? have.memory.max_mib : have.memory.size_mib, "MiB");
  else if (f.key() == "cpu.count")
    hot_within_ceiling(out, "cpu.count", "cpu.max", want.cpu.count, want.cpu.max,
                       have.cpu.max ? have.cpu.max : have.cpu.count, "");
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
  for (const auto& f : table()) {
    if (f.scope != Scope::vm) continue;
    if (f.kind == Kind::list) {
      visit_list(f, want, [&](const auto& items) {
        using Item = typename std::decay_t<decltype(items)>::value_type;
        diff_items(d, f, items, items_of<Item>(have), caps);
      });
      continue;
    }
    if (!compared_on(f, caps)) continue;
    // A block's fields are compared when the target reported that block: it reads it.
    if (const auto block = f.block(); !block.empty() && !is_set(get(*find_key(block), have))) continue;
    d.field(f, f.key(), get(f, want), get(f, have));
    hot_within_ceilings(out, f, want, have);
  }
  return out;
}

std::vector<FieldChange> create_only_changes(const VmSpec& want, const VmSpec& have, const Capabilities& caps) {
  std::vector<FieldChange> out;
  const auto column = column_of(caps.backend);
  if (!column) return out;
  for (const auto& f : table()) {
    if (f.scope != Scope::vm || !f.is_leaf() || !f.compared || f.on(*column).use != Use::create) continue;
    const auto w = get(f, want), h = get(f, have);
    if (is_set(w) && is_set(h) && w != h) out.push_back({f.key(), show(f, h), show(f, w), false, ""});
  }
  return out;
}

std::vector<std::string> unlisted_devices(const VmSpec& desired, const VmSpec& actual) {
  std::vector<std::string> out;
  for (const auto& f : table()) {
    if (f.scope != Scope::vm || f.kind != Kind::list || !desired.field_marks.count(f.key())) continue;
    visit_list(f, desired, [&](const auto& want) {
      using Item = typename std::decay_t<decltype(want)>::value_type;
      for (const auto& h : items_of<Item>(actual))
        if (!find_by_id(want, h.id)) out.push_back(f.key() + "[" + h.id + "]");
    });
  }
  return out;
}

// What pruning disk `id` does with its image.
static std::string disk_removal(const std::string& id, const VmSpec& desired, const VmState& actual) {
  if (!desired.delete_images) return "remove (image kept)";
  if (!actual.owned_disks.count(id)) return "remove (image kept: hvctl did not make it)";
  return "remove (image deleted)";
}

// A VM whose spec pins it to vsphere.host and that runs on another: the one
// placement field that is drift (without the pin, DRS may move it).
static std::optional<FieldChange> pinned_host_change(const VmSpec& desired, const VmState& actual,
                                                     const Capabilities& caps) {
  if (caps.backend != "vsphere" || !desired.vsphere || !desired.vsphere->pin_host.value_or(false)) return std::nullopt;
  const auto& host = desired.vsphere->host;
  if (!host || actual.runtime.host.empty() || actual.runtime.host == *host) return std::nullopt;
  return FieldChange{kPinnedHostField, actual.runtime.host, *host, true, ""};
}

VmPlan plan_vm(VmSpec desired_spec, std::optional<VmState> actual_state, const std::string& target,
               const Capabilities& caps) {
  VmPlan plan;
  plan.desired = std::move(desired_spec);
  plan.actual = std::move(actual_state);
  const VmSpec& desired = plan.desired;
  const std::optional<VmState>& actual = plan.actual;
  plan.vm = desired.name;
  plan.target = target;
  plan.ignored_blocks = ignored_blocks(desired, caps);
  if (desired.ensure == Ensure::absent) {
    plan.remove = actual.has_value();
    return plan;
  }
  // A template is never powered on: marking one stops it, and a new one stays off.
  const bool is_template = desired.is_template.value_or(false);
  if (!actual) {
    plan.create = true;
    const auto want = desired.power.value_or(is_template ? PowerState::stopped : PowerState::running);
    if (want != PowerState::stopped) {
      plan.power_from = PowerState::stopped;
      plan.power_to = want;
    }
    return plan;
  }
  // What this VM cannot take while it runs is not hot for it (VmState::cold_fields).
  Capabilities narrowed;
  const Capabilities& vm_caps = actual->cold_fields.empty() ? caps : narrowed;
  if (!actual->cold_fields.empty()) {
    narrowed = caps;
    for (const auto& key : actual->cold_fields) narrowed.hot_fields.erase(key);
  }
  plan.changes = diff_spec(desired, actual->spec, vm_caps);
  for (auto& device : unlisted_devices(desired, actual->spec)) {
    if (!desired.prune.value_or(false)) {
      plan.kept.push_back(std::move(device));
      continue;
    }
    const auto list = device.substr(0, device.find('['));
    const auto id = device.substr(list.size() + 1, device.size() - list.size() - 2);
    bool hot = false;
    visit_list(*find_key(list), actual->spec,
               [&](const auto& items) { hot = device_hot(vm_caps, list + ".remove", *find_by_id(items, id)); });
    // An unplug needs the guest's consent; a paused one cannot give it, and
    // one asked while paused is left pending in the hypervisor. (One this
    // apply resumes is resumed first: the engine's order.)
    const bool paused = actual->power == PowerState::paused && desired.power.value_or(actual->power) == PowerState::paused;
    plan.changes.push_back({device, "present", list == "disks" ? disk_removal(id, desired, *actual) : "remove",
                            hot && !paused, hot && paused ? "the VM is paused: its guest cannot release it" : ""});
  }
  plan.create_only = create_only_changes(desired, actual->spec, caps);
  if (auto moved = pinned_host_change(desired, *actual, caps)) plan.changes.push_back(std::move(*moved));
  const auto want_power = desired.power.value_or(is_template ? PowerState::stopped : actual->power);
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
  if (create && desired.source.name()) {  // a clone's CPU and memory are the source's unless the spec says
    std::string what = describe_source(desired.source);
    if (desired.cpu.count) what += fmt::format(", {} vCPU", *desired.cpu.count);
    if (desired.memory.size_mib) what += ", " + format_size_mib(*desired.memory.size_mib);
    parts.push_back("create (" + what + ")");
  } else if (create) {
    parts.push_back(fmt::format("create ({} vCPU, {})", desired.cpu.count.value_or(1),
                                desired.memory.size_mib ? format_size_mib(*desired.memory.size_mib) : "default memory"));
  }
  if (!changes.empty()) {
    std::string list;
    for (const auto& c : changes)
      list += fmt::format("{}{} {} -> {}{}", list.empty() ? "" : ", ", c.field, c.from.empty() ? "(unset)" : c.from,
                          c.to, !restarts_for(c) ? "" : c.why.empty() ? " (needs restart)" : " (needs restart: " + c.why + ")");
    parts.push_back("update " + list);
    if (std::any_of(changes.begin(), changes.end(), [](const FieldChange& c) { return is_identity_key(c.field); }))
      parts.push_back("the guest reads its new identity at its next boot, as a new instance (a new instance-id)");
  }
  if (power_to) {
    static const std::map<std::pair<PowerState, PowerState>, const char*> kVerbs = {
        {{PowerState::stopped, PowerState::running}, "start"}, {{PowerState::stopped, PowerState::paused}, "start paused"},
        {{PowerState::running, PowerState::stopped}, "stop"},  {{PowerState::running, PowerState::paused}, "pause"},
        {{PowerState::paused, PowerState::running}, "resume"}, {{PowerState::paused, PowerState::stopped}, "stop"}};
    parts.push_back(kVerbs.at({*power_from, *power_to}));
  }
  if (!kept.empty()) {
    std::string list;
    for (const auto& k : kept) list += (list.empty() ? "" : ", ") + k;
    parts.push_back("kept (not in spec): " + list);
  }
  if (!create_only.empty()) {
    std::string list;
    for (const auto& c : create_only) list += fmt::format("{}{} {} -> {}", list.empty() ? "" : ", ", c.field, c.from, c.to);
    parts.push_back((parts.empty() ? "no changes; " : "") + std::string("ignored (read at create only): ") + list);
  }
  if (parts.empty()) return "no changes";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// The hypervisor a spec's VM runs on: a libvirt spec's domainType names it.
std::string spec_hypervisor(const VmSpec& spec, const Capabilities& caps) {
  if (caps.backend == "libvirt" && spec.libvirt && spec.libvirt->domain_type) return *spec.libvirt->domain_type;
  return caps.hypervisor;
}

static bool refused_unread(const Field& f, const std::optional<Column>& column) {
  return column && f.on(*column).use == Use::refused && find_key(f.block())->on(*column).use == Use::none;
}

std::vector<Problem> unsupported_fields(const VmSpec& spec, const Capabilities& caps) {
  std::vector<Problem> problems;
  const auto column = column_of(caps.backend);
  const auto hypervisor = spec_hypervisor(spec, caps);
  for (const auto& [key, mark] : spec.field_marks) {
    const auto* f = find_key(generic_field_name(key));
    if (!f || !f->is_leaf() || f->universal()) continue;
    // Another hypervisor's block is kept and ignored, but for a field that a
    // backend which never reads the block refuses (a customization only
    // vSphere would run: the guest would come up without its address).
    if (!reads_block(f->block(), caps.backend, hypervisor) && !refused_unread(*f, column)) continue;
    if (caps.fields.count(f->key())) continue;
    const std::string why = column ? f->on(*column).how : "";
    problems.push_back({mark, fmt::format("VM '{}': {} cannot be expressed on a {} target{}{}", spec.name, f->key(),
                                          caps.backend, why.empty() ? "" : ": ", why)});
  }
  return problems;
}

std::vector<Problem> transition_problems(const VmSpec& desired, const VmSpec& actual) {
  std::vector<Problem> out;
  if (!desired.reinit)
    for (const Field* f : identity_fields())
      if (auto want = get(*f, desired); is_set(want) && want != get(*f, actual)) {
        out.push_back({desired.mark_of(f->key()),
                       fmt::format("VM '{}': {} changes its first-boot identity: the guest would boot as a new instance "
                                   "(cloud-init makes new host keys and users); apply --reinit does it",
                                   desired.name, f->path)});
        break;
      }
  const auto count = desired.cpu.count ? desired.cpu.count : actual.cpu.count;
  const auto cores = desired.cpu.cores_per_socket ? desired.cpu.cores_per_socket : actual.cpu.cores_per_socket;
  if (count && cores && *count % *cores != 0)
    out.push_back({desired.mark_of(desired.cpu.count ? "cpu.count" : "cpu.coresPerSocket"),
                   fmt::format("VM '{}': cpu.count {} does not divide into sockets of {} cores (cpu.coresPerSocket); "
                               "set both", desired.name, *count, *cores)});
  return out;
}

std::vector<std::string> ignored_blocks(const VmSpec& spec, const Capabilities& caps) {
  std::vector<std::string> out;
  for (const char* block : {"xen", "vsphere", "libvirt"})
    if (is_set(get(*find_key(block), spec)) && !reads_block(block, caps.backend, spec_hypervisor(spec, caps)))
      out.emplace_back(block);
  return out;
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
