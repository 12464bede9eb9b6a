// The source VM's spec, made for the destination of a move. Pure: no I/O.
//
// What changes, and why:
// * Identity: the name (--name), labels (plus hvctl.moved-from), the
//   description and the generic fields the destination's column accepts are
//   kept. init and source are dropped: the guest was set up already, and a
//   new first-boot seed would make it a new instance.
// * The guest type on a Xen destination: --as, else pvh for a Linux guest
//   (its kernel has Xen's PV drivers) booting through pvgrub from its own
//   disk, else hvm, which boots anything through firmware.
// * Devices are the destination's own: disks on its natural bus (xen for a
//   PV/PVH guest, ide for HVM, virtio on QEMU for Linux, scsi on vSphere),
//   NIC models likewise, source controllers dropped, CD-ROMs not moved (their
//   media are the source's files). NIC networks are mapped (--map-network,
//   else the same name); an unmapped one is a problem.
// * Every other field the destination cannot express is dropped and listed,
//   with the field table's reason.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "hvctl/move.hpp"
#include "hvctl/spec_fields.hpp"

namespace hvctl {
namespace {

using fields::Column;
using fields::Use;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "linux", "windows" or "": what the spec says the guest runs.
std::string guest_family(const VmSpec& s) {
  const std::string id = s.vsphere && s.vsphere->guest_id ? lower(*s.vsphere->guest_id) : "";
  for (const char* word : {"linux", "ubuntu", "debian", "centos", "rhel", "sles", "fedora", "oracle", "rocky",
                           "alma", "photon", "coreos", "amazonlinux", "mandriva", "opensuse", "asianux"})
    if (id.find(word) != std::string::npos) return "linux";
  if (id.rfind("win", 0) == 0) return "windows";
  if (s.xen && s.xen->type && *s.xen->type != "hvm") return "linux";  // it ran paravirtualized already
  if (s.boot.kernel || s.boot.loader) return "linux";
  return "";
}

struct Dest {
  std::string backend;     // libvirt | vsphere | xen
  bool xen = false;        // the guest runs on Xen (a Xen target, or libvirt on a Xen host)
  std::string xen_type;    // when xen
  std::string family;
  Column column = Column::libvirt;
};

Dest destination(const VmSpec& source, const MoveRequest& r, const MoveEnds& ends, MoveTranslation& t) {
  Dest d;
  d.backend = ends.to.backend;
  d.column = fields::column_of(d.backend).value_or(Column::libvirt);
  d.xen = d.backend == "xen" || ends.to.hypervisor == "xen";
  d.family = guest_family(source);
  if (!d.xen) {
    if (r.as) t.problems.push_back(fmt::format("--as {} chooses a Xen guest type; the destination runs {}", *r.as,
                                               ends.to.hypervisor));
    return d;
  }
  d.xen_type = r.as.value_or(d.family == "linux" ? "pvh" : "hvm");
  return d;
}

std::string disk_bus(const Dest& d, const DiskSpec& disk) {
  if (d.xen) return d.xen_type == "hvm" ? "ide" : "xen";
  if (d.backend == "vsphere") return "scsi";
  const bool pv_ready = d.family == "linux" || disk.bus == "virtio" || disk.bus == "xen";
  return pv_ready ? "virtio" : "sata";
}

std::optional<std::string> nic_model(const Dest& d) {
  if (d.xen) return std::nullopt;  // the backend's own: netfront for PV/PVH, its emulated NIC for HVM
  if (d.backend == "vsphere") return d.family == "windows" ? "e1000e" : "vmxnet3";
  return d.family == "linux" ? "virtio" : "e1000";
}

// vSphere takes a manual MAC only in VMware's static range, 00:50:56:00:00:00-3f:ff:ff.
bool vsphere_takes_mac(const std::string& mac) {
  if (mac.rfind("00:50:56:", 0) != 0 || mac.size() < 11) return false;
  return std::stoi(mac.substr(9, 2), nullptr, 16) <= 0x3f;
}

void move_disks(VmSpec& s, const Dest& d, MoveTranslation& t) {
  std::size_t ide = 0;
  for (auto& disk : s.disks) {
    const std::string was = disk.bus.value_or("default bus") + (disk.controller ? " on " + *disk.controller : "");
    disk.bus = disk_bus(d, disk);
    if (*disk.bus == "ide" && ++ide > 4)
      t.problems.push_back(fmt::format("disk '{}': an HVM guest has 4 IDE disks at most; --as pvh or pv gives it "
                                       "xen disks", disk.id));
    disk.controller.reset();
    disk.from.reset();
    disk.copy_from = false;
    disk.size_mib.reset();  // the copy is an existing image of the source's size
    t.devices.push_back(fmt::format("disk {}: {} -> {}", disk.id, was, *disk.bus));
  }
  if (!s.controllers.empty()) {
    t.devices.push_back(fmt::format("controllers: {} of the source's dropped; the destination puts its disks on "
                                    "its own", s.controllers.size()));
    s.controllers.clear();
  }
  for (const auto& cd : s.cdroms)
    t.lost.push_back({"cdroms", fmt::format("drive '{}'{} is not moved: its medium is a file of the source's target",
                                            cd.id, cd.image && !cd.image->empty() ? " (" + *cd.image + ")" : "")});
  s.cdroms.clear();
}

std::optional<std::string> mapped_network(const std::string& from, const MoveRequest& r, const MoveEnds& ends) {
  if (auto it = r.networks.find(from); it != r.networks.end()) return it->second;
  for (const auto& n : ends.networks)
    if (n.name == from) return from;
  return std::nullopt;
}

std::string network_names(const std::vector<NetworkInfo>& networks) {
  std::string out;
  for (const auto& n : networks) out += (out.empty() ? "" : ", ") + n.name;
  return out.empty() ? "none" : out;
}

void move_nics(VmSpec& s, const Dest& d, const MoveRequest& r, const MoveEnds& ends, MoveTranslation& t) {
  for (auto& nic : s.nics) {
    const std::string from = nic.network.value_or("");
    if (auto to = from.empty() ? std::nullopt : mapped_network(from, r, ends))
      nic.network = *to;
    else if (!from.empty())
      t.problems.push_back(fmt::format("nic '{}': network '{}' has no match on the destination (it has: {}); map it "
                                       "with --map-network '{}'=NETWORK", nic.id, from, network_names(ends.networks),
                                       from));
    const std::string was = nic.model.value_or("default model");
    nic.model = nic_model(d);
    std::string mac = nic.mac ? ", MAC " + *nic.mac + " kept" : "";
    if (nic.mac && d.backend == "vsphere" && !vsphere_takes_mac(*nic.mac)) {
      mac = fmt::format(", a new MAC (vSphere takes manual MACs only in 00:50:56:00:00:00-3f:ff:ff, not {})", *nic.mac);
      nic.mac.reset();
    }
    t.devices.push_back(fmt::format("nic {}: {} on '{}' -> {} on '{}'{}", nic.id, was, from,
                                    nic.model.value_or("the backend's default model"), nic.network.value_or(""), mac));
  }
}

void move_boot(VmSpec& s, const VmSpec& source, const Dest& d, MoveTranslation& t) {
  if (s.boot.kernel) {
    t.lost.push_back({"boot.kernel", fmt::format("{} is a file on the source's host; the guest boots its own "
                                                 "kernel from its disk instead", *s.boot.kernel)});
    s.boot = {};
  }
  if (d.xen) {
    if (!s.xen) s.xen = XenBlock{};
    s.xen->type = d.xen_type;
    if (d.xen_type != "hvm") {
      s.boot.loader = "pvgrub";
      if (s.firmware)
        t.lost.push_back({"firmware", fmt::format("a {} guest boots through pvgrub, not {} firmware", d.xen_type,
                                                  to_string(*s.firmware))});
      s.firmware.reset();
      t.devices.push_back(fmt::format("boot: {} -> pvgrub, which reads /boot/grub/grub.cfg from the guest's disk",
                                      source.boot.loader ? "pvgrub" : source.firmware ? to_string(*source.firmware)
                                                                                      : "firmware"));
    }
    return;
  }
  if (s.boot.loader) {
    t.lost.push_back({"boot.loader", "the destination boots the disk through firmware; the disk needs a BIOS or "
                                     "UEFI boot loader (pvgrub only read its grub.cfg)"});
    s.boot.loader.reset();
  }
}

void guest_notes(const VmSpec& source, const Dest& d, const Capabilities& from, MoveTranslation& t) {
  const bool to_pv = d.xen && d.xen_type != "hvm";
  const bool was_pv = from.hypervisor == "xen" && fields::effective_xen_type(source) != "hvm";
  if (to_pv && !was_pv)
    t.guest.push_back("its disks appear as /dev/xvdX: an /etc/fstab or kernel command line naming /dev/sdX or "
                      "/dev/vdX instead of UUID= or LABEL= will not find them; its kernel needs Xen's PV drivers "
                      "(xen-blkfront, xen-netfront), which Debian's and most distributions' kernels have");
  if (!d.xen && was_pv)
    t.guest.push_back("its disks no longer appear as /dev/xvdX: an /etc/fstab naming them will not find them");
  if (from.backend == "vsphere" && d.backend != "vsphere")
    t.guest.push_back("VMware Tools (open-vm-tools) finds no VMware hypervisor and stays idle; remove it when "
                      "convenient");
  if (d.backend == "vsphere" && from.backend != "vsphere")
    t.guest.push_back("it needs VMware's device drivers (vmw_pvscsi or mptspi, vmxnet3: in Linux's kernel); "
                      "VMware Tools is not installed by the move");
  if (!source.nics.empty())
    t.guest.push_back("its NICs get new names in the guest (ens192, enp1s0, enX0...): a network configuration "
                      "bound to a name or to the old MAC needs updating");
}

bool accepted(const fields::Field& f, const Dest& d, const MoveEnds& ends, std::string& why) {
  if (!f.block().empty() && !fields::reads_block(f.block(), ends.to.backend, ends.to.hypervisor)) {
    why = fmt::format("the destination ({}) does not read the {} block", ends.to.backend, f.block());
    return false;
  }
  const auto& use = f.on(d.column);
  if (use.use == Use::refused || use.use == Use::none) {
    why = *use.how ? use.how : "the destination cannot express it";
    return false;
  }
  return true;
}

// Drops each VM-level field the destination cannot express; lists it, or it as kept.
void drop_unexpressed(VmSpec& s, const VmSpec& source, const Dest& d, const MoveEnds& ends, MoveTranslation& t) {
  for (const auto& f : fields::table()) {
    if (f.scope != fields::Scope::vm || !f.is_leaf() || f.universal()) continue;
    const auto value = fields::get(f, s);
    if (!fields::is_set(value)) continue;
    std::string why;
    if (!accepted(f, d, ends, why)) {
      t.lost.push_back({f.key(), fmt::format("{} ({})", fields::show(f, value), why)});
      fields::set(f, s, {});
    } else if (fields::get(f, source) == value && f.compared && value != fields::Value{false}) {
      t.kept.push_back(f.key());
    }
  }
  if (s.vsphere && *s.vsphere == VsphereBlock{}) s.vsphere.reset();
  if (s.libvirt && *s.libvirt == LibvirtBlock{}) s.libvirt.reset();
  if (s.xen && *s.xen == XenBlock{}) s.xen.reset();
}

}  // namespace

MoveTranslation translate_for_move(const VmSpec& source, const MoveRequest& r, const MoveEnds& ends) {
  MoveTranslation t;
  VmSpec s = source;
  s.name = r.name.value_or(source.name);
  s.target.reset();
  s.power.reset();
  s.mark = {};
  s.field_marks.clear();
  if (!s.init.empty())
    t.lost.push_back({"init", "the guest was set up already; a new first-boot seed would make it a new instance"});
  s.init = {};
  s.source = {};
  fields::drop_unsaid(s);
  s.labels.erase(kMovedToLabel);
  s.labels[kMovedFromLabel] = ends.from_ref;
  const Dest d = destination(source, r, ends, t);
  move_boot(s, source, d, t);
  move_disks(s, d, t);
  move_nics(s, d, r, ends, t);
  drop_unexpressed(s, source, d, ends, t);
  guest_notes(source, d, ends.from, t);
  t.spec = std::move(s);
  return t;
}

}  // namespace hvctl
