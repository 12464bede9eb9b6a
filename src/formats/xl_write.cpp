// VmSpec -> xl.cfg. The text reads back through libxlutil (read_xl_cfg) to the
// same spec wherever xl.cfg can say it. Decisions:
//   type: always, xen.type's effective value (unset: pvh with a kernel, else hvm).
//   firmware uefi -> bios = "ovmf", bios -> bios = "seabios"; HVM only.
//   disks: vdev = the disk id when it is a vdev name on the disk's bus
//   ("xvdb", "hda", "sdc"), else the next free one (noted); bus xen -> xvd,
//   ide -> hd, scsi|sata -> sd; virtio and nvme become xvd (noted); size-only and
//   VMDK disks are left out (noted). access=ro for readonly. CD-ROMs:
//   devtype=cdrom on HVM, on hd (sd for scsi) as the Xen backend puts them; on PV/PVH a read-only xen disk after the disks, as
//   the Xen backend makes them (noted).
//   nics: eth<N> ids are implied by order; model netfront -> type=vif.
//   Strings: escaped as libxlutil reads them (xl_quote); a NUL anywhere, or a
//   control character in a disk or vif item, cannot be written: the export
//   is refused (ValidationError, exit 3) at the spec's line for each.
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "direct_keys.hpp"
#include "export_common.hpp"
#include "hvctl/spec_fields.hpp"
#include "xl_cfg.hpp"
#include "xl_scan.hpp"

namespace hvctl::formats {
namespace {

class XlWriter {
public:
  explicit XlWriter(const VmSpec& spec) : spec_(spec), log_(spec) {}

  Exported run() {
    line(fmt::format("# {}: hvctl/v1 VirtualMachine, converted by hvctl", spec_.name));
    set("name", spec_.name);
    write_type_and_firmware();
    write_direct();
    write_others();
    write_disks();
    write_nics();
    note_spec_only_fields(spec_, "xl.cfg", log_);
    note_block(spec_, "vsphere", "xl.cfg", log_);
    note_block(spec_, "libvirt", "xl.cfg", log_);
    if (!problems_.empty()) throw ValidationError(std::move(problems_));
    return {std::move(text_), log_.take()};
  }

private:
  void line(const std::string& s) { text_ += s + "\n"; }
  // False, and a problem at the spec's `field`, when xl.cfg cannot hold `value` there.
  bool holdable(const std::string& field, const std::string& what, const std::string& value, bool in_item) {
    const auto why = xl_unholdable(value, in_item);
    if (why) problems_.push_back({spec_.mark_of(field), fmt::format("{} {}: it cannot be written as xl.cfg", what, *why)});
    return !why;
  }
  void set(const char* key, const std::string& value) { line(fmt::format("{} = {}", key, xl_quote(value))); }
  void set(const char* key, std::uint64_t value) { line(fmt::format("{} = {}", key, value)); }

  // type is always written: xl's default (pv) is not what an unset xen.type means.
  void write_type_and_firmware() {
    const std::optional<std::string> type = fields::effective_xen_type(spec_);
    set("type", *type);
    if (!spec_.firmware) return;
    if (type == "hvm") return set("bios", spec_.firmware == Firmware::uefi ? "ovmf" : "seabios");
    log_.add("firmware", fmt::format("firmware {} is not carried over (xl chooses firmware for HVM guests only)",
                                     to_string(*spec_.firmware)));
  }

  // The field table's xl keys: numbers bare, text quoted.
  void write_direct() {
    for (const auto& d : xl_direct_keys()) {
      const auto v = fields::get(*d.field, spec_);
      if (!fields::is_set(v)) continue;
      const auto text = native_text(*d.field, v);
      if (std::holds_alternative<long long>(v)) line(fmt::format("{} = {}", d.key, text));
      else if (holdable(d.field->key(), d.field->key(), text, false)) set(d.key.c_str(), text);
    }
  }

