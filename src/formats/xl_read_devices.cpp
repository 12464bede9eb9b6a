// xl.cfg -> VmSpec, the device lists.
//   disk: each item through xlu_disk_parse. id: the vdev ("xvda") when it is a
//   valid id, else disk<N>; bus from the vdev prefix (xvd xen, hd ide, sd scsi)
//   or specification=virtio; target -> path; format raw|qcow2|vhd; access=ro ->
//   readonly. CD-ROMs and settings a spec has no field for are Losses; a
//   network target (rbd:, iscsi:, nbd: ...) is left out, noted.
//   vif: split as xl does; mac -> mac, bridge -> network (Open vSwitch's
//   BRIDGE.TAG / BRIDGE:TRUNKS: the bridge, the VLANs noted), model -> model,
//   type=vif (PV only) -> model netfront; ids eth<N>; type=ioemu and
//   script=vif-bridge are the defaults (xl-network-configuration(5)); other
//   keys are Losses.
#include "xl_cfg.hpp"

#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "spec_schema.hpp"
#include "xl_reader.hpp"
#include "xlu_limits.hpp"

namespace hvctl::formats {
namespace {

struct DiskGuard {
  libxl_device_disk* disk;
  ~DiskGuard() { libxl_device_disk_dispose(disk); }
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::optional<std::string> bus_of_vdev(const std::string& vdev) {
  if (vdev.rfind("xvd", 0) == 0) return "xen";
  if (vdev.rfind("hd", 0) == 0) return "ide";
  if (vdev.rfind("sd", 0) == 0) return "scsi";
  return std::nullopt;
}

std::optional<std::string> format_name(libxl_disk_format f) {
  switch (f) {
    case LIBXL_DISK_FORMAT_RAW: return "raw";
    case LIBXL_DISK_FORMAT_QCOW2: return "qcow2";
    case LIBXL_DISK_FORMAT_VHD: return "vhd";
    default: return std::nullopt;
  }
}

// The protocol of a network disk target qemu opens by URL ("rbd:pool/img",
// "iscsi://host/iqn/lun", "nbd:host:port"), none for a local path.
std::optional<std::string> network_protocol(const std::string& target) {
  static const char* const kProtocols[] = {"rbd", "iscsi", "nbd", "gluster", "sheepdog", "ssh", "http", "https", "ftp", "ftps"};
  const auto colon = target.find(':');
  if (colon == std::string::npos) return std::nullopt;
  for (const char* p : kProtocols)
    if (target.compare(0, colon, p) == 0) return std::string(p);
  return std::nullopt;
}

// What libxlutil printed, without its "file: " prefix.
std::string strip_prefix(std::string report, const std::string& file) {
  if (report.rfind(file + ": ", 0) == 0) report.erase(0, file.size() + 2);
  return report;
}

}  // namespace

void XlReader::read_disks() {
  const auto items = list("disk");
  for (std::size_t i = 0; i < items.size(); ++i) read_disk(items[i], i, item_line("disk", i));
}

void XlReader::read_disk(const std::string& text, std::size_t index, int line) {
  libxl_device_disk d;
  libxl_device_disk_init(&d);
  DiskGuard guard{&d};
  session_.take_report();
  const char* spec = text.c_str();
  if (const auto why = xl_disk_spec_problem(text)) {
    problem(line, fmt::format("disk[{}] {}", index, *why));
    return;
  }
  const std::string what = fmt::format("disk[{}] '{}'", index, text);
  if (int rc = xlu_disk_parse(session_.cfg(), 1, &spec, &d); rc != 0) {
    auto why = strip_prefix(session_.take_report(), file_);
    problem(line, fmt::format("{}: {}", what, why.empty() ? std::strerror(rc) : why));
    return;
  }
  if (d.is_cdrom) return read_cdrom(d, what, index, line);
  if (!d.pdev_path || !*d.pdev_path) return loss(line, what + " has no target; not carried over");
  if (const auto protocol = network_protocol(d.pdev_path))
    return loss(line, fmt::format("{} is a network disk ({}); a spec's disk path is a local file or device, so it is "
                                  "not carried over", what, *protocol));
  DiskSpec disk;
  disk.path = d.pdev_path;
  const std::string vdev = d.vdev ? d.vdev : "";
  disk.id = fmt::format("disk{}", index);
  if (valid_id(vdev)) disk.id = vdev;
  for (const auto& other : out_.spec.disks)
    if (other.id == disk.id) disk.id = fmt::format("disk{}", index);
  disk.bus = d.specification == LIBXL_DISK_SPECIFICATION_VIRTIO ? std::optional<std::string>("virtio") : bus_of_vdev(vdev);
  // A PV or PVH guest has only xen block devices, whatever the vdev's name (hda1 is a vbd to it).
  const auto& xen = out_.spec.xen;
  if (xen && xen->type && *xen->type != "hvm" && (disk.bus == "ide" || disk.bus == "scsi")) disk.bus = "xen";
  disk.format = format_name(d.format);
  if (!disk.format && d.format != LIBXL_DISK_FORMAT_UNKNOWN)
    loss(line, fmt::format("{}: format {} is not carried over (a spec knows raw, qcow2, vhd)", what,
                           libxl_disk_format_to_string(d.format)));
  if (!d.readwrite) disk.readonly = true;
  if (d.backend != LIBXL_DISK_BACKEND_UNKNOWN)
    loss(line, fmt::format("{}: backendtype={} is not carried over (Xen picks one)", what,
                           libxl_disk_backend_to_string(d.backend)));
  if (d.script) loss(line, fmt::format("{}: script={} is not carried over", what, d.script));
  if (d.backend_domname) loss(line, fmt::format("{}: backend={} is not carried over", what, d.backend_domname));
  if (d.direct_io_safe) loss(line, what + ": direct-io-safe is not carried over");
  if (!libxl_defbool_is_default(d.discard_enable)) loss(line, what + ": discard/no-discard is not carried over");
  if (!libxl_defbool_is_default(d.colo_enable)) loss(line, what + ": COLO settings are not carried over");
  if (!libxl_defbool_is_default(d.trusted)) loss(line, what + ": trusted/untrusted is not carried over");
  mark(fmt::format("disks[{}]", out_.spec.disks.size()), line);
  out_.spec.disks.push_back(std::move(disk));
}

// A drive: its target is the ISO, none an empty drive; the vdev is its id.
void XlReader::read_cdrom(const libxl_device_disk& d, const std::string& what, std::size_t index, int line) {
  CdromSpec cd;
  const std::string vdev = d.vdev ? d.vdev : "";
  cd.id = valid_id(vdev) ? vdev : fmt::format("cdrom{}", index);
  for (const auto& other : out_.spec.cdroms)
    if (other.id == cd.id) cd.id = fmt::format("cdrom{}", index);
  if (auto bus = bus_of_vdev(vdev); bus && *bus != "xen") cd.bus = bus;
  cd.image = d.pdev_path ? d.pdev_path : "";
  if (d.format != LIBXL_DISK_FORMAT_RAW && d.format != LIBXL_DISK_FORMAT_UNKNOWN && d.format != LIBXL_DISK_FORMAT_EMPTY)
    loss(line, fmt::format("{}: format {} is not carried over (a drive's ISO is raw)", what,
                           libxl_disk_format_to_string(d.format)));
  if (d.backend != LIBXL_DISK_BACKEND_UNKNOWN)
    loss(line, fmt::format("{}: backendtype={} is not carried over (Xen picks one)", what,
                           libxl_disk_backend_to_string(d.backend)));
  mark(fmt::format("cdroms[{}]", out_.spec.cdroms.size()), line);
  out_.spec.cdroms.push_back(std::move(cd));
}

void XlReader::read_nics() {
  const auto items = list("vif");
  for (std::size_t i = 0; i < items.size(); ++i) read_nic(items[i], i, item_line("vif", i));
}

void XlReader::read_nic(const std::string& text, std::size_t index, int line) {
  NicSpec nic;
  nic.id = fmt::format("eth{}", index);
  const std::string what = fmt::format("vif[{}]", index);
  std::optional<std::string> type;
  const auto items = split_vif(text);
  bool ovs = false;  // vif-openvswitch reads bridge=BRIDGE.TAG and BRIDGE:TRUNK:TRUNK
  for (const auto& [key, value] : items) ovs = ovs || (key == "script" && value.find("openvswitch") != std::string::npos);
  for (auto [key, value] : items) {
    if (value.empty()) continue;
    if (key == "mac") {
      for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (valid_mac(value)) nic.mac = value;
      else problem(line, fmt::format("{}: mac={} is not a unicast MAC address like 00:16:3e:12:34:56", what, value));
    } else if (key == "bridge") {
      nic.network = value;
      // Open vSwitch's VLAN syntax (vif-openvswitch): the spec keeps the bridge
      // and names the tag or trunks as lost, never "ovsbr0.42" as a network.
      const auto cut = value.find_first_of(ovs ? ".:" : ":");
      if (cut != std::string::npos && cut > 0) {
        nic.network = value.substr(0, cut);
        loss(line, fmt::format("{}: bridge={}: the Open vSwitch VLAN {} {} is not carried over (network is '{}')", what,
                               value, value[cut] == '.' ? "tag" : "trunks", value.substr(cut + 1), *nic.network));
      }
    } else if (key == "model") {
      nic.model = value;
    } else if (key == "type") {
      type = value;
    } else if (key == "script" && (value == "vif-bridge" || ends_with(value, "/vif-bridge"))) {
      // xl-network-configuration(5): the hotplug script defaults to vif-bridge.
    } else {
      loss(line, fmt::format("{}: {}={} is not carried over (a spec has no field for it)", what, key, loss_value(key, value)));
    }
  }
  // xl-network-configuration(5): type is for HVM only, ioemu its default.
  if (type == "vif" && !nic.model) nic.model = "netfront";
  else if (type == "vif")
    loss(line, fmt::format("{}: type=vif is not carried over with model={} (the guest gets an emulated NIC too)", what, *nic.model));
  else if (type && type != "ioemu")
    problem(line, fmt::format("{}: type={}: expected vif or ioemu", what, *type));
  mark(fmt::format("nics[{}]", out_.spec.nics.size()), line);
  out_.spec.nics.push_back(std::move(nic));
}

}  // namespace hvctl::formats
