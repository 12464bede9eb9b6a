// The hvctl/v1 field table: every spec field once, with how to read and write
// it on a VmSpec, its kind, its documentation and what each backend does with
// it. The parser, the writer, the overlay, the differ, hvctl-spec(5), `hvctl
// explain`, the capability sets and the converters' direct keys all walk it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "hvctl/spec.hpp"

namespace hvctl::fields {

// A field's value, whatever its C++ member: sizes are MiB, enumerations their word.
using Strings = std::vector<std::string>;
using Value = std::variant<std::monostate, std::string, long long, bool, std::map<std::string, std::string>, Strings>;

inline bool is_set(const Value& v) { return !std::holds_alternative<std::monostate>(v); }

enum class Kind {
  group,      // a mapping of further fields ("spec.cpu", "spec.xen")
  list,       // a list of mappings keyed by id ("spec.disks")
  constant,   // apiVersion, kind: fixed words
  name,       // a VM name
  id,         // a disk or NIC id, unique in its list
  text,       // any string
  host_path,  // a file on the host; relative to the spec file (a vSphere "[datastore] path" is kept as it is)
  integer,    // whole number in [min, max]
  size,       // with a binary unit; stored in MiB, at least min MiB
  boolean,
  choice,     // one of `values`
  mac,        // unicast MAC, stored lower-case
  labels,     // map whose keys follow the label rule; compared and replaced whole
  settings,   // free map of strings; only the listed keys count
  strings,    // a list of non-empty strings; compared and replaced whole
  content,    // a file's text: a path (relative to the spec file) is read when the spec is; text with a newline is inline
};

// Which list a field belongs to: the VM itself, or one item of a device list.
enum class Scope { vm, disk, cdrom, nic, controller };

// What a backend does with a field.
enum class Use {
  hot,      // it can change it on a running VM
  restart,  // it sets it, and a change needs the VM stopped
  create,   // it reads it when it creates the VM; later changes are not compared
  refused,  // it cannot express it: a spec that sets it is refused, with `how` as the reason
  none,     // the field is in a block this backend does not read (documentation says so)
};

struct BackendUse {
  Use use = Use::none;
  const char* how = "";  // the native setting ("<vcpu>", "numCPUs"), or why it is refused
};

// The backends with a column in the table, in the man page's order.
enum class Column { libvirt, vsphere, xen };
inline constexpr Column kColumns[] = {Column::libvirt, Column::vsphere, Column::xen};
const char* to_string(Column c);
std::optional<Column> column_of(std::string_view backend);

// How to read and write a field on its owner (a VmSpec or a device list's item, by scope).
struct Access {
  Value (*get)(const void* owner) = nullptr;
  void (*set)(void* owner, const Value& v) = nullptr;
};

struct Field {
  const char* path;   // document path: "spec.cpu.count", "spec.disks[].size", "metadata.labels"
  Kind kind;
  Scope scope;
  const char* type;   // for people: "integer 1..512", "size"
  const char* doc;    // meaning, unset meaning included
  BackendUse libvirt, vsphere, xen;
  long long min = 0, max = 0;                     // integer range; size minimum in MiB
  const std::vector<std::string>* values = nullptr;  // choice
  Access access;
  bool compared = true;  // plan compares it (not: identity, target, power, ready conditions)
  const char* xl = "";   // xl.cfg key when the mapping is one to one, with the same unit
  const char* vmx = "";  // .vmx key, likewise
  const char* shorthand = "";  // a group's child that a scalar in its place sets ("autostart: true")

  // Derived from `path` once, when the table is built (the planner asks per field per VM).
  std::string key_, block_;

