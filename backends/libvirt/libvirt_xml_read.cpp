// libvirt domain XML -> VmState: reports every field it can observe, in spec
// terms, so the planner can compare whatever a spec sets and `export` writes a
// spec that re-applies. It reads XML as libvirt rewrites it: defaults filled
// in, controllers and addresses added, units normalised. Rules:
//   memory.max is always reported (<memory>), even when equal to the size, so a
//   spec that sets max == size converges; so is cpu.max (<vcpu>; cpu.count is
//   its current= when given).
//   libvirt.machine: libvirt expands aliases ("pc" -> "pc-i440fx-7.2"); when the
//   alias hvctl recorded in metadata matches the reported machine (see
//   machine_matches) the alias is reported, else what libvirt reports.
//   firmware: uefi when <os firmware='efi'> or a <loader> is present.
//   cpu.coresPerSocket: <cpu><topology cores>, only when threads, dies and
//   clusters are 1 or absent (otherwise "cores per socket" would not say it all).
//   description: <description>, when not empty.
//   Only file/block disks with device='disk', file drives with device='cdrom'
//   and type='network' or 'user' interfaces are the spec's disks, cdroms and
//   nics (a 'user' one as network "user"); floppies, bridges and the like are
//   left alone.
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "libvirt_xml.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

// What hvctl recorded in <metadata><hvctl:vm>.
struct Meta {
  std::optional<std::string> machine;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> disk_by_dev;  // dev -> id
  std::map<std::string, std::string> cdrom_by_dev;
  std::set<std::string> owned;
  std::map<std::string, std::string> nic_by_mac, nic_by_index;
  InitSpec init;
  bool is_template = false;
  SourceSpec source;
};

InitSpec read_init(const xmlNode* node) {
  InitSpec init;
  for (auto* n : xml::children(node)) {
    if (!xml::in_ns(n, kMetadataNs)) continue;
    const std::string text = xml::text(n).value_or("");
    if (xml::is(n, "hostname")) init.hostname = text;
    if (xml::is(n, "sshAuthorizedKey")) init.ssh_authorized_keys.push_back(text);
    if (xml::is(n, "userData")) init.user_data = text;
    if (xml::is(n, "networkConfig")) init.network_config = text;
  }
  return init;
}

Meta read_meta(const xmlNode* root) {
  Meta m;
  const xmlNode* vm = nullptr;
  for (auto* n : xml::children(xml::child(root, "metadata")))
    if (xml::is(n, "vm") && xml::in_ns(n, kMetadataNs)) vm = n;
  if (!vm) return m;
  m.machine = xml::attr(vm, "machine");
  for (auto* n : xml::children(vm)) {
    if (!xml::in_ns(n, kMetadataNs)) continue;
    const auto id = xml::attr(n, "id").value_or("");
    if (xml::is(n, "label")) m.labels[xml::attr(n, "key").value_or("")] = xml::attr(n, "value").value_or("");
    if (xml::is(n, "disk")) {
      m.disk_by_dev[xml::attr(n, "dev").value_or("")] = id;
      if (xml::attr(n, "owned") == "yes") m.owned.insert(id);
    }
    if (xml::is(n, "cdrom")) m.cdrom_by_dev[xml::attr(n, "dev").value_or("")] = id;
    if (xml::is(n, "init")) m.init = read_init(n);
    if (xml::is(n, "template")) m.is_template = true;
    if (xml::is(n, "source")) {
      m.source.vm = xml::attr(n, "vm");
      m.source.template_name = xml::attr(n, "template");
      if (auto linked = xml::attr(n, "linked")) m.source.linked = *linked == "yes";
    }
    if (xml::is(n, "nic")) {
      if (auto mac = xml::attr(n, "mac")) m.nic_by_mac[*mac] = id;
      if (auto index = xml::attr(n, "index")) m.nic_by_index[*index] = id;
    }
  }
  return m;
}

std::optional<long long> number(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  long long v = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || ptr != s->data() + s->size()) return std::nullopt;
  return v;
}

// A libvirt memory element (<memory unit='KiB'>N</memory>) in MiB.
std::optional<std::uint64_t> memory_mib(const xmlNode* node) {
  static const std::map<std::string, std::uint64_t> kBytes = {
      {"b", 1},          {"bytes", 1},          {"KB", 1000},      {"k", 1024},        {"KiB", 1024},
      {"MB", 1000000},   {"M", 1u << 20},       {"MiB", 1u << 20}, {"GB", 1000000000}, {"G", 1u << 30},
      {"GiB", 1u << 30}, {"TB", 1000000000000}, {"T", 1ull << 40}, {"TiB", 1ull << 40}};
  const auto value = number(xml::text(node));
  const auto unit = kBytes.find(xml::attr(node, "unit").value_or("KiB"));
  if (!value || *value < 0 || unit == kBytes.end()) return std::nullopt;
  return static_cast<std::uint64_t>(*value) * unit->second / (1u << 20);
}

