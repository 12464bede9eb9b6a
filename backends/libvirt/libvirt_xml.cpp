// VmSpec -> libvirt domain XML (the reverse is in libvirt_xml_read.cpp).
//
// Mapping decisions, so the reverse can read back exactly what was written:
//   memory.size -> <currentMemory>, memory.max (or size) -> <memory>; unset: 1GiB.
//   cpu.max (or count) -> <vcpu placement='static'>, with current='count' when
//   the two differ (unset: 1); cpu.weight -> <cputune><shares>;
//   cpu.cap (percent of one pCPU) -> <global_period>100000 + <global_quota>cap*1000.
//   cpu.coresPerSocket -> <cpu><topology sockets='max/C' cores='C' threads='1'/>;
//   unset: no <cpu>, libvirt's default topology (one core per socket).
//   description -> <description>.
//   firmware uefi -> <os firmware='efi'> (libvirt picks the loader); bios -> nothing.
//   os type: hvm, except on Xen where xen.type pv -> "xen", pvh -> "xenpvh".
//   disks: path under /dev -> type='block', else type='file'; <driver> only when a
//   format is set (name='qemu' for qemu/kvm, no name elsewhere so libxl picks its
//   backend); target dev from the bus (vd*, sd*, hd*, xvd*) numbered per prefix in
//   spec order; default bus virtio, xen on Xen.
//   disks keep the target dev they have (DomainDefaults::disk_devs) while their
//   bus stays, so a removed disk does not rename the ones after it.
//   cdroms: <disk type='file' device='cdrom'>, raw, <readonly/>, <source file> only
//   with an image (none: an empty tray); bus ide (sata on q35, xen on Xen PV/PVH);
//   target dev: the drive's id when that is a free name of its prefix ("hdc"),
//   else the lowest free one after the disks'.
//   nics: <interface type='network'>, network "default" when unset; network
//   "user" (kUserNetwork) is <interface type='user'>, with no <source>.
//   qemu/kvm get a pty serial console so `virsh console` works.
//   Labels, disk/NIC ids, owned volumes and the machine alias asked for live in
//   <metadata><hvctl:vm> (see kMetadataNs): libvirt has nowhere else for them.
#include "libvirt_xml.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "hvctl/spec_fields.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

constexpr int kCapPeriodUs = 100000;  // cap% of one pCPU == quota of cap*1000us per 100000us

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

struct Resolved {
  std::string type;
  std::optional<std::string> arch, machine;
};

Resolved resolve(const VmSpec& spec, const DomainDefaults& d) {
  Resolved r{d.domain_type, d.arch, d.machine};
  if (spec.libvirt) {
    if (spec.libvirt->domain_type) r.type = *spec.libvirt->domain_type;
    if (spec.libvirt->arch) r.arch = spec.libvirt->arch;
    if (spec.libvirt->machine) r.machine = spec.libvirt->machine;
  }
  return r;
}

bool is_qemu(const std::string& type) { return type == "qemu" || type == "kvm"; }

std::string default_bus(const std::string& type) { return type == "xen" ? "xen" : "virtio"; }

std::string dev_prefix(const std::string& bus) {
  static const std::map<std::string, std::string> kPrefix = {{"virtio", "vd"}, {"scsi", "sd"}, {"sata", "sd"},
                                                             {"usb", "sd"},    {"ide", "hd"},  {"xen", "xvd"}};
  auto it = kPrefix.find(bus);
  if (it == kPrefix.end()) throw BackendError(fmt::format("disk bus '{}' is not supported by libvirt", bus));
  return it->second;
}

// A drive's bus: as asked, else ide (sata where q35 has no IDE; xen on a Xen PV/PVH guest).
std::string cdrom_bus(const VmSpec& spec, const CdromSpec& cd, const Resolved& r) {
  if (cd.bus) return *cd.bus;
  if (r.type == "xen") return fields::effective_xen_type(spec) == "hvm" ? "ide" : "xen";
  return r.machine && r.machine->find("q35") != std::string::npos ? "sata" : "ide";
}

