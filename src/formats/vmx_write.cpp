// VmSpec -> .vmx, written the way ESXi writes it (quoted values, one key a line).
// Decisions:
//   hardware version 14 (ESXi 6.7+, Workstation 15+): every bus hvctl writes works there.
//   guestOS from vsphere.guestId (see guest_os.cpp), else "other-64" (noted).
//   Values are quoted with |XX escapes (vmx_quote), so any string fits; an
//   extraConfig key that a .vmx key cannot be is refused (exit 3) at the spec.
//   Disks need a VMDK: path ending .vmdk or format vmdk, else left out (noted).
//   Slot: the id when it names one ("scsi0-1", as read_vmx makes them) on the
//   disk's bus, else the next free one (noted); virtio and xen buses become scsi.
//   Controllers: each listed one as scsiN (its model), sataN or nvmeN; a bus
//   disks use and no entry names is declared too (scsi as pvscsi). IDE needs none.
//   CD-ROMs: deviceType cdrom-image with the ISO; an empty drive has fileName
//   "" and startConnected FALSE. Slots as for disks (default bus ide).
//   NICs: ethernetN from "ethN" ids, else the next free; a MAC's addressType
//   is the one its prefix has on VMware (vmx_address_type): a generated or
//   vCenter MAC stays generatedAddress, any other is static (noted outside
//   VMware's static range).
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "direct_keys.hpp"
#include "export_common.hpp"
#include "vmx.hpp"

namespace hvctl::formats {
namespace {

struct Slot {
  std::string bus;
  int controller = 0, unit = 0;
  std::string str() const { return fmt::format("{}{}:{}", bus, controller, unit); }
  bool operator<(const Slot& o) const { return std::tie(bus, controller, unit) < std::tie(o.bus, o.controller, o.unit); }
};

int units_per_controller(const std::string& bus) { return bus == "ide" ? 2 : bus == "sata" ? 30 : bus == "nvme" ? 15 : 16; }

class VmxWriter {
public:
  explicit VmxWriter(const VmSpec& spec) : spec_(spec), log_(spec) {}

  Exported run() {
    set(".encoding", "UTF-8");
    set("config.version", "8");
    set("virtualHW.version", "14");
    set("displayName", spec_.name);
    write_guest();
    write_cpu_and_memory();
    write_controllers();
    write_disks();
    write_cdroms();
    write_nics();
    if (spec_.boot.kernel || spec_.boot.ramdisk || spec_.boot.cmdline)
      log_.add("boot", "spec.boot (direct kernel boot) is not carried over (VMware boots from firmware)");
    note_spec_only_fields(spec_, ".vmx", log_);
    note_block(spec_, "xen", ".vmx", log_);
    note_block(spec_, "libvirt", ".vmx", log_);
    if (!problems_.empty()) throw ValidationError(std::move(problems_));
    return {std::move(text_), log_.take()};
  }

private:
  void set(const std::string& key, const std::string& value) { text_ += key + " = " + vmx_quote(value) + "\n"; }

  void write_guest() {
    const auto* vs = spec_.vsphere ? &*spec_.vsphere : nullptr;
    if (vs && vs->guest_id) {
      const auto os = vmx_guest_os_from_id(*vs->guest_id);
      if (!os.exact) log_.add("vsphere.guestId", fmt::format("guestId '{}' becomes guestOS \"{}\" by rule, not from the table; check it", *vs->guest_id, os.name));
      set("guestOS", os.name);
    } else {
      log_.add("vsphere", "vsphere.guestId is not set: written as guestOS \"other-64\"");
      set("guestOS", "other-64");
    }
    if (spec_.firmware) set("firmware", spec_.firmware == Firmware::uefi ? "efi" : "bios");
    if (!vs) return;
    for (const auto& [key, value] : vs->extra_config) {
      if (const auto why = unwritable_key(key)) {
        problems_.push_back({spec_.mark_of("vsphere.extraConfig"),
                             fmt::format("vsphere.extraConfig key '{}' {}: it cannot be written as a .vmx key", key, *why)});
        continue;
      }
      set(key, value);
    }
    const std::pair<const char*, const std::optional<std::string>*> placement[] = {
        {"datacenter", &vs->datacenter}, {"cluster", &vs->cluster}, {"host", &vs->host},
        {"pool", &vs->pool}, {"folder", &vs->folder}, {"datastore", &vs->datastore}};
    for (auto [key, field] : placement)
      if (*field) log_.add(std::string("vsphere.") + key, fmt::format("vsphere.{} is not carried over (placement is not in a .vmx)", key));
  }

