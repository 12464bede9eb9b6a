// hvctl/v1 spec parser: walks each YAML document along the field table
// (spec_field_table.cpp) and records every problem with file:line:column
// instead of stopping at the first one.
#include <fmt/format.h>

#include "hvctl/cloud_init_check.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/text.hpp"
#include "hvctl/units.hpp"
#include "spec_reader.hpp"
#include "spec_schema.hpp"
#include "yaml_load.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <type_traits>

namespace hvctl {

void SpecReader::read_group(const yaml::Node& n, const fields::Field& group) {
  using namespace fields;
  if (group.access.set) {  // a block: present even when it is empty (`xen:`)
    set(group, *spec_, Value{true});
    if (n.IsNull()) return;
  }
  if (*group.shorthand && n.IsScalar()) {  // "autostart: true" is {enabled: true}
    const Field* f = find(std::string(group.path) + "." + group.shorthand);
    if (auto v = read_value(n, *f, group.path); is_set(v)) set(*f, *spec_, v);
    return;
  }
  if (!check_map(n, group.path, child_keys(group.path))) return;
  for (const Field* f : children(group.path)) {
    const auto& child = n[f->leaf()];
    if (!child) continue;
    note(f->key(), child);
    if (f->kind == Kind::group) {
      read_group(child, *f);
    } else if (f->kind == Kind::list) {
      visit_list(*f, *spec_, [&](auto& items) { read_items(child, *f, items); });
    } else if (f->kind != Kind::constant) {
      if (auto v = read_value(child, *f, f->path); is_set(v)) set(*f, *spec_, v);
    }
  }
}

template <typename Item>
void SpecReader::read_items(const yaml::Node& n, const fields::Field& list, std::vector<Item>& out) {
  using namespace fields;
  if (!n.IsSequence()) return error(n, fmt::format("{} must be a list", list.path));
  const auto item_fields = children(list.path);
  const auto keys = child_keys(list.path);
  const char* singular = item_noun(scope_of<Item>());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const auto& d = n[i];
    const auto where = fmt::format("{}[{}]", list.path, i);
    const auto mark_key = fmt::format("{}[{}]", list.key(), i);
    if (!check_map(d, where, keys)) continue;
    note(mark_key, d);
    Item item;
    for (const Field* f : item_fields) {
      const auto key = f->leaf();
      if (!d[key]) continue;
      note(mark_key + "." + key, d[key]);
      if (auto v = read_value(d[key], *f, where + "." + key); is_set(v)) set(*f, item, v);
    }
    if (!d["id"]) error(d, where + ".id is required");
    else if (valid_id(item.id) && !ids.insert(item.id).second)
      error(d["id"], fmt::format("duplicate {} id '{}'", singular, excerpt(item.id)));
    if constexpr (std::is_same_v<Item, DiskSpec>) {
      if (!d["size"] && !d["path"] && !d["from"])
        error(d, where + " needs a size (a new disk), from (a new disk made from a base image) or a path (an "
                         "existing image)");
      if (d["path"] && d["from"])
        error(d["from"], where + ": path attaches an existing image, from makes a new disk from one; give one of them");
    }
    out.push_back(std::move(item));
  }
}

