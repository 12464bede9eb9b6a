// VmSpec -> .vmx, written the way ESXi writes it (quoted values, one key a line).
// Decisions:
//   hardware version 14 (ESXi 6.7+, Workstation 15+): every bus hvctl writes works there.
//   guestOS from vsphere.guestId (see guest_os.cpp), else "other-64" (noted).
//   Disks need a VMDK: path ending .vmdk or format vmdk, else left out (noted).
//   Slot: the id when it names one ("scsi0-1", as read_vmx makes them) on the
//   disk's bus, else the next free one (noted); virtio and xen buses become scsi.
//   Controllers: scsiN pvscsi, sataN, nvmeN are declared present; IDE needs none.
//   NICs: ethernetN from "ethN" ids, else the next free; a MAC is written static.
#include <map>
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
    write_disks();
    write_nics();
    if (spec_.boot.kernel || spec_.boot.ramdisk || spec_.boot.cmdline)
      log_.add("boot", "spec.boot (direct kernel boot) is not carried over (VMware boots from firmware)");
    note_spec_only_fields(spec_, ".vmx", log_);
    note_block(spec_, "xen", ".vmx", log_);
    note_block(spec_, "libvirt", ".vmx", log_);
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
    for (const auto& [key, value] : vs->extra_config) set(key, value);
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
    const auto size = spec_.memory.size_mib ? spec_.memory.size_mib : spec_.memory.max_mib;
    if (!spec_.memory.size_mib && size) set("memsize", std::to_string(*size));
    if (spec_.memory.max_mib && spec_.memory.max_mib != size)
      log_.add("memory.max", "memory.max is not carried over (a .vmx has one memory size)");
  }

  // The slot disk `i` goes to: the one its id names, when free and on its bus; else the next free.
  Slot slot_for(std::size_t i, const std::string& bus) {
    static const std::regex kSlotId(R"((scsi|sata|nvme|ide)(\d+)-(\d+))");
    const auto& disk = spec_.disks[i];
    std::smatch m;
    if (std::regex_match(disk.id, m, kSlotId) && m[1] == bus) {
      Slot s{bus, std::stoi(m[2]), std::stoi(m[3])};
      const bool valid = s.controller < 4 && s.unit < units_per_controller(bus) && !(bus == "scsi" && s.unit == 7);
      if (valid && used_.insert(s).second) return s;
    }
    Slot s{bus, 0, 0};
    while (used_.count(s) || (bus == "scsi" && s.unit == 7)) {
      if (++s.unit == units_per_controller(bus)) { s.unit = 0; ++s.controller; }
    }
    used_.insert(s);
    log_.add(fmt::format("disks[{}]", i), fmt::format("disk '{}' goes to {} (.vmx has no disk ids; it reads back as '{}{}-{}')",
                                                     disk.id, s.str(), bus, s.controller, s.unit));
    return s;
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
      if (bus == "virtio" || bus == "xen") {
        log_.add(field, fmt::format("disk '{}': bus {} becomes scsi", disk.id, bus));
        bus = "scsi";
      }
      if (disk.readonly.value_or(false)) log_.add(field, fmt::format("disk '{}': readonly is not carried over", disk.id));
      placed.emplace_back(slot_for(i, bus), i);
    }
    std::set<std::string> controllers;
    for (const auto& [slot, i] : placed) {
      const auto controller = fmt::format("{}{}", slot.bus, slot.controller);
      if (slot.bus == "ide" || !controllers.insert(controller).second) continue;
      set(controller + ".present", "TRUE");
      if (slot.bus == "scsi") set(controller + ".virtualDev", "pvscsi");
    }
    for (const auto& [slot, i] : placed) {
      set(slot.str() + ".present", "TRUE");
      set(slot.str() + ".fileName", *spec_.disks[i].path);
      if (slot.bus == "scsi") set(slot.str() + ".deviceType", "scsi-hardDisk");
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
      set(dev + ".addressType", "static");
      set(dev + ".address", *nic.mac);
      if (nic.mac->rfind("00:50:56:", 0) != 0 || (*nic.mac)[9] > '3')
        log_.add(field, fmt::format("nic '{}': mac {} is outside VMware's static range 00:50:56:00:00:00-00:50:56:3f:ff:ff; "
                                    "ESXi refuses it unless {}.checkMACAddress = \"FALSE\"", nic.id, *nic.mac, dev));
    }
  }

  const VmSpec& spec_;
  LossLog log_;
  std::string text_;
  std::set<Slot> used_;
};

}  // namespace

Exported write_vmx(const VmSpec& spec) { return VmxWriter(spec).run(); }

}  // namespace hvctl::formats