  // The field table's vmx keys, then what needs more than one key.
  void write_cpu_and_memory() {
    for (const auto& d : vmx_direct_keys())
      if (auto v = fields::get(*d.field, spec_); fields::is_set(v)) set(d.key, native_text(*d.field, v));
    if (spec_.cpu.weight) set("sched.cpu.shares", std::to_string(*spec_.cpu.weight));
    if (spec_.cpu.cap) log_.add("cpu.cap", "cpu.cap is not carried over (a .vmx limits CPU in MHz)");
    // memory.size unset means hvctl's default, which VMware would not pick (its is 32 MB).
    const auto size = fields::effective_memory_mib(spec_);
    if (!spec_.memory.size_mib) set("memsize", std::to_string(size));
    if (!spec_.cpu.count && spec_.cpu.max) set("numvcpus", std::to_string(*spec_.cpu.max));
    if (spec_.memory.max_mib && spec_.memory.max_mib != size)
      log_.add("memory.max", "memory.max is not carried over (a .vmx has one memory size)");
    if (spec_.cpu.max && spec_.cpu.max != spec_.cpu.count.value_or(*spec_.cpu.max))
      log_.add("cpu.max", "cpu.max is not carried over (a .vmx has one vCPU count)");
  }

  // Each listed controller's vmx index: the one its id names ("scsi1") when
  // free, else the next free of its type (noted). IDE's two are implied.
  void write_controllers() {
    static const std::map<std::string, std::string> kModels = {
        {"lsilogic", "lsilogic"}, {"lsisas", "lsisas1068"}, {"pvscsi", "pvscsi"}, {"buslogic", "buslogic"}};
    for (std::size_t i = 0; i < spec_.controllers.size(); ++i) {
      const auto& c = spec_.controllers[i];
      const auto field = fmt::format("controllers[{}]", i);
      const auto type = c.type.value_or("scsi");
      if (type == "ide") {
        log_.add(field, fmt::format("controller '{}': a .vmx has its two IDE controllers implied", c.id));
        continue;
      }
      int n = -1;
      static const std::regex kId(R"((scsi|sata|nvme)([0-3]))");
      std::smatch m;
      if (std::regex_match(c.id, m, kId) && m[1] == type && !declared_.count({type, std::stoi(m[2])})) n = std::stoi(m[2]);
      for (int k = 0; n < 0 && k < 4; ++k)
        if (!declared_.count({type, k})) n = k;
      if (n < 0) {
        log_.add(field, fmt::format("controller '{}' is left out: a .vmx has at most four {} controllers", c.id, type));
        continue;
      }
      if (c.id != fmt::format("{}{}", type, n))
        log_.add(field, fmt::format("controller '{}' becomes {}{} (reads back as '{}{}')", c.id, type, n, type, n));
      index_of_[c.id] = n;
      std::string model;  // unset: no virtualDev, VMware's own default, as the .vmx read had it
      if (c.model && kModels.count(*c.model)) model = kModels.at(*c.model);
      else if (c.model) log_.add(field, fmt::format("controller '{}': model {} is not carried over", c.id, *c.model));
      declare(type, n, model);
    }
  }

  void declare(const std::string& bus, int n, const std::string& model) {
    if (bus == "ide" || !declared_.insert({bus, n}).second) return;
    set(fmt::format("{}{}.present", bus, n), "TRUE");
    if (bus == "scsi" && !model.empty()) set(fmt::format("scsi{}.virtualDev", n), model);
  }