fields::Value SpecReader::read_value(const yaml::Node& n, const fields::Field& f, const std::string& where) {
  using fields::Kind;
  using fields::Value;
  switch (f.kind) {
    case Kind::name:
    case Kind::id: {
      auto s = str(n, where);
      if (!s) return {};
      if (f.kind == Kind::name && !valid_vm_name(*s))
        error(n, fmt::format("{} '{}' must start with a letter or digit and use only letters, digits, '.', '_' and '-' (at most 63)", where, excerpt(*s)));
      if (f.kind == Kind::id && !valid_id(*s))
        error(n, fmt::format("{} '{}' must be like a name: letters, digits, '.', '_', '-'", where, excerpt(*s)));
      return *s;
    }
    case Kind::text: {
      auto s = str(n, where);
      return s ? Value{*s} : Value{};
    }
    case Kind::host_path: {  // a host file: relative to the spec file; "[datastore] path" is vSphere's, kept
      auto s = str(n, where);
      if (!s) return {};
      if (!s->empty() && (*s)[0] != '/' && (*s)[0] != '[' && file_.str() != "<stdin>")
        return (std::filesystem::absolute(file_.str()).parent_path() / *s).lexically_normal().string();
      return *s;
    }
    case Kind::integer: {
      if (f.key() == "cpu.cap" && n.IsScalar() && n.Scalar() == "0") {  // xl's "cap = 0" means no cap: say so
        error(n, "spec.cpu.cap must be at least 1 (percent of one physical CPU); leave it out for no cap");
        return {};
      }
      auto v = integer(n, where, static_cast<long>(f.min), static_cast<long>(f.max));
      return v ? Value{static_cast<long long>(*v)} : Value{};
    }
    case Kind::size: {
      auto v = size(n, where);
      if (!v) return {};
      if (f.min && *v < static_cast<std::uint64_t>(f.min)) error(n, fmt::format("{} must be at least {}MiB", where, f.min));
      return static_cast<long long>(*v);
    }
    case Kind::boolean: {
      auto v = boolean(n, where);
      return v ? Value{*v} : Value{};
    }
    case Kind::choice: {
      auto v = one_of(n, where, *f.values);
      return v ? Value{*v} : Value{};
    }
    case Kind::mac: {
      auto mac = str(n, where);
      if (!mac) return {};
      std::string lower = *mac;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (valid_mac(lower)) return lower;
      error(n, fmt::format("{} '{}' is not a unicast MAC address like 52:54:00:12:34:56", where, excerpt(*mac)));
      return {};
    }
    case Kind::labels:
    case Kind::settings:
      return string_map(n, where, f.kind == Kind::labels);
    case Kind::strings:
      return strings(n, where);
    case Kind::content:
      return content(n, f, where);
    case Kind::group:
    case Kind::list:
    case Kind::constant:
      break;
  }
  return {};
}

fields::Value SpecReader::strings(const yaml::Node& n, const std::string& where) {
  if (!n.IsSequence()) {
    error(n, fmt::format("{} must be a list of strings", where));
    return {};
  }
  fields::Strings out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto s = str(n[i], fmt::format("{}[{}]", where, i));
    if (s && s->empty()) error(n[i], fmt::format("{}[{}] must not be empty", where, i));
    else if (s) out.push_back(*s);
  }
  return out.empty() ? fields::Value{} : fields::Value{out};
}

// A file's text: inline when it has a line break, else a path relative to
// the spec file, read now. contents_ keeps where its line 1 is, for the
// checks of what it says.
fields::Value SpecReader::content(const yaml::Node& n, const fields::Field& f, const std::string& where) {
  auto s = str(n, where);
  if (!s) return {};
  if (s->empty()) {
    error(n, fmt::format("{} must not be empty: name a file, or give the text inline (with `|`)", where));
    return {};
  }
  if (s->find('\n') != std::string::npos) {  // inline: a block scalar's text starts on the line after its key
    SourceMark at = mark(n);
    contents_[f.key()] = {at.file, at.line, at.column > 0 ? at.column - 1 : 0};
    return *s;
  }
  std::filesystem::path path(*s);
  if (path.is_relative() && file_.str() != "<stdin>") path = std::filesystem::absolute(file_.str()).parent_path() / path;
  path = path.lexically_normal();
  try {
    std::string text = read_input_file(path.string());
    contents_[f.key()] = {path.string(), 0, 0};
    if (text.empty() || text.back() != '\n') text += '\n';  // so that it is inline text when written back
    return text;
  } catch (const InputError& e) {
    error(n, fmt::format("{}: {}: {}", where, path.string(), e.what()));
    return {};
  }
}

