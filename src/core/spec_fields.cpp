// Lookups over the field table (spec_field_table.cpp).
#include "hvctl/spec_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hvctl/text.hpp"
#include "hvctl/units.hpp"
#include "spec_schema.hpp"

namespace hvctl::fields {

const char* to_string(Column c) {
  switch (c) {
    case Column::libvirt: return "libvirt";
    case Column::vsphere: return "vsphere";
    case Column::xen: return "xen";
  }
  return "?";
}

std::optional<Column> column_of(std::string_view backend) {
  for (auto c : kColumns)
    if (backend == to_string(c)) return c;
  return std::nullopt;
}

std::string Field::leaf() const {
  const std::string_view p = path;
  const auto dot = p.rfind('.');
  return std::string(dot == std::string_view::npos ? p : p.substr(dot + 1));
}

std::string key_of(std::string_view path) {
  for (std::string_view root : {"metadata.", "spec."})
    if (path.substr(0, root.size()) == root) path.remove_prefix(root.size());
  std::string out(path);
  if (auto at = out.find("[]"); at != std::string::npos) out.erase(at, 2);
  return out;
}

std::string block_of(std::string_view path) {
  const std::string k = key_of(path);
  for (const char* b : {"xen", "vsphere", "libvirt"})
    if (path.substr(0, 5) == "spec." && (k == b || k.rfind(std::string(b) + ".", 0) == 0)) return b;
  return "";
}

bool Field::universal() const {
  for (auto c : kColumns)
    if (on(c).use != Use::hot || *on(c).how) return false;
  return true;
}

const BackendUse& Field::on(Column c) const {
  switch (c) {
    case Column::libvirt: return libvirt;
    case Column::vsphere: return vsphere;
    case Column::xen: return xen;
  }
  return libvirt;
}

const Field* find(std::string_view path) {
  for (const auto& f : table())
    if (path == f.path) return &f;
  return nullptr;
}

const Field* find_key(std::string_view key) {
  // By map: the planner looks up every field mark of every spec.
  static const auto kByKey = [] {
    std::map<std::string, const Field*, std::less<>> m;
    for (const auto& f : table())
      if (f.kind != Kind::constant) m.emplace(f.key(), &f);
    return m;
  }();
  auto it = kByKey.find(key);
  return it == kByKey.end() ? nullptr : it->second;
}

namespace {
// "spec.disks[].size" under "spec.disks": the parent drops a trailing "[]".
std::string_view parent_of(std::string_view path) {
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return "";
  auto parent = path.substr(0, dot);
  if (parent.size() >= 2 && parent.substr(parent.size() - 2) == "[]") parent.remove_suffix(2);
  return parent;
}
}  // namespace

std::vector<const Field*> children(std::string_view group) {
  std::vector<const Field*> out;
  for (const auto& f : table())
    if (parent_of(f.path) == group) out.push_back(&f);
  return out;
}

std::vector<std::string> child_keys(std::string_view group) {
  std::vector<std::string> out;
  for (const auto* f : children(group)) out.push_back(f->leaf());
  return out;
}

std::string closest(const std::string& word) {
  std::vector<std::string> words;
  for (const auto& f : table()) {
    words.emplace_back(f.path);
    words.push_back(f.key());
  }
  return did_you_mean(word, words);
}

Value get(const Field& f, const VmSpec& s) { return f.scope == Scope::vm && f.access.get ? f.access.get(&s) : Value{}; }
Value get(const Field& f, const DiskSpec& d) { return f.scope == Scope::disk ? f.access.get(&d) : Value{}; }
Value get(const Field& f, const CdromSpec& c) { return f.scope == Scope::cdrom ? f.access.get(&c) : Value{}; }
Value get(const Field& f, const NicSpec& n) { return f.scope == Scope::nic ? f.access.get(&n) : Value{}; }
Value get(const Field& f, const ControllerSpec& c) {
  return f.scope == Scope::controller ? f.access.get(&c) : Value{};
}
void set(const Field& f, VmSpec& s, const Value& v) { if (f.scope == Scope::vm && f.access.set) f.access.set(&s, v); }
void set(const Field& f, DiskSpec& d, const Value& v) { if (f.scope == Scope::disk) f.access.set(&d, v); }
void set(const Field& f, CdromSpec& c, const Value& v) { if (f.scope == Scope::cdrom) f.access.set(&c, v); }
void set(const Field& f, NicSpec& n, const Value& v) { if (f.scope == Scope::nic) f.access.set(&n, v); }
void set(const Field& f, ControllerSpec& c, const Value& v) {
  if (f.scope == Scope::controller) f.access.set(&c, v);
}

const char* item_noun(Scope scope) {
  switch (scope) {
    case Scope::disk: return "disk";
    case Scope::cdrom: return "cdrom";
    case Scope::nic: return "nic";
    case Scope::controller: return "controller";
    case Scope::vm: break;
  }
  return "VM";
}

std::string show(const Field& f, const Value& v) {
  if (auto* s = std::get_if<std::string>(&v); s && f.kind == Kind::content) {  // a file's text: its size and digest
    const auto lines = std::count(s->begin(), s->end(), '\n') + (!s->empty() && s->back() != '\n');
    return fmt::format("{} line{}, {} bytes, digest {}", lines, lines == 1 ? "" : "s", s->size(), content_digest(*s));
  }
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* n = std::get_if<long long>(&v))
    return f.kind == Kind::size ? format_size_mib(static_cast<std::uint64_t>(*n)) : std::to_string(*n);
  if (auto* m = std::get_if<std::map<std::string, std::string>>(&v)) {
    std::string out;
    for (const auto& [k, value] : *m) out += (out.empty() ? "" : ",") + k + "=" + value;
    return out;
  }
  if (auto* l = std::get_if<Strings>(&v)) return fmt::format("{} item{}", l->size(), l->size() == 1 ? "" : "s");
  return "";
}