// Whether `dev` is a device name of `bus` ("hdc" of ide).
bool names_dev_of(const std::string& dev, const std::string& bus) {
  const auto prefix = dev_prefix(bus);
  return dev.size() > prefix.size() && dev.rfind(prefix, 0) == 0 &&
         dev.find_first_not_of("abcdefghijklmnopqrstuvwxyz", prefix.size()) == std::string::npos;
}

// Target device names in spec order, the disks' and then the drives' (which
// share the sd/hd/xvd prefixes). A disk keeps the name `known` gives it and a
// drive the one its id is ("hdc", as a foreign domain's drive reads back),
// while it fits the bus's prefix; the others take the lowest free name of
// theirs (virtio vda, vdb; sata sda...).
std::vector<std::string> assign_devs(const VmSpec& spec, const Resolved& r,
                                     const std::map<std::string, std::string>& known) {
  std::vector<std::string> buses, devs;
  for (const auto& disk : spec.disks) buses.push_back(disk.bus.value_or(default_bus(r.type)));
  for (const auto& cd : spec.cdroms) buses.push_back(cdrom_bus(spec, cd, r));
  devs.resize(buses.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < buses.size(); ++i) {
    const bool disk = i < spec.disks.size();
    const auto it = disk ? known.find(spec.disks[i].id) : known.end();
    const auto wanted = disk ? (it != known.end() ? it->second : "") : spec.cdroms[i - spec.disks.size()].id;
    if (names_dev_of(wanted, buses[i]) && taken.insert(wanted).second) devs[i] = wanted;
  }
  for (std::size_t i = 0; i < buses.size(); ++i)
    for (std::size_t n = 0; devs[i].empty(); ++n)
      if (auto name = disk_dev_name(buses[i], n); taken.insert(name).second) devs[i] = name;
  return devs;
}

// `spec` with its seed drive last, when it has init and a seed was made.
VmSpec with_seed(const VmSpec& spec, const DomainDefaults& d) {
  if (spec.init.empty() || !d.seed_path) return spec;
  VmSpec out = spec;
  out.cdroms.push_back({kSeedDrive, *d.seed_path, std::nullopt});
  return out;
}

// <hvctl:init>: spec.init as it was applied, so that the plan compares it.
void add_init(xmlNode* vm, xmlNs* ns, const InitSpec& init) {
  if (init.empty()) return;
  auto* node = xmlNewChild(vm, ns, x("init"), nullptr);
  auto text = [&](const char* name, const std::string& value) { xmlNewTextChild(node, ns, x(name), x(value.c_str())); };
  if (init.hostname) text("hostname", *init.hostname);
  for (const auto& key : init.ssh_authorized_keys) text("sshAuthorizedKey", key);
  if (init.user_data) text("userData", *init.user_data);
  if (init.network_config) text("networkConfig", *init.network_config);
}

// <hvctl:template/> and <hvctl:source vm|template= linked=>: what libvirt has
// no element for. The source is what the VM was cloned from, for plans.
void add_provenance(xmlNode* vm, xmlNs* ns, const VmSpec& spec) {
  if (spec.is_template.value_or(false)) xmlNewChild(vm, ns, x("template"), nullptr);
  if (!spec.source.name()) return;
  auto* source = xmlNewChild(vm, ns, x("source"), nullptr);
  xml::set(source, spec.source.vm ? "vm" : "template", *spec.source.name());
  if (spec.source.linked) xml::set(source, "linked", *spec.source.linked ? "yes" : "no");
}

