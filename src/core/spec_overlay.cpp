// The desired spec laid over the actual one, field by field along the field
// table: a set field wins, an unset one keeps what the VM has. Blocks merge
// like everything else; a settings map (vsphere.extraConfig) merges by key.
#include "hvctl/spec_overlay.hpp"

#include <algorithm>

#include "hvctl/spec_fields.hpp"

namespace hvctl {
namespace {

using namespace fields;

template <typename Owner>
void over(const Field& f, Owner& base, const Owner& top) {
  auto v = get(f, top);
  if (!is_set(v)) return;
  if (f.kind == Kind::settings) {
    auto merged = std::get<std::map<std::string, std::string>>(v);
    if (auto old = get(f, base); is_set(old)) merged.merge(std::get<std::map<std::string, std::string>>(old));
    v = std::move(merged);  // std::map::merge keeps the top's value for a key both have
  }
  set(f, base, v);
}

template <typename Item>
void over_items(std::vector<Item>& base, const std::vector<Item>& top, Scope scope) {
  for (const auto& t : top) {
    auto it = std::find_if(base.begin(), base.end(), [&](const Item& b) { return b.id == t.id; });
    if (it == base.end()) {
      base.push_back(t);
      continue;
    }
    for (const auto& f : table())
      if (f.scope == scope && f.kind != Kind::id) over(f, *it, t);
  }
}

// Drops the devices `desired` does not name, in each device list it has.
void prune_unlisted(VmSpec& out, const VmSpec& desired) {
  for (const auto& f : table()) {
    if (f.scope != Scope::vm || f.kind != Kind::list || !desired.field_marks.count(f.key())) continue;
    visit_list(f, out, [&](auto& items) {
      using Item = typename std::decay_t<decltype(items)>::value_type;
      const auto& want = items_of<Item>(desired);
      std::erase_if(items, [&](const Item& have) {
        return std::none_of(want.begin(), want.end(), [&](const Item& w) { return w.id == have.id; });
      });
    });
  }
}

// A size laid above its ceiling (memory above memory.max, vCPUs above
// cpu.max): when the spec gave only the ceiling the size comes down to it,
// else the ceiling rises with the size (the VM then restarts).
template <typename T>
void keep_below_ceiling(std::optional<T>& size, std::optional<T>& ceiling, const std::optional<T>& desired_size,
                        const std::optional<T>& desired_ceiling) {
  if (!size || !ceiling || *size <= *ceiling) return;
  if (desired_ceiling && !desired_size)
    size = ceiling;
  else
    ceiling = size;
}

}  // namespace

VmSpec overlay_spec(const VmSpec& actual, const VmSpec& desired) {
  VmSpec out = actual;
  for (const auto& f : table())
    if (f.scope == Scope::vm && (f.is_leaf() || f.access.set)) over(f, out, desired);
  over_items(out.disks, desired.disks, Scope::disk);
  over_items(out.cdroms, desired.cdroms, Scope::cdrom);
  over_items(out.nics, desired.nics, Scope::nic);
  over_items(out.controllers, desired.controllers, Scope::controller);
  if (desired.prune.value_or(false)) prune_unlisted(out, desired);
  out.name = desired.name;
  out.target = desired.target;
  out.ensure = desired.ensure;
  out.power = desired.power ? desired.power : actual.power;
  out.mark = desired.mark;
  out.field_marks = desired.field_marks;
  keep_below_ceiling(out.memory.size_mib, out.memory.max_mib, desired.memory.size_mib, desired.memory.max_mib);
  keep_below_ceiling(out.cpu.count, out.cpu.max, desired.cpu.count, desired.cpu.max);
  return out;
}

}  // namespace hvctl