std::string effective_xen_type(const VmSpec& spec) {
  if (spec.xen && spec.xen->type) return *spec.xen->type;
  return spec.boot.kernel || spec.boot.loader ? "pvh" : "hvm";
}

std::uint64_t effective_memory_mib(const VmSpec& spec) {
  return spec.memory.size_mib.value_or(spec.memory.max_mib.value_or(kDefaultMemoryMib));
}

int effective_cpu_count(const VmSpec& spec) { return spec.cpu.count.value_or(spec.cpu.max.value_or(1)); }

int effective_cpu_max(const VmSpec& spec) { return std::max(spec.cpu.max.value_or(0), effective_cpu_count(spec)); }

void drop_unsaid(VmSpec& spec) {
  if (spec.cpu.max && spec.cpu.max == spec.cpu.count) spec.cpu.max.reset();
  if (spec.autostart == AutostartSpec{false, {}, {}}) spec.autostart = {};
}

bool reads_block(const std::string& block, const std::string& backend, const std::string& hypervisor) {
  return block.empty() || block == backend || (block == "xen" && hypervisor == "xen");
}

namespace {
std::set<std::string> keys_where(Column c, bool (*want)(const Field&, Use)) {
  std::set<std::string> out;
  for (const auto& f : table())
    if (f.is_leaf() && want(f, f.on(c).use)) out.insert(f.key());
  return out;
}
}  // namespace

std::set<std::string> accepted_keys(Column c) {
  return keys_where(c, [](const Field&, Use u) { return u == Use::hot || u == Use::restart || u == Use::create; });
}

std::set<std::string> hot_keys(Column c) {
  auto out = keys_where(c, [](const Field& f, Use u) { return f.compared && u == Use::hot; });
  // A device list that is hot attaches and detaches its items on a running VM.
  for (const auto& f : table())
    if (f.kind == Kind::list && f.on(c).use == Use::hot) {
      out.insert(f.key() + ".add");
      out.insert(f.key() + ".remove");
    }
  return out;
}

}  // namespace hvctl::fields