// `with_ns` false: no namespace, as virDomainSetMetadata wants it (it adds its own).
void fill_metadata(xmlNode* vm, const VmSpec& spec, const DomainDefaults& d, const std::vector<std::string>& devs,
                   bool with_ns = true) {
  xmlNs* ns = with_ns ? xmlNewNs(vm, x(kMetadataNs), x(kMetadataPrefix)) : nullptr;
  xmlSetNs(vm, ns);
  if (const auto machine = resolve(spec, d).machine) xml::set(vm, "machine", *machine);
  auto add = [&](const char* name) { return xmlNewChild(vm, ns, x(name), nullptr); };
  for (const auto& [key, value] : spec.labels) {
    auto* label = add("label");
    xml::set(label, "key", key);
    xml::set(label, "value", value);
  }
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    auto* disk = add("disk");
    xml::set(disk, "id", spec.disks[i].id);
    xml::set(disk, "dev", devs[i]);
    if (d.owned_disks.count(spec.disks[i].id)) xml::set(disk, "owned", "yes");
  }
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    auto* cd = add("cdrom");
    xml::set(cd, "id", spec.cdroms[i].id);
    xml::set(cd, "dev", devs[spec.disks.size() + i]);
  }
  add_init(vm, ns, spec.init);
  add_provenance(vm, ns, spec);
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    auto* nic = add("nic");
    xml::set(nic, "id", spec.nics[i].id);
    xml::set(nic, "index", std::to_string(i));
    if (spec.nics[i].mac) xml::set(nic, "mac", *spec.nics[i].mac);
  }
}

void add_memory_and_cpu(xmlNode* root, const VmSpec& spec) {
  const auto size = fields::effective_memory_mib(spec);
  const auto max = spec.memory.max_mib.value_or(size);
  xml::set(xml::add(root, "memory", std::to_string(max * 1024)), "unit", "KiB");
  xml::set(xml::add(root, "currentMemory", std::to_string(size * 1024)), "unit", "KiB");
  const int vcpus = fields::effective_cpu_count(spec), max_vcpus = fields::effective_cpu_max(spec);
  auto* vcpu = xml::add(root, "vcpu", std::to_string(max_vcpus));
  xml::set(vcpu, "placement", "static");
  if (vcpus != max_vcpus) xml::set(vcpu, "current", std::to_string(vcpus));
  if (!spec.cpu.weight && !spec.cpu.cap) return;
  auto* tune = xml::add(root, "cputune");
  if (spec.cpu.weight) xml::add(tune, "shares", std::to_string(*spec.cpu.weight));
  if (spec.cpu.cap) {
    xml::add(tune, "global_period", std::to_string(kCapPeriodUs));
    xml::add(tune, "global_quota", std::to_string(static_cast<long>(*spec.cpu.cap) * kCapPeriodUs / 100));
  }
}

void add_topology(xmlNode* root, const VmSpec& spec) {
  if (!spec.cpu.cores_per_socket) return;
  const int ceiling = fields::effective_cpu_max(spec), cores = *spec.cpu.cores_per_socket;  // sockets count it all
  if (cores < 1 || ceiling % cores != 0)
    throw BackendError(fmt::format("VM '{}': {} {} is not a multiple of cpu.coresPerSocket {}", spec.name,
                                   spec.cpu.max ? "cpu.max" : "cpu.count", ceiling, cores));
  auto* topology = xml::add(xml::add(root, "cpu"), "topology");
  xml::set(topology, "sockets", std::to_string(ceiling / cores));
  xml::set(topology, "cores", std::to_string(cores));
  xml::set(topology, "threads", "1");
}

std::string os_type(const VmSpec& spec, const std::string& type) {
  if (type != "xen") return "hvm";
  const auto xen_type = fields::effective_xen_type(spec);  // unset: pvh with a kernel, as the Xen backend makes it
  return xen_type == "pv" ? "xen" : xen_type == "pvh" ? "xenpvh" : "hvm";
}

void add_os(xmlNode* root, const VmSpec& spec, const Resolved& r) {
  auto* os = xml::add(root, "os");
  if (spec.firmware == Firmware::uefi) xml::set(os, "firmware", "efi");
  auto* type = xml::add(os, "type", os_type(spec, r.type));
  if (r.arch) xml::set(type, "arch", *r.arch);
  if (r.machine) xml::set(type, "machine", *r.machine);
  if (spec.boot.kernel) xml::add(os, "kernel", *spec.boot.kernel);
  if (spec.boot.ramdisk) xml::add(os, "initrd", *spec.boot.ramdisk);
  if (spec.boot.cmdline) xml::add(os, "cmdline", *spec.boot.cmdline);
}