// Controllers and the disks that name them.
void SpecReader::check_controllers(const VmSpec& spec) {
  for (std::size_t i = 0; i < spec.controllers.size(); ++i) {
    const auto& c = spec.controllers[i];
    const auto at = fmt::format("controllers[{}]", i);
    if (!c.type) error_at(spec.mark_of(at), fmt::format("spec.{}.type is required (scsi, sata, ide or nvme)", at));
    else if (c.model && *c.type != "scsi")
      error_at(spec.mark_of(at + ".model"), fmt::format("spec.{}.model is for scsi controllers; this one is {}", at,
                                                        *c.type));
  }
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& d = spec.disks[i];
    if (!d.controller) continue;
    const auto at = fmt::format("disks[{}].controller", i);
    auto it = std::find_if(spec.controllers.begin(), spec.controllers.end(),
                           [&](const ControllerSpec& c) { return c.id == *d.controller; });
    if (it == spec.controllers.end())
      error_at(spec.mark_of(at), fmt::format("spec.{} '{}' is not in spec.controllers", at, excerpt(*d.controller)));
    else if (d.bus && it->type && *d.bus != *it->type)
      error_at(spec.mark_of(at), fmt::format("spec.{} '{}' is a {} controller, and the disk's bus is {}", at,
                                             excerpt(*d.controller), *it->type, *d.bus));
  }
}