void read_cpu_and_memory(const xmlNode* root, VmSpec& spec) {
  const auto* vcpu = xml::child(root, "vcpu");
  const auto max = number(xml::text(vcpu));
  auto count = number(xml::attr(vcpu, "current"));
  if (!count) count = max;
  if (count) spec.cpu.count = static_cast<int>(*count);
  if (max) spec.cpu.max = static_cast<int>(*max);  // (always, as memory.max: <vcpu> is the ceiling)
  const auto* tune = xml::child(root, "cputune");
  if (auto shares = number(xml::child_text(tune, "shares"))) spec.cpu.weight = static_cast<int>(*shares);
  const auto quota = number(xml::child_text(tune, "global_quota"));
  const auto period = number(xml::child_text(tune, "global_period")).value_or(100000);
  if (quota && *quota > 0 && period > 0) spec.cpu.cap = static_cast<int>((*quota * 100 + period / 2) / period);
  const auto* topology = xml::child(xml::child(root, "cpu"), "topology");
  const auto one = [&](const char* name) { return number(xml::attr(topology, name)).value_or(1) == 1; };
  const auto cores = number(xml::attr(topology, "cores"));
  if (cores && *cores >= 1 && one("threads") && one("dies") && one("clusters"))
    spec.cpu.cores_per_socket = static_cast<int>(*cores);
  spec.memory.max_mib = memory_mib(xml::child(root, "memory"));
  spec.memory.size_mib = memory_mib(xml::child(root, "currentMemory"));
  if (!spec.memory.size_mib) spec.memory.size_mib = spec.memory.max_mib;
}

void read_os(const xmlNode* root, const Meta& meta, VmSpec& spec) {
  const auto* os = xml::child(root, "os");
  const bool efi = xml::attr(os, "firmware") == "efi" || xml::child(os, "loader");
  spec.firmware = efi ? Firmware::uefi : Firmware::bios;
  spec.boot.kernel = xml::child_text(os, "kernel");
  spec.boot.ramdisk = xml::child_text(os, "initrd");
  spec.boot.cmdline = xml::child_text(os, "cmdline");
  const auto* type = xml::child(os, "type");
  LibvirtBlock block;
  block.domain_type = xml::attr(root, "type");
  block.arch = xml::attr(type, "arch");
  block.machine = xml::attr(type, "machine");
  if (meta.machine && block.machine && machine_matches(*meta.machine, *block.machine)) block.machine = meta.machine;
  spec.libvirt = block;
  if (block.domain_type != "xen") return;
  // libvirt writes PV back as "linux", its old name for "xen".
  static const std::map<std::string, std::string> kXenTypes = {
      {"xen", "pv"}, {"linux", "pv"}, {"xenpvh", "pvh"}, {"hvm", "hvm"}};
  XenBlock xen;
  if (auto it = kXenTypes.find(xml::text(type).value_or("")); it != kXenTypes.end()) xen.type = it->second;
  xen.on_poweroff = xml::child_text(root, "on_poweroff");
  xen.on_reboot = xml::child_text(root, "on_reboot");
  xen.on_crash = xml::child_text(root, "on_crash");
  spec.xen = xen;
}

void read_disks(const xmlNode* devices, const Meta& meta, VmSpec& spec, std::map<std::string, std::string>& devs) {
  for (auto* node : xml::children(devices, "disk")) {
    const auto type = xml::attr(node, "type").value_or("file");
    if (xml::attr(node, "device").value_or("disk") != "disk" || (type != "file" && type != "block")) continue;
    DiskSpec disk;
    const auto* source = xml::child(node, "source");
    disk.path = xml::attr(source, type == "block" ? "dev" : "file");
    const auto* target = xml::child(node, "target");
    disk.bus = xml::attr(target, "bus");
    disk.format = xml::attr(xml::child(node, "driver"), "type");
    disk.readonly = xml::child(node, "readonly") != nullptr;
    auto id = meta.disk_by_dev.find(xml::attr(target, "dev").value_or(""));
    disk.id = id != meta.disk_by_dev.end() ? id->second : fmt::format("disk{}", spec.disks.size());
    if (auto dev = xml::attr(target, "dev")) devs[disk.id] = *dev;
    spec.disks.push_back(std::move(disk));
  }
}

// Drives: a file source is the image, none an empty tray. A Xen PV drive's
// bus (xen) is the default there, so it is not a spec bus.
void read_cdroms(const xmlNode* devices, const Meta& meta, VmSpec& spec) {
  for (auto* node : xml::children(devices, "disk")) {
    if (xml::attr(node, "device") != "cdrom" || xml::attr(node, "type").value_or("file") != "file") continue;
    CdromSpec cd;
    cd.image = xml::attr(xml::child(node, "source"), "file").value_or("");
    const auto* target = xml::child(node, "target");
    if (auto bus = xml::attr(target, "bus"); bus == "ide" || bus == "sata" || bus == "scsi") cd.bus = bus;
    const auto dev = xml::attr(target, "dev").value_or("");
    auto id = meta.cdrom_by_dev.find(dev);
    if (id != meta.cdrom_by_dev.end()) cd.id = id->second;
    else if (!dev.empty() && dev.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
      cd.id = dev;  // "hdc": the writer keeps a drive named so on that device
    else
      cd.id = fmt::format("cdrom{}", spec.cdroms.size());
    spec.cdroms.push_back(std::move(cd));
  }
}

// A copy of `node` with only its attributes and the children named in
// `keep`, as the root of a document of its own.
std::string element_doc(const xmlNode* node, const std::set<std::string>& keep) {
  auto doc = xml::new_doc("devices");
  xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(node), doc.get(), 1);
  for (auto* c : xml::children(copy))
    if (!keep.count(reinterpret_cast<const char*>(c->name))) {
      xmlUnlinkNode(c);
      xmlFreeNode(c);
    }
  xmlFreeNode(xmlDocSetRootElement(doc.get(), copy));
  return xml::dump(doc.get());
}