void add_lifecycle(xmlNode* root, const VmSpec& spec, const std::string& type) {
  if (type != "xen" || !spec.xen) return;
  if (spec.xen->on_poweroff) xml::add(root, "on_poweroff", *spec.xen->on_poweroff);
  if (spec.xen->on_reboot) xml::add(root, "on_reboot", *spec.xen->on_reboot);
  if (spec.xen->on_crash) xml::add(root, "on_crash", *spec.xen->on_crash);
}

void add_disk(xmlNode* devices, const VmSpec& spec, const DiskSpec& disk, const std::string& dev,
              const std::string& type) {
  if (!disk.path)
    throw BackendError(
        fmt::format("VM '{}': disk '{}' has no path (its volume must be created first)", spec.name, disk.id));
  const bool block = disk.path->rfind("/dev/", 0) == 0;
  auto* node = xml::add(devices, "disk");
  xml::set(node, "type", block ? "block" : "file");
  xml::set(node, "device", "disk");
  if (disk.format) {
    auto* driver = xml::add(node, "driver");
    if (is_qemu(type)) xml::set(driver, "name", "qemu");
    xml::set(driver, "type", *disk.format);
  }
  xml::set(xml::add(node, "source"), block ? "dev" : "file", *disk.path);
  auto* target = xml::add(node, "target");
  xml::set(target, "dev", dev);
  xml::set(target, "bus", disk.bus.value_or(default_bus(type)));
  if (disk.readonly.value_or(false)) xml::add(node, "readonly");
}

// A read-only raw drive; with no image it has no <source>: an empty tray.
void add_cdrom(xmlNode* devices, const CdromSpec& cd, const std::string& dev, const std::string& bus,
               const std::string& type) {
  auto* node = xml::add(devices, "disk");
  xml::set(node, "type", "file");
  xml::set(node, "device", "cdrom");
  auto* driver = xml::add(node, "driver");
  if (is_qemu(type)) xml::set(driver, "name", "qemu");
  xml::set(driver, "type", "raw");
  if (!cd.image.value_or("").empty()) xml::set(xml::add(node, "source"), "file", *cd.image);
  auto* target = xml::add(node, "target");
  xml::set(target, "dev", dev);
  xml::set(target, "bus", bus);
  xml::add(node, "readonly");
}

void add_nic(xmlNode* devices, const NicSpec& nic) {
  const bool user = nic.network == kUserNetwork;
  auto* node = xml::add(devices, "interface");
  xml::set(node, "type", user ? "user" : "network");
  if (nic.mac) xml::set(xml::add(node, "mac"), "address", *nic.mac);
  if (!user) xml::set(xml::add(node, "source"), "network", nic.network.value_or("default"));
  if (nic.model) xml::set(xml::add(node, "model"), "type", *nic.model);
}

void add_devices(xmlNode* root, const VmSpec& spec, const Resolved& r, const std::vector<std::string>& devs) {
  const auto& type = r.type;
  auto* devices = xml::add(root, "devices");
  for (std::size_t i = 0; i < spec.disks.size(); ++i) add_disk(devices, spec, spec.disks[i], devs[i], r.type);
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i)
    add_cdrom(devices, spec.cdroms[i], devs[spec.disks.size() + i], cdrom_bus(spec, spec.cdroms[i], r), r.type);
  for (const auto& nic : spec.nics) add_nic(devices, nic);
  if (!is_qemu(type)) return;
  xml::set(xml::add(devices, "serial"), "type", "pty");
  xml::set(xml::add(devices, "console"), "type", "pty");
}

// The one element `add` appends to a <devices>, as a document of its own.
template <typename Add>
std::string single_device(Add add) {
  auto doc = xml::new_doc("devices");
  xmlNode* devices = xmlDocGetRootElement(doc.get());
  add(devices);
  xmlNode* node = xmlFirstElementChild(devices);
  xmlUnlinkNode(node);
  xmlFreeNode(xmlDocSetRootElement(doc.get(), node));
  return xml::dump(doc.get());
}

}  // namespace