namespace {

// The indentation of line `line` (1-based) of `text`: where an inline
// block's text starts on it.
int indent_of(std::string_view text, int line) {
  std::size_t at = 0;
  for (int l = 1; l < line && at != std::string_view::npos; ++l) {
    at = text.find('\n', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return 0;
  const auto end = text.find_first_not_of(' ', at);
  return static_cast<int>((end == std::string_view::npos ? text.size() : end) - at);
}

}  // namespace

// user-data and network-config, each checked as cloud-init reads it and
// reported at its own file's line (inline text: at the spec's line), with
// what a NoCloud seed can carry.
void SpecReader::check_cloud_init(const VmSpec& spec) {
  using Check = std::vector<Problem> (*)(std::string_view, const std::string&);
  const std::pair<const char*, Check> files[] = {{"init.cloudInit.userData", &check_user_data},
                                                 {"init.cloudInit.networkConfig", &check_network_config}};
  for (const auto& [key, check] : files) {
    const auto& text = std::string(key) == "init.cloudInit.userData" ? spec.init.user_data : spec.init.network_config;
    const auto origin = contents_.find(key);
    if (!text || origin == contents_.end()) continue;
    const SourceMark& from = origin->second;
    for (auto p : check(*text, from.file)) {
      if (from.line > 0) {  // inline: its line 1 is the one after the key's
        p.mark.line += from.line;
        p.mark.column += indent_of(text_, p.mark.line);
      }
      p.message = fmt::format("spec.{}: {}", key, p.message);
      problems_.push_back(std::move(p));
    }
    if (auto too_big = cloud_init_size_problem(text->size(), CloudInitTransport::nocloud_iso))
      error_at(spec.mark_of(key), fmt::format("spec.{}: {}", key, *too_big));
  }
}

// The rules that span fields, each reported where the later field was written.
void SpecReader::check_relations(const VmSpec& spec) {
  check_controllers(spec);
  check_cloud_init(spec);
  check_provisioning(spec);
  const auto& cpu = spec.cpu;
  if (cpu.cap && cpu.count && *cpu.cap > 100 * *cpu.count)
    error_at(spec.mark_of("cpu.cap"), fmt::format("spec.cpu.cap {}% is more than {} vCPU can use ({}%)", *cpu.cap,
                                                  *cpu.count, 100 * *cpu.count));
  if (cpu.cores_per_socket && !cpu.count)
    error_at(spec.mark_of("cpu.coresPerSocket"),
             "spec.cpu.coresPerSocket needs spec.cpu.count (the guest sees count / coresPerSocket sockets)");
  else if (cpu.cores_per_socket && *cpu.count % *cpu.cores_per_socket != 0)
    error_at(spec.mark_of("cpu.coresPerSocket"),
             fmt::format("spec.cpu.coresPerSocket {} does not divide spec.cpu.count {} into whole sockets",
                         *cpu.cores_per_socket, *cpu.count));
  if (spec.description && spec.description->empty())  // every backend reads an empty note back as none
    error_at(spec.mark_of("description"), "metadata.description must not be empty; leave it out for none");
  else if (cpu.cores_per_socket && cpu.max && *cpu.max % *cpu.cores_per_socket != 0)
    error_at(spec.mark_of("cpu.max"), fmt::format("spec.cpu.max {} is not a whole number of sockets of "
                                                  "spec.cpu.coresPerSocket {}", *cpu.max, *cpu.cores_per_socket));
  if (spec.autostart.delay) {
    const auto delay = autostart_delay_seconds(*spec.autostart.delay);
    if (const auto* why = std::get_if<std::string>(&delay))
      error_at(spec.mark_of("autostart.delay"), "spec.autostart.delay: " + *why);
  }
  if (cpu.count && cpu.max && *cpu.max < *cpu.count)
    error_at(spec.mark_of("cpu.max"), fmt::format("spec.cpu.max {} must not be smaller than spec.cpu.count {}",
                                                  *cpu.max, *cpu.count));
  const auto& memory = spec.memory;
  if (memory.size_mib && memory.max_mib && *memory.max_mib < *memory.size_mib)
    error_at(spec.mark_of("memory.max"), "spec.memory.max must not be smaller than spec.memory.size");
  if (!spec.boot.kernel && (spec.boot.ramdisk || spec.boot.cmdline))
    error_at(spec.mark_of("boot"), "spec.boot.ramdisk and spec.boot.cmdline need spec.boot.kernel");
  if (spec.boot.loader && spec.boot.kernel)
    error_at(spec.mark_of("boot.loader"), "spec.boot.loader and spec.boot.kernel exclude each other: the loader "
                                          "boots the kernel on the guest's disk");
  for (auto [key, value] : {std::pair{"console", &spec.ready.console}, {"xenstore", &spec.ready.xenstore}})
    if (*value && (*value)->empty())
      error_at(spec.mark_of(std::string("ready.") + key), fmt::format("spec.ready.{} must not be empty", key));
  const auto& xs = spec.ready.xenstore;
  if (xs && !xs->empty() && (xs->front() == '/' || xs->find("..") != std::string::npos))
    error_at(spec.mark_of("ready.xenstore"), "spec.ready.xenstore is a path relative to the guest's xenstore home, like data/ready");
}

std::optional<VmSpec> SpecReader::read(const yaml::Node& doc) {
  VmSpec spec;
  spec_ = &spec;
  empty_values_.clear();
  contents_.clear();
  spec.mark = mark(doc);
  const std::size_t before = problems_.size();
  if (!check_map(doc, "document", fields::child_keys(""))) return std::nullopt;
  if (!doc["apiVersion"]) error(doc, fmt::format("apiVersion is required (apiVersion: {})", kApiVersion));
  else if (auto v = str(doc["apiVersion"], "apiVersion"); v && *v != kApiVersion)
    error(doc["apiVersion"], fmt::format("unsupported apiVersion '{}': this hvctl reads {}", *v, kApiVersion));
  if (!doc["kind"]) error(doc, fmt::format("kind is required (kind: {})", kKind));
  else if (auto v = str(doc["kind"], "kind"); v && *v != kKind)
    error(doc["kind"], fmt::format("unsupported kind '{}': expected {}", *v, kKind));
  if (!doc["metadata"]) error(doc, "metadata is required (metadata: {name: ...})");
  else if (doc["metadata"].IsMap() && !doc["metadata"]["name"]) error(doc["metadata"], "metadata.name is required");
  if (doc["metadata"]) read_group(doc["metadata"], *fields::find("metadata"));
  if (doc["spec"]) read_group(doc["spec"], *fields::find("spec"));
  check_relations(spec);
  spec_ = nullptr;
  if (problems_.size() != before) return std::nullopt;
  return spec;
}

std::vector<VmSpec> parse_specs(const std::string& text, const std::string& filename,
                                std::vector<Problem>& problems) {
  std::vector<VmSpec> specs;
  // Room for a spec per "---" line, so 10,000 of them are not copied as the vector grows.
  std::size_t starts = 1;
  for (std::size_t at = text.find("\n---"); at != std::string::npos; at = text.find("\n---", at + 4)) ++starts;
  specs.reserve(starts);
  SpecReader reader(filename, problems, text);
  const bool read = for_each_yaml_document(text, filename, problems, [&](const yaml::Node& doc) {
    if (doc.IsNull()) return;  // "---" with nothing after it
    if (auto spec = reader.read(doc)) specs.push_back(std::move(*spec));
  });
  if (!read) specs.clear();
  return specs;
}

}  // namespace hvctl