// The first element under <devices> named `name` for which `match` holds, as
// a document with the children in `keep` only; "" if none.
template <typename Match>
std::string device_doc(const std::string& domain_xml, const char* name, const std::set<std::string>& keep,
                       Match match) {
  const auto doc = xml::parse(domain_xml, "domain");
  for (auto* node : xml::children(xml::child(xmlDocGetRootElement(doc.get()), "devices"), name))
    if (match(node)) return element_doc(node, keep);
  return "";
}

void read_nics(const xmlNode* devices, const Meta& meta, VmSpec& spec) {
  for (auto* node : xml::children(devices, "interface")) {
    const auto type = xml::attr(node, "type");
    if (type != "network" && type != "user") continue;
    NicSpec nic;
    nic.mac = xml::attr(xml::child(node, "mac"), "address");
    nic.network = type == "user" ? std::optional<std::string>(kUserNetwork)
                                 : xml::attr(xml::child(node, "source"), "network");
    nic.model = xml::attr(xml::child(node, "model"), "type");
    const auto index = std::to_string(spec.nics.size());
    if (auto it = meta.nic_by_mac.find(nic.mac.value_or("")); it != meta.nic_by_mac.end())
      nic.id = it->second;
    else if (auto it2 = meta.nic_by_index.find(index); it2 != meta.nic_by_index.end())
      nic.id = it2->second;
    else
      nic.id = "nic" + index;
    spec.nics.push_back(std::move(nic));
  }
}

}  // namespace

bool machine_matches(const std::string& requested, const std::string& reported) {
  if (requested == reported) return true;
  if (reported.rfind(requested + "-", 0) == 0) return true;          // pc -> pc-i440fx-7.2, virt -> virt-7.2
  return reported.find("-" + requested + "-") != std::string::npos;  // q35 -> pc-q35-7.2
}

DomainDescription parse_domain_xml(const std::string& text) {
  auto doc = xml::parse(text, "domain");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!xml::is(root, "domain"))
    throw BackendError(fmt::format("malformed domain XML: root element is <{}>, not <domain>",
                                   reinterpret_cast<const char*>(root->name)));
  const Meta meta = read_meta(root);
  DomainDescription out;
  VmState& state = out.state;
  state.name = xml::child_text(root, "name").value_or("");
  state.uuid = xml::child_text(root, "uuid").value_or("");
  VmSpec& spec = state.spec;
  spec.name = state.name;
  spec.labels = meta.labels;
  if (auto text = xml::child_text(root, "description"); text && !text->empty()) spec.description = text;
  read_cpu_and_memory(root, spec);
  read_os(root, meta, spec);
  const auto* devices = xml::child(root, "devices");
  read_disks(devices, meta, spec, out.disk_devs);
  read_cdroms(devices, meta, spec);
  spec.init = meta.init;
  spec.source = meta.source;
  if (meta.is_template) spec.is_template = true;
  for (auto it = spec.cdroms.begin(); it != spec.cdroms.end(); ++it)
    if (it->id == kSeedDrive) {  // hvctl's own drive, not the spec's
      out.seed_path = it->image;
      spec.cdroms.erase(it);
      break;
    }
  read_nics(devices, meta, spec);
  for (const auto& disk : spec.disks)
    if (meta.owned.count(disk.id)) state.owned_disks.insert(disk.id);
  return out;
}

// Only what names the device: libvirt matches a disk by its target dev, a
// NIC by its MAC (and a PCI address, were one given, which the live and the
// persistent definition need not share); a network NIC needs its <source>.
std::string disk_element(const std::string& domain_xml, const std::string& path) {
  return device_doc(domain_xml, "disk", {"source", "target"}, [&](const xmlNode* n) {
    const auto* source = xml::child(n, "source");
    return xml::attr(source, "file") == path || xml::attr(source, "dev") == path;
  });
}

std::string nic_element(const std::string& domain_xml, const std::string& mac) {
  return device_doc(domain_xml, "interface", {"mac", "source"},
                    [&](const xmlNode* n) { return xml::attr(xml::child(n, "mac"), "address") == mac; });
}

VmState domain_xml_to_state(const std::string& xml) { return parse_domain_xml(xml).state; }

}  // namespace hvctl::libvirt