  // The slot a device goes to: the one its id names ("scsi0-1", as read_vmx
  // makes them) on its bus and controller, when free; else the next free (noted).
  Slot slot_for(const std::string& field, const std::string& noun, const std::string& id, const std::string& bus,
                std::optional<int> controller) {
    static const std::regex kSlotId(R"((scsi|sata|nvme|ide)(\d+)-(\d+))");
    std::smatch m;
    if (std::regex_match(id, m, kSlotId) && m[1] == bus && m[2].length() < 3 && m[3].length() < 3) {
      Slot s{bus, std::stoi(m[2]), std::stoi(m[3])};
      const bool valid = s.controller < 4 && s.unit < units_per_controller(bus) && !(bus == "scsi" && s.unit == 7) &&
                         (!controller || *controller == s.controller);
      if (valid && used_.insert(s).second) return s;
    }
    Slot s{bus, controller.value_or(0), 0};
    while (used_.count(s) || (bus == "scsi" && s.unit == 7)) {
      if (++s.unit == units_per_controller(bus)) {
        s.unit = 0;
        ++s.controller;
      }
    }
    used_.insert(s);
    log_.add(field, fmt::format("{} '{}' goes to {} (.vmx has no device ids; it reads back as '{}{}-{}')", noun, id,
                                s.str(), bus, s.controller, s.unit));
    return s;
  }

  // The controller a disk names: its bus and vmx index.
  std::optional<int> controller_index(const DiskSpec& disk, std::string& bus) {
    if (!disk.controller || !index_of_.count(*disk.controller)) return std::nullopt;
    for (const auto& c : spec_.controllers)
      if (c.id == *disk.controller && c.type) bus = *c.type;
    return index_of_.at(*disk.controller);
  }

  void write_disks() {
    std::vector<std::pair<Slot, std::size_t>> placed;
    for (std::size_t i = 0; i < spec_.disks.size(); ++i) {
      const auto& disk = spec_.disks[i];
      const auto field = fmt::format("disks[{}]", i);
      const bool vmdk = disk.format == "vmdk" || (!disk.format && disk.path && disk.path->size() > 5 &&
                                                  disk.path->compare(disk.path->size() - 5, 5, ".vmdk") == 0);
      if (!disk.path || !vmdk) {
        log_.add(field, fmt::format("disk '{}' is left out: a .vmx needs an existing VMDK ({})", disk.id,
                                    disk.path ? "convert it, e.g. qemu-img convert -O vmdk" : "it has only a size"));
        continue;
      }
      std::string bus = disk.bus.value_or("scsi");
      const auto controller = controller_index(disk, bus);
      if (bus == "virtio" || bus == "xen") {
        log_.add(field, fmt::format("disk '{}': bus {} becomes scsi", disk.id, bus));
        bus = "scsi";
      }
      if (disk.readonly.value_or(false)) log_.add(field, fmt::format("disk '{}': readonly is not carried over", disk.id));
      placed.emplace_back(slot_for(field, "disk", disk.id, bus, controller), i);
    }
    for (const auto& [slot, i] : placed) declare(slot.bus, slot.controller, "pvscsi");
    for (const auto& [slot, i] : placed) {
      set(slot.str() + ".present", "TRUE");
      set(slot.str() + ".fileName", *spec_.disks[i].path);
      if (slot.bus == "scsi") set(slot.str() + ".deviceType", "scsi-hardDisk");
    }
  }

  // An ISO is a cdrom-image; an empty drive is one with no file, not connected.
  void write_cdroms() {
    for (std::size_t i = 0; i < spec_.cdroms.size(); ++i) {
      const auto& cd = spec_.cdroms[i];
      const auto field = fmt::format("cdroms[{}]", i);
      const auto slot = slot_for(field, "cdrom", cd.id, cd.bus.value_or("ide"), std::nullopt);
      declare(slot.bus, slot.controller, "pvscsi");
      set(slot.str() + ".present", "TRUE");
      set(slot.str() + ".deviceType", "cdrom-image");
      set(slot.str() + ".fileName", cd.image.value_or(""));
      if (cd.image.value_or("").empty()) set(slot.str() + ".startConnected", "FALSE");
    }
  }

