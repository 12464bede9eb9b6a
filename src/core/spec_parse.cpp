// hvctl/v1 spec parser: walks each YAML document against the schema in
// spec_schema.hpp and records every problem with file:line:column instead of
// stopping at the first one.
#include <fmt/format.h>

#include "hvctl/spec_io.hpp"
#include "hvctl/text.hpp"
#include "spec_reader.hpp"
#include "spec_schema.hpp"
#include "yaml_load.hpp"

#include <filesystem>
#include <set>

namespace hvctl {

void SpecReader::read_metadata(const yaml::Node& n) {
  if (!check_map(n, "metadata", kMetadataKeys)) return;
  if (!n["name"]) {
    error(n, "metadata.name is required");
  } else if (auto name = str(n["name"], "metadata.name")) {
    if (!valid_vm_name(*name))
      error(n["name"], fmt::format("metadata.name '{}' must start with a letter or digit and use only letters, digits, '.', '_' and '-' (at most 63)", excerpt(*name)));
    spec_->name = *name;
    note("name", n["name"]);
  }
  if (n["labels"]) {
    spec_->labels = string_map(n["labels"], "metadata.labels", true);
    note("labels", n["labels"]);
  }
}


namespace {
std::string at(const std::string& list, std::size_t i) { return fmt::format("{}[{}]", list, i); }
}  // namespace

void SpecReader::read_cpu(const yaml::Node& n) {
  if (!check_map(n, "spec.cpu", kCpuKeys)) return;
  auto& cpu = spec_->cpu;
  if (n["count"]) { cpu.count = integer(n["count"], "spec.cpu.count", 1, 512); note("cpu.count", n["count"]); }
  if (n["weight"]) { cpu.weight = integer(n["weight"], "spec.cpu.weight", 1, 65535); note("cpu.weight", n["weight"]); }
  if (n["cap"]) {
    if (n["cap"].IsScalar() && n["cap"].Scalar() == "0")
      error(n["cap"], "spec.cpu.cap must be at least 1 (percent of one physical CPU); leave it out for no cap");
    else
      cpu.cap = integer(n["cap"], "spec.cpu.cap", 1, 51200);
    note("cpu.cap", n["cap"]);
    if (cpu.cap && cpu.count && *cpu.cap > 100 * *cpu.count)
      error(n["cap"], fmt::format("spec.cpu.cap {}% is more than {} vCPU can use ({}%)", *cpu.cap,
                                  *cpu.count, 100 * *cpu.count));
  }
}

void SpecReader::read_memory(const yaml::Node& n) {
  if (!check_map(n, "spec.memory", kMemoryKeys)) return;
  auto& memory = spec_->memory;
  if (n["size"]) { memory.size_mib = size(n["size"], "spec.memory.size"); note("memory.size", n["size"]); }
  if (n["max"]) { memory.max_mib = size(n["max"], "spec.memory.max"); note("memory.max", n["max"]); }
  if (memory.size_mib && *memory.size_mib < 4) error(n["size"], "spec.memory.size must be at least 4MiB");
  if (memory.size_mib && memory.max_mib && *memory.max_mib < *memory.size_mib)
    error(n["max"], "spec.memory.max must not be smaller than spec.memory.size");
}

void SpecReader::read_boot(const yaml::Node& n) {
  if (!check_map(n, "spec.boot", kBootKeys)) return;
  auto& boot = spec_->boot;
  for (auto [key, field] : {std::pair{"kernel", &boot.kernel}, {"ramdisk", &boot.ramdisk}, {"cmdline", &boot.cmdline}}) {
    if (!n[key]) continue;
    *field = str(n[key], fmt::format("spec.boot.{}", key));
    note(fmt::format("boot.{}", key), n[key]);
  }
  // Kernel and ramdisk paths are host files: relative ones are relative to the spec file.
  for (auto* field : {&boot.kernel, &boot.ramdisk})
    if (*field && !(*field)->empty() && (**field)[0] != '/' && file_ != "<stdin>")
      *field = (std::filesystem::absolute(std::filesystem::path(file_).parent_path()) / **field).lexically_normal().string();
  if (!n["kernel"] && (n["ramdisk"] || n["cmdline"]))
    error(n, "spec.boot.ramdisk and spec.boot.cmdline need spec.boot.kernel");
}

void SpecReader::read_disks(const yaml::Node& n) {
  if (!n.IsSequence()) return error(n, "spec.disks must be a list");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const auto& d = n[i];
    const auto path = at("spec.disks", i);
    if (!check_map(d, path, kDiskKeys)) continue;
    DiskSpec disk;
    note(at("disks", i), d);
    if (!d["id"]) error(d, path + ".id is required");
    else if (auto id = str(d["id"], path + ".id")) {
      disk.id = *id;
      if (!valid_id(*id)) error(d["id"], fmt::format("{}.id '{}' must be like a name: letters, digits, '.', '_', '-'", path, excerpt(*id)));
      else if (!ids.insert(*id).second) error(d["id"], fmt::format("duplicate disk id '{}'", excerpt(*id)));
    }
    if (d["size"]) disk.size_mib = size(d["size"], path + ".size");
    if (d["path"]) disk.path = str(d["path"], path + ".path");
    if (d["bus"]) disk.bus = one_of(d["bus"], path + ".bus", kBusValues);
    if (d["format"]) disk.format = one_of(d["format"], path + ".format", kFormatValues);
    if (d["readonly"]) disk.readonly = boolean(d["readonly"], path + ".readonly");
    if (!d["size"] && !d["path"]) error(d, path + " needs a size (a new disk) or a path (an existing image)");
    for (const auto& key : kDiskKeys)
      if (d[key]) note(fmt::format("disks[{}].{}", i, key), d[key]);
    spec_->disks.push_back(std::move(disk));
  }
}