  // Its own YAML key: "count" for "spec.cpu.count".
  std::string leaf() const;
  // "cpu.count", "disks.size", "labels": the name in Capabilities, plans and field marks.
  const std::string& key() const { return key_; }
  // The block a field sits in ("xen", "vsphere", "libvirt"), or "" for a generic field.
  const std::string& block() const { return block_; }
  const BackendUse& on(Column c) const;
  // Identity and control fields (name, target, power...): every backend takes them as they are.
  bool universal() const;
  bool is_leaf() const { return kind != Kind::group && kind != Kind::list && kind != Kind::constant; }
};

const std::vector<Field>& table();
std::string key_of(std::string_view path);    // "spec.disks[].size" -> "disks.size"
std::string block_of(std::string_view path);  // "spec.xen.type" -> "xen"; "" outside a block
const Field* find(std::string_view path);          // by document path
const Field* find_key(std::string_view key);       // by key ("cpu.count")
std::vector<const Field*> children(std::string_view group);  // direct children of "spec.cpu"
std::vector<std::string> child_keys(std::string_view group);  // their YAML keys, in table order
std::string closest(const std::string& word);  // the path or key nearest a mistyped one, or ""

Value get(const Field& f, const VmSpec& s);
Value get(const Field& f, const DiskSpec& d);
Value get(const Field& f, const CdromSpec& c);
Value get(const Field& f, const NicSpec& n);
Value get(const Field& f, const ControllerSpec& c);
void set(const Field& f, VmSpec& s, const Value& v);
void set(const Field& f, DiskSpec& d, const Value& v);
void set(const Field& f, CdromSpec& c, const Value& v);
void set(const Field& f, NicSpec& n, const Value& v);
void set(const Field& f, ControllerSpec& c, const Value& v);

// The device lists, for code that treats them alike: each item type's scope
// and its vector in a spec, and a call of fn(items) for the list field `list`.
template <typename Item>
constexpr Scope scope_of() {
  if constexpr (std::is_same_v<Item, DiskSpec>) return Scope::disk;
  else if constexpr (std::is_same_v<Item, CdromSpec>) return Scope::cdrom;
  else if constexpr (std::is_same_v<Item, NicSpec>) return Scope::nic;
  else return Scope::controller;
}
template <typename Item, typename Spec>
auto& items_of(Spec& s) {
  if constexpr (std::is_same_v<Item, DiskSpec>) return s.disks;
  else if constexpr (std::is_same_v<Item, CdromSpec>) return s.cdroms;
  else if constexpr (std::is_same_v<Item, NicSpec>) return s.nics;
  else return s.controllers;
}
template <typename Spec, typename Fn>
void visit_list(const Field& list, Spec& s, Fn&& fn) {
  const auto& key = list.key();
  if (key == "disks") fn(s.disks);
  else if (key == "cdroms") fn(s.cdroms);
  else if (key == "nics") fn(s.nics);
  else if (key == "controllers") fn(s.controllers);
}
// "disk", "cdrom", "nic", "controller": one item of a list, for messages.
const char* item_noun(Scope scope);

// A value as a plan or a message shows it: sizes with their unit, maps as
// k=v,..., lists by their length, a file's text by its lines, bytes and digest.
std::string show(const Field& f, const Value& v);

// What an unset xen.type means, everywhere (the table's doc says it): pvh
// when the spec boots a kernel directly, else hvm, which boots from firmware.
std::string effective_xen_type(const VmSpec& spec);

// What an unset memory.size means where hvctl decides (libvirt, Xen, and the
// xl.cfg and .vmx it writes): memory.max when set, else 512MiB.
inline constexpr std::uint64_t kDefaultMemoryMib = 512;
std::uint64_t effective_memory_mib(const VmSpec& spec);
// The vCPUs a new VM is created with online: cpu.count, else cpu.max, else 1;
// and its ceiling: cpu.max, else that count.
int effective_cpu_count(const VmSpec& spec);
int effective_cpu_max(const VmSpec& spec);

// Drops what a backend reports that says nothing a spec would (a cpu.max
// equal to the count, autostart off and nothing else of it): export and move
// write specs without them.
void drop_unsaid(VmSpec& spec);

// The blocks a target reads. Its own backend's block, and the block of the
// hypervisor it drives: a libvirt target on a Xen host reads `xen:` too.
// Every other block is kept in the spec and ignored.
bool reads_block(const std::string& block, const std::string& backend, const std::string& hypervisor);

// Which fields a backend accepts, and which of them it changes on a running
// VM, as Capabilities wants them. Fields of a block it reads only on some
// hypervisors (libvirt and xen:) are listed; reads_block() says when they count.
// A device list whose column is hot adds "<list>.add" and "<list>.remove".
std::set<std::string> accepted_keys(Column c);
std::set<std::string> hot_keys(Column c);

}  // namespace hvctl::fields