  void write_others() {
    // memory.size unset means hvctl's default, which xl would not pick (libxl's is 32MiB).
    if (!spec_.memory.size_mib) line(fmt::format("memory = {}", fields::effective_memory_mib(spec_)));
    // cpu.count unset with a cpu.max means all of them online; xl's vcpus would be 1.
    if (!spec_.cpu.count && spec_.cpu.max) line(fmt::format("vcpus = {}", *spec_.cpu.max));
    if (spec_.cpu.cap) set("cap", static_cast<std::uint64_t>(*spec_.cpu.cap));
    if (spec_.xen && spec_.xen->tsc_mode) set("tsc_mode", *spec_.xen->tsc_mode);
    if (spec_.description) log_.add("description", "metadata.description is not carried over (xl.cfg has no description)");
    if (!spec_.controllers.empty())
      log_.add("controllers", "spec.controllers are not carried over (xl.cfg has no disk controllers)");
    for (std::size_t i = 0; i < spec_.disks.size(); ++i)
      if (spec_.disks[i].controller)
        log_.add(fmt::format("disks[{}].controller", i),
                 fmt::format("disk '{}': controller is not carried over", spec_.disks[i].id));
    if (spec_.cpu.cores_per_socket)
      log_.add("cpu.coresPerSocket", "cpu.coresPerSocket is not carried over (libxl has no guest CPU topology)");
  }

  static std::string prefix_for(const std::optional<std::string>& bus) {
    if (bus == "ide") return "hd";
    if (bus == "scsi" || bus == "sata") return "sd";
    return "xvd";
  }

  // The vdev for a disk or drive: its id when that is a vdev name with the
  // right prefix, else the next free one (noted).
  std::string vdev_for(const std::string& field, const char* noun, const std::string& id,
                       const std::optional<std::string>& bus) {
    const auto prefix = prefix_for(bus);
    static const std::regex kVdev("(xvd|hd|sd)[a-z]{1,2}");
    if (std::regex_match(id, kVdev) && id.rfind(prefix, 0) == 0 && !(prefix == "hd" && id.size() != 3) &&
        used_vdevs_.insert(id).second)
      return id;
    std::string vdev;
    for (char c = 'a'; c <= 'z' && (vdev.empty() || used_vdevs_.count(vdev)); ++c) vdev = prefix + c;
    used_vdevs_.insert(vdev);
    log_.add(field, fmt::format("{} '{}' becomes vdev {} (xl.cfg has no device ids; it reads back as '{}')", noun, id,
                                vdev, vdev));
    return vdev;
  }

  // On HVM a drive is a read-only raw disk with devtype=cdrom; an empty one
  // has no target. A PV or PVH guest has no emulated drive: as the Xen backend
  // makes it, the ISO is a read-only xen disk after the disks (noted).
  std::string cdrom_item(std::size_t i) {
    const auto& cd = spec_.cdroms[i];
    const auto field = fmt::format("cdroms[{}]", i);
    if (fields::effective_xen_type(spec_) == "hvm") {
      // An emulated drive is on hd (sd for scsi), never xvd, which HVM has only as PV disks.
      const auto vdev = vdev_for(field, "cdrom", cd.id, std::string(cd.bus == "scsi" ? "scsi" : "ide"));
      return xl_quote(fmt::format("format=raw, vdev={}, access=ro, devtype=cdrom, target={}", vdev, cd.image.value_or("")),
                      '\'');
    }
    std::string vdev = "xvda";
    for (char c = 'a'; c <= 'z' && used_vdevs_.count(vdev); ++c) vdev = std::string("xvd") + c;
    used_vdevs_.insert(vdev);
    log_.add(field, fmt::format("cdrom '{}' becomes read-only disk {} (a {} guest has no emulated CD-ROM drive; "
                                "it reads back as disk '{}')", cd.id, vdev, fields::effective_xen_type(spec_), vdev));
    return xl_quote(fmt::format("format=raw, vdev={}, access=ro, target={}", vdev, cd.image.value_or("")), '\'');
  }