std::string disk_device_xml(const VmSpec& given, const std::string& id, const DomainDefaults& d) {
  const VmSpec spec = with_seed(given, d);
  const Resolved r = resolve(spec, d);
  const auto devs = assign_devs(spec, r, d.disk_devs);
  for (std::size_t i = 0; i < spec.disks.size(); ++i)
    if (spec.disks[i].id == id)
      return single_device([&](xmlNode* devices) { add_disk(devices, spec, spec.disks[i], devs[i], r.type); });
  throw BackendError(fmt::format("VM '{}': its spec has no disk '{}'", spec.name, id));
}

std::string cdrom_device_xml(const VmSpec& given, const std::string& id, const DomainDefaults& d) {
  const VmSpec spec = with_seed(given, d);
  const Resolved r = resolve(spec, d);
  const auto devs = assign_devs(spec, r, d.disk_devs);
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i)
    if (spec.cdroms[i].id == id)
      return single_device([&](xmlNode* devices) {
        add_cdrom(devices, spec.cdroms[i], devs[spec.disks.size() + i], cdrom_bus(spec, spec.cdroms[i], r), r.type);
      });
  throw BackendError(fmt::format("VM '{}': its spec has no cdrom '{}'", spec.name, id));
}

std::string nic_device_xml(const VmSpec& spec, const std::string& id) {
  for (const auto& nic : spec.nics)
    if (nic.id == id) return single_device([&](xmlNode* devices) { add_nic(devices, nic); });
  throw BackendError(fmt::format("VM '{}': its spec has no NIC '{}'", spec.name, id));
}

std::string disk_dev_name(const std::string& bus, std::size_t index) {
  std::string letters;
  for (long i = static_cast<long>(index); i >= 0; i = i / 26 - 1) letters.insert(letters.begin(), char('a' + i % 26));
  return dev_prefix(bus) + letters;
}

std::string spec_to_domain_xml(const VmSpec& given, const DomainDefaults& d) {
  const VmSpec spec = with_seed(given, d);
  const Resolved r = resolve(spec, d);
  const auto devs = assign_devs(spec, r, d.disk_devs);
  auto doc = xml::new_doc("domain");
  auto* root = xmlDocGetRootElement(doc.get());
  xml::set(root, "type", r.type);
  xml::add(root, "name", spec.name);
  if (spec.description) xml::add(root, "description", *spec.description);
  fill_metadata(xml::add(xml::add(root, "metadata"), "vm"), spec, d, devs);
  add_memory_and_cpu(root, spec);
  add_os(root, spec, r);
  // Without ACPI, qemu gets -no-acpi and graceful shutdown and reboot do nothing.
  if (is_qemu(r.type)) xml::add(xml::add(root, "features"), "acpi");
  add_topology(root, spec);
  add_lifecycle(root, spec, r.type);
  add_devices(root, spec, r, devs);
  return xml::dump(doc.get());
}

std::string metadata_xml(const VmSpec& given, const DomainDefaults& d) {
  const VmSpec spec = with_seed(given, d);
  auto doc = xml::new_doc("vm");
  fill_metadata(xmlDocGetRootElement(doc.get()), spec, d, assign_devs(spec, resolve(spec, d), d.disk_devs), false);
  return xml::dump(doc.get());
}

std::string volume_xml(const VolumeRequest& r) {
  auto doc = xml::new_doc("volume");
  auto* root = xmlDocGetRootElement(doc.get());
  xml::add(root, "name", r.name);
  if (r.size_mib > 0 || r.backing_path.empty())
    xml::set(xml::add(root, "capacity", std::to_string(r.size_mib * 1024 * 1024)), "unit", "bytes");
  xml::set(xml::add(xml::add(root, "target"), "format"), "type", r.format);
  if (!r.backing_path.empty()) {
    auto* backing = xml::add(root, "backingStore");
    xml::add(backing, "path", r.backing_path);
    xml::set(xml::add(backing, "format"), "type", r.backing_format);
  }
  return xml::dump(doc.get());
}

std::string snapshot_xml(const std::string& name) {
  auto doc = xml::new_doc("domainsnapshot");
  xml::add(xmlDocGetRootElement(doc.get()), "name", name);
  return xml::dump(doc.get());
}

}  // namespace hvctl::libvirt