void SpecReader::read_nics(const yaml::Node& n) {
  if (!n.IsSequence()) return error(n, "spec.nics must be a list");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const auto& d = n[i];
    const auto path = at("spec.nics", i);
    if (!check_map(d, path, kNicKeys)) continue;
    NicSpec nic;
    note(at("nics", i), d);
    if (!d["id"]) error(d, path + ".id is required");
    else if (auto id = str(d["id"], path + ".id")) {
      nic.id = *id;
      if (!valid_id(*id)) error(d["id"], fmt::format("{}.id '{}' must be like a name: letters, digits, '.', '_', '-'", path, excerpt(*id)));
      else if (!ids.insert(*id).second) error(d["id"], fmt::format("duplicate nic id '{}'", excerpt(*id)));
    }
    if (d["network"]) nic.network = str(d["network"], path + ".network");
    if (d["model"]) nic.model = str(d["model"], path + ".model");
    if (d["mac"]) {
      if (auto mac = str(d["mac"], path + ".mac")) {
        std::string lower = *mac;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (valid_mac(lower)) nic.mac = lower;
        else error(d["mac"], fmt::format("{}.mac '{}' is not a unicast MAC address like 52:54:00:12:34:56", path, excerpt(*mac)));
      }
    }
    for (const auto& key : kNicKeys)
      if (d[key]) note(fmt::format("nics[{}].{}", i, key), d[key]);
    spec_->nics.push_back(std::move(nic));
  }
}

void SpecReader::read_ready(const yaml::Node& n) {
  if (!check_map(n, "spec.ready", kReadyKeys)) return;
  auto& ready = spec_->ready;
  for (auto [key, field] : {std::pair{"console", &ready.console}, {"xenstore", &ready.xenstore}}) {
    if (!n[key]) continue;
    *field = str(n[key], fmt::format("spec.ready.{}", key));
    if (*field && field->value().empty()) error(n[key], fmt::format("spec.ready.{} must not be empty", key));
  }
  if (ready.xenstore && (ready.xenstore->front() == '/' || ready.xenstore->find("..") != std::string::npos))
    error(n["xenstore"], "spec.ready.xenstore is a path relative to the guest's xenstore home, like data/ready");
  for (auto [key, field] : {std::pair{"ip", &ready.ip}, {"agent", &ready.agent}})
    if (n[key]) *field = boolean(n[key], fmt::format("spec.ready.{}", key));
  for (const auto& key : kReadyKeys)
    if (n[key]) note("ready." + key, n[key]);
}

void SpecReader::read_xen(const yaml::Node& n) {
  XenBlock xen;
  if (!n.IsNull() && check_map(n, "spec.xen", kXenKeys)) {
    if (n["type"]) xen.type = one_of(n["type"], "spec.xen.type", kXenTypes);
    for (auto [key, field] : {std::pair{"onPoweroff", &xen.on_poweroff}, {"onReboot", &xen.on_reboot}, {"onCrash", &xen.on_crash}})
      if (n[key]) *field = one_of(n[key], fmt::format("spec.xen.{}", key), kXenActions);
    if (n["tscMode"]) xen.tsc_mode = one_of(n["tscMode"], "spec.xen.tscMode", kXenTscModes);
    for (const auto& key : kXenKeys)
      if (n[key]) note("xen." + key, n[key]);
  }
  spec_->xen = xen;
}