  void write_nics() {
    std::set<int> used;
    std::vector<int> numbers(spec_.nics.size(), -1);
    for (std::size_t i = 0; i < spec_.nics.size(); ++i) {
      std::smatch m;
      static const std::regex kEth(R"(eth(\d{1,2}))");
      if (std::regex_match(spec_.nics[i].id, m, kEth) && used.insert(std::stoi(m[1])).second) numbers[i] = std::stoi(m[1]);
    }
    for (std::size_t i = 0; i < spec_.nics.size(); ++i) {
      const auto& nic = spec_.nics[i];
      const auto field = fmt::format("nics[{}]", i);
      if (numbers[i] < 0) {
        int n = 0;
        while (used.count(n)) ++n;
        used.insert(n);
        numbers[i] = n;
        log_.add(field, fmt::format("nic '{}' becomes ethernet{} (reads back as 'eth{}')", nic.id, n, n));
      }
      const auto dev = fmt::format("ethernet{}", numbers[i]);
      set(dev + ".present", "TRUE");
      if (nic.network) set(dev + ".networkName", *nic.network);
      if (nic.model == "virtio" || nic.model == "netfront")
        log_.add(field, fmt::format("nic '{}': model {} is not carried over (VMware picks its default)", nic.id, *nic.model));
      else if (nic.model) set(dev + ".virtualDev", *nic.model);
      if (!nic.mac) { set(dev + ".addressType", "generated"); continue; }
      const auto type = vmx_address_type(*nic.mac);
      set(dev + ".addressType", type);
      if (type != "static") { set(dev + ".generatedAddress", *nic.mac); continue; }
      set(dev + ".address", *nic.mac);
      if (nic.mac->rfind("00:50:56:", 0) != 0 || (*nic.mac)[9] > '3')
        log_.add(field, fmt::format("nic '{}': mac {} is outside VMware's static range 00:50:56:00:00:00-00:50:56:3f:ff:ff; "
                                    "ESXi refuses it unless {}.checkMACAddress = \"FALSE\"", nic.id, *nic.mac, dev));
    }
  }

  // Why a .vmx key cannot be `key`, or nothing. Values can hold anything
  // (vmx_quote's |XX); a key has no escapes, and the lexer ends it at space,
  // '=' or '"', and a line at a newline; '#' starts a comment.
  static std::optional<std::string> unwritable_key(const std::string& key) {
    if (key.empty()) return "is empty";
    for (char c : key) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f) return fmt::format("holds the character U+{:04X}", u);
      if (c == '=' || c == '"' || c == '#' || c == '|') return fmt::format("holds '{}'", c);
    }
    return std::nullopt;
  }

  const VmSpec& spec_;
  LossLog log_;
  std::string text_;
  std::vector<Problem> problems_;  // what a .vmx cannot hold: refused at the end, all at once
  std::set<Slot> used_;
  std::set<std::pair<std::string, int>> declared_;  // controllers written present: bus, index
  std::map<std::string, int> index_of_;              // spec controller id -> its vmx index
};

}  // namespace

std::string vmx_address_type(const std::string& mac) {
  const auto byte = [&](std::size_t i) { return std::stoi(mac.substr(i * 3, 2), nullptr, 16); };
  if (mac.rfind("00:0c:29:", 0) == 0 || mac.rfind("00:05:69:", 0) == 0) return "generated";
  if (mac.rfind("00:50:56:", 0) == 0 && byte(3) >= 0x80 && byte(3) <= 0xbf) return "vpx";
  return "static";
}

Exported write_vmx(const VmSpec& spec) { return VmxWriter(spec).run(); }

}  // namespace hvctl::formats
