// A small walker over XML tags (no libxml2 here: the formats library stays
// below the backends); libxml2 has already accepted the document when this runs.
#include "libvirt_losses.hpp"

#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "export_common.hpp"

namespace hvctl::formats {
namespace {

struct Element {
  std::string path;  // "domain/devices/disk"
  std::string attrs;
  int line = 0;
};

std::vector<Element> walk(const std::string& xml) {
  std::vector<Element> out;
  std::vector<std::string> stack;
  int line = 1;
  std::size_t pos = 0;
  auto advance_to = [&](std::size_t end) {
    for (; pos < end && pos < xml.size(); ++pos) line += xml[pos] == '\n';
  };
  while (true) {
    const auto lt = xml.find('<', pos);
    if (lt == std::string::npos) break;
    advance_to(lt);
    const char* close = xml.compare(lt, 4, "<!--") == 0 ? "-->" : xml.compare(lt, 9, "<![CDATA[") == 0 ? "]]>" : ">";
    auto gt = xml.find(close, lt + 1);
    if (gt == std::string::npos) break;
    gt += std::string(close).size();
    const std::string tag = xml.substr(lt, gt - lt);
    const int at = line;
    advance_to(gt);
    if (tag[1] == '!' || tag[1] == '?') continue;
    if (tag[1] == '/') { if (!stack.empty()) stack.pop_back(); continue; }
    const auto name_end = tag.find_first_of(" \t\r\n/>", 1);
    const std::string name = tag.substr(1, name_end - 1);
    std::string path;
    for (const auto& s : stack) path += s + "/";
    out.push_back({path + name, tag.substr(name_end), at});
    if (tag[tag.size() - 2] != '/') stack.push_back(name);
  }
  return out;
}

// The value of attribute `name` in a tag's attribute text ("" when absent).
std::string attr(const std::string& attrs, const std::string& name) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  const auto space = [&](std::size_t p) {
    while (p < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[p]))) ++p;
    return p;
  };
  for (auto at = attrs.find(name); at != std::string::npos; at = attrs.find(name, at + 1)) {
    if (at > 0 && word(attrs[at - 1])) continue;
    auto p = space(at + name.size());
    if (p == attrs.size() || attrs[p] != '=') continue;
    p = space(p + 1);
    if (p == attrs.size() || (attrs[p] != '\'' && attrs[p] != '"')) continue;
    const auto close = attrs.find_first_of("'\"", p + 1);
    if (close != std::string::npos) return attrs.substr(p + 1, close - p - 1);
  }
  return "";
}

// Elements the reverse translation reads, and those hvctl's own XML always has.
const std::set<std::string> kCarried = {
    "domain", "domain/name", "domain/memory", "domain/currentMemory", "domain/vcpu", "domain/cputune",
    "domain/cputune/shares", "domain/cputune/global_quota", "domain/cputune/global_period", "domain/os",
    "domain/os/type", "domain/os/kernel", "domain/os/initrd", "domain/os/cmdline", "domain/os/loader",
    "domain/os/nvram", "domain/devices",
    "domain/features", "domain/features/acpi", "domain/metadata"};

bool carried(const Element& e, const std::string& domain_type) {
  if (e.path.rfind("domain/on_", 0) == 0) return domain_type == "xen";  // read for Xen domains only
  if (kCarried.count(e.path) || e.path.rfind("domain/metadata/", 0) == 0) return true;
  if (e.path == "domain/devices/disk") {
    const auto type = attr(e.attrs, "type");
    const auto device = attr(e.attrs, "device");
    const bool file = type.empty() || type == "file";
    return ((device.empty() || device == "disk") && (file || type == "block")) || (device == "cdrom" && file);
  }
  if (e.path.rfind("domain/devices/disk/", 0) == 0) return true;  // its children follow the disk
  if (e.path == "domain/devices/interface") return attr(e.attrs, "type") == "network";
  if (e.path.rfind("domain/devices/interface/", 0) == 0) return true;
  if (e.path == "domain/devices/serial" || e.path == "domain/devices/console") return attr(e.attrs, "type") == "pty";
  return e.path.rfind("domain/devices/serial/", 0) == 0 || e.path.rfind("domain/devices/console/", 0) == 0;
}

}  // namespace