void SpecReader::read_vsphere(const yaml::Node& n) {
  VsphereBlock vs;
  if (!n.IsNull() && check_map(n, "spec.vsphere", kVsphereKeys)) {
    const std::pair<const char*, std::optional<std::string>*> fields[] = {
        {"datacenter", &vs.datacenter}, {"cluster", &vs.cluster}, {"host", &vs.host}, {"pool", &vs.pool},
        {"folder", &vs.folder}, {"datastore", &vs.datastore}, {"guestId", &vs.guest_id}};
    for (auto [key, field] : fields)
      if (n[key]) *field = str(n[key], fmt::format("spec.vsphere.{}", key));
    if (n["extraConfig"]) vs.extra_config = string_map(n["extraConfig"], "spec.vsphere.extraConfig", false);
    for (const auto& key : kVsphereKeys)
      if (n[key]) note("vsphere." + key, n[key]);
  }
  spec_->vsphere = vs;
}

void SpecReader::read_libvirt(const yaml::Node& n) {
  LibvirtBlock lv;
  if (!n.IsNull() && check_map(n, "spec.libvirt", kLibvirtKeys)) {
    if (n["domainType"]) lv.domain_type = one_of(n["domainType"], "spec.libvirt.domainType", kDomainTypes);
    if (n["machine"]) lv.machine = str(n["machine"], "spec.libvirt.machine");
    if (n["arch"]) lv.arch = str(n["arch"], "spec.libvirt.arch");
    for (const auto& key : kLibvirtKeys)
      if (n[key]) note("libvirt." + key, n[key]);
  }
  spec_->libvirt = lv;
}

void SpecReader::read_spec(const yaml::Node& n) {
  if (!check_map(n, "spec", kSpecKeys)) return;
  for (const auto& key : kSpecKeys)
    if (n[key]) note(key, n[key]);
  if (n["target"]) spec_->target = str(n["target"], "spec.target");
  if (n["ensure"])
    if (auto v = one_of(n["ensure"], "spec.ensure", kEnsureValues))
      spec_->ensure = *v == "absent" ? Ensure::absent : Ensure::present;
  if (n["cpu"]) read_cpu(n["cpu"]);
  if (n["memory"]) read_memory(n["memory"]);
  if (n["firmware"])
    if (auto v = one_of(n["firmware"], "spec.firmware", kFirmwareValues)) spec_->firmware = parse_firmware(*v);
  if (n["boot"]) read_boot(n["boot"]);
  if (n["disks"]) read_disks(n["disks"]);
  if (n["nics"]) read_nics(n["nics"]);
  if (n["power"])
    if (auto v = one_of(n["power"], "spec.power", kPowerValues)) spec_->power = parse_power_state(*v);
  if (n["ready"]) read_ready(n["ready"]);
  if (n["xen"]) read_xen(n["xen"]);
  if (n["vsphere"]) read_vsphere(n["vsphere"]);
  if (n["libvirt"]) read_libvirt(n["libvirt"]);
}

std::optional<VmSpec> SpecReader::read(const yaml::Node& doc) {
  VmSpec spec;
  spec_ = &spec;
  empty_values_.clear();
  spec.mark = mark(doc);
  const std::size_t before = problems_.size();
  if (!check_map(doc, "document", kTopKeys)) return std::nullopt;
  if (!doc["apiVersion"]) error(doc, fmt::format("apiVersion is required (apiVersion: {})", kApiVersion));
  else if (auto v = str(doc["apiVersion"], "apiVersion"); v && *v != kApiVersion)
    error(doc["apiVersion"], fmt::format("unsupported apiVersion '{}': this hvctl reads {}", *v, kApiVersion));
  if (!doc["kind"]) error(doc, fmt::format("kind is required (kind: {})", kKind));
  else if (auto v = str(doc["kind"], "kind"); v && *v != kKind)
    error(doc["kind"], fmt::format("unsupported kind '{}': expected {}", *v, kKind));
  if (doc["metadata"]) read_metadata(doc["metadata"]);
  else error(doc, "metadata is required (metadata: {name: ...})");
  if (doc["spec"]) read_spec(doc["spec"]);
  spec_ = nullptr;
  if (problems_.size() != before) return std::nullopt;
  return spec;
}

std::vector<VmSpec> parse_specs(const std::string& text, const std::string& filename,
                                std::vector<Problem>& problems) {
  const yaml::Stream docs = load_yaml_documents(text, filename, problems);
  std::vector<VmSpec> specs;
  SpecReader reader(filename, problems);
  for (const auto& doc : docs.documents) {
    if (doc.IsNull()) continue;  // "---" with nothing after it
    if (auto spec = reader.read(doc)) specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace hvctl