  void write_disks() {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < spec_.disks.size(); ++i) {
      const auto& disk = spec_.disks[i];
      const auto field = fmt::format("disks[{}]", i);
      if (!disk.path) {
        log_.add(field, fmt::format("disk '{}' has no path and is left out (xl does not create images; "
                                    "create it and set path)", disk.id));
        continue;
      }
      if (disk.format == "vmdk") {
        log_.add(field, fmt::format("disk '{}' is VMDK and is left out (xl cannot use VMDK; convert it, e.g. "
                                    "qemu-img convert -O qcow2, and set path and format)", disk.id));
        continue;
      }
      if (!holdable(field, fmt::format("disk '{}': path", disk.id), *disk.path, true)) continue;
      if (disk.bus == "virtio" || disk.bus == "nvme")
        log_.add(field, fmt::format("disk '{}': bus {} becomes a Xen PV disk (xvd)", disk.id, *disk.bus));
      if (disk.bus == "sata") log_.add(field, fmt::format("disk '{}': bus sata becomes sd (reads back as scsi)", disk.id));
      if (!disk.format) log_.add(field, fmt::format("disk '{}' has no format: written as raw, which xl assumes", disk.id));
      std::string item = "format=" + disk.format.value_or("raw") + ", ";
      item += fmt::format("vdev={}, access={}, target={}", vdev_for(field, "disk", disk.id, disk.bus), disk.readonly.value_or(false) ? "ro" : "rw",
                          *disk.path);
      items.push_back(xl_quote(item, '\''));
    }
    for (std::size_t i = 0; i < spec_.cdroms.size(); ++i)
      if (holdable(fmt::format("cdroms[{}]", i), fmt::format("cdrom '{}': image", spec_.cdroms[i].id),
                   spec_.cdroms[i].image.value_or(""), true))
        items.push_back(cdrom_item(i));
    write_list("disk", items);
  }

  void write_nics() {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < spec_.nics.size(); ++i) {
      const auto& nic = spec_.nics[i];
      const auto field = fmt::format("nics[{}]", i);
      if (nic.id != fmt::format("eth{}", i))
        log_.add(field, fmt::format("nic '{}' becomes vif[{}] (xl.cfg has no NIC ids; it reads back as 'eth{}')", nic.id, i, i));
      std::vector<std::string> parts;
      if (nic.mac) parts.push_back("mac=" + *nic.mac);
      if (nic.network && !holdable(field, fmt::format("nic '{}': network", nic.id), *nic.network, true)) continue;
      if (nic.network && nic.network->find_first_of(",=") == std::string::npos) parts.push_back("bridge=" + *nic.network);
      else if (nic.network) log_.add(field, fmt::format("nic '{}': network '{}' cannot be an xl bridge name", nic.id, *nic.network));
      if (nic.model == "netfront") parts.push_back("type=vif");
      else if (nic.model) parts.push_back("model=" + *nic.model);
      std::string item;
      for (const auto& p : parts) item += (item.empty() ? "" : ", ") + p;
      items.push_back(xl_quote(item, '\''));
    }
    write_list("vif", items);
  }

  void write_list(const char* key, const std::vector<std::string>& items) {
    if (items.empty()) return;
    if (items.size() == 1) return line(fmt::format("{} = [ {} ]", key, items[0]));
    line(fmt::format("{} = [", key));
    for (const auto& item : items) line("    " + item + ",");
    line("]");
  }

  const VmSpec& spec_;
  LossLog log_;
  std::string text_;
  std::set<std::string> used_vdevs_;
  std::vector<Problem> problems_;  // what xl.cfg cannot hold: refused at the end, all at once
};

}  // namespace

Exported write_xl_cfg(const VmSpec& spec) { return XlWriter(spec).run(); }

}  // namespace hvctl::formats