std::vector<Loss> libvirt_import_losses(const std::string& xml, const std::string& file) {
  std::map<std::string, std::pair<int, int>> seen;  // element -> first line, count
  std::vector<std::string> order;
  std::set<std::string> skipped_parents;
  const auto elements = walk(xml);
  const std::string type = elements.empty() ? "" : attr(elements.front().attrs, "type");
  for (const auto& e : elements) {
    bool under_skipped = false;
    for (const auto& p : skipped_parents) under_skipped = under_skipped || e.path.rfind(p + "/", 0) == 0;
    if (under_skipped || carried(e, type)) continue;
    skipped_parents.insert(e.path);
    std::string what = "<" + e.path.substr(e.path.rfind('/') + 1);
    for (const char* a : {"type", "device"})
      if (auto v = attr(e.attrs, a); !v.empty()) what += fmt::format(" {}='{}'", a, v);
    what += ">";
    if (!seen.count(what)) { order.push_back(what); seen[what] = {e.line, 0}; }
    ++seen[what].second;
  }
  std::vector<Loss> out;
  for (const auto& what : order) {
    const auto [line, count] = seen[what];
    out.push_back({mark_at(file, line), fmt::format("{}{} is not carried over", what, count > 1 ? fmt::format(" (x{})", count) : "")});
  }
  return out;
}

std::string libvirt_domain_type(const VmSpec& spec) {
  if (spec.libvirt && spec.libvirt->domain_type) return *spec.libvirt->domain_type;
  return spec.xen && !(*spec.xen == XenBlock{}) ? "xen" : "kvm";
}

Exported libvirt_export_plan(const VmSpec& spec, VmSpec& writable) {
  LossLog log(spec);
  writable = spec;
  writable.disks.clear();
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& disk = spec.disks[i];
    const auto field = fmt::format("disks[{}]", i);
    if (!disk.path) log.add(field, fmt::format("disk '{}' has only a size and is left out (libvirt XML names an existing image)", disk.id));
    else if (disk.bus == "nvme") log.add(field, fmt::format("disk '{}': bus nvme is left out (libvirt's translation has no NVMe disks)", disk.id));
    else writable.disks.push_back(disk);
  }
  // hvctl's libvirt translation writes no <controller>: libvirt adds its own
  // default, which need not be the model the spec names (an lsilogic guest
  // could not boot from virtio-scsi), so each is reported.
  for (std::size_t i = 0; i < spec.controllers.size(); ++i) {
    const auto& c = spec.controllers[i];
    log.add(fmt::format("controllers[{}]", i),
            fmt::format("controller '{}'{} is not carried over (libvirt XML gets libvirt's default controller)", c.id,
                        c.model ? fmt::format(" (model {})", *c.model) : ""));
  }
  writable.controllers.clear();
  for (auto& disk : writable.disks) disk.controller.reset();
  const std::string type = libvirt_domain_type(spec);
  if (type != "xen") note_block(spec, "xen", fmt::format("libvirt XML for a {} domain", type), log);
  else if (spec.xen && spec.xen->tsc_mode) {
    log.add("xen.tscMode", fmt::format("xen.tscMode {} is not carried over", *spec.xen->tsc_mode));
    writable.xen->tsc_mode.reset();
  }
  note_block(spec, "vsphere", "libvirt XML", log);
  if (spec.target) log.add("target", fmt::format("spec.target '{}' is not carried over", *spec.target));
  if (spec.power) log.add("power", fmt::format("spec.power {} is not carried over (libvirt XML has no power state)", to_string(*spec.power)));
  if (spec.ensure == Ensure::absent) log.add("ensure", "spec.ensure absent is not carried over");
  note_lifecycle_fields(spec, "libvirt XML", log);
  writable.libvirt = spec.libvirt.value_or(LibvirtBlock{});
  writable.libvirt->domain_type = type;
  return {"", log.take()};
}

}  // namespace hvctl::formats
