// Spec -> libxl_domain_config. Everything here is pure: no libxl_ctx, so it
// runs (and is golden-tested) on machines without Xen.
#include "xen_config.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_overlay.hpp"
#include "xlu_limits.hpp"

namespace hvctl::xen {
namespace {

char* dup(const std::string& s) { return strdup(s.c_str()); }

libxl_domain_type libxl_type(const std::string& type) {
  if (type == "pv") return LIBXL_DOMAIN_TYPE_PV;
  if (type == "pvh") return LIBXL_DOMAIN_TYPE_PVH;
  return LIBXL_DOMAIN_TYPE_HVM;
}

// The vdev prefix for a disk bus; "" when Xen has no such bus.
std::string vdev_prefix(const std::optional<std::string>& bus) {
  if (!bus || *bus == "xen") return "xvd";
  if (*bus == "ide") return "hd";
  if (*bus == "scsi") return "sd";
  return "";
}

// The disk in xl's disk syntax, as xlu_disk_parse reads it.
std::string xl_disk_spec(const DiskSpec& d, const std::string& vdev) {
  return fmt::format("format={},vdev={},access={},target={}", d.format.value_or("raw"), vdev,
                     d.readonly.value_or(false) ? "ro" : "rw", d.path.value_or(""));
}

// A set of disk formats xl's disk syntax knows and the spec allows.
bool known_format(const std::string& f) { return f == "raw" || f == "qcow2" || f == "vhd"; }

const std::map<std::string, std::string> kHvmNicModels = {
    {"e1000", "e1000"}, {"rtl8139", "rtl8139"}, {"virtio", "virtio-net-pci"}};

void add(std::vector<Problem>& out, const VmSpec& spec, const std::string& field, const std::string& message) {
  out.push_back({spec.mark_of(field), fmt::format("VM '{}': {}", spec.name, message)});
}

// A PV or PVH guest boots a kernel it is given: the host's (boot.kernel) or
// pvgrub2, which boots the one on its disk (boot.loader). HVM boots firmware.
void check_boot(const VmSpec& spec, const std::string& type, std::vector<Problem>& out) {
  const auto& b = spec.boot;
  if (type != "hvm" && !b.kernel && !b.loader)
    add(out, spec, spec.xen && spec.xen->type ? "xen.type" : "boot",
        fmt::format("a {} guest boots a kernel directly: set boot.kernel, or boot.loader pvgrub to boot the kernel on "
                    "its disk (pygrub and PVH firmware are not supported)", type));
  if (b.loader && type == "hvm")
    add(out, spec, "boot.loader", fmt::format("boot.loader {} boots a PV or PVH guest; an hvm guest boots its disk "
                                              "through its firmware: leave boot.loader out, or set xen.type pv or pvh",
                                              *b.loader));
  if (b.loader && b.kernel)  // (the spec parser refuses both in one spec; a change can bring the other)
    add(out, spec, "boot.loader", "boot.loader and boot.kernel exclude each other: the loader boots the kernel on the "
                                  "guest's disk");
}

void check_cdroms(const VmSpec& spec, const std::string& type, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    const auto& cd = spec.cdroms[i];
    const auto at = fmt::format("cdroms[{}]", i);
    if (type != "hvm" && cd.bus)
      add(out, spec, at + ".bus", fmt::format("cdrom '{}': a {} guest's drive is a read-only xen disk; leave bus out",
                                              cd.id, type));
    else if (cd.bus == "sata")
      add(out, spec, at + ".bus", fmt::format("cdrom '{}': Xen HVM guests have no sata; use ide or scsi", cd.id));
    if (type != "hvm" && cd.image.value_or("").empty())
      add(out, spec, at + ".image", fmt::format("cdrom '{}': a {} guest's drive is a read-only disk and cannot be "
                                                "empty; give an ISO, or an hvm guest for an empty tray", cd.id, type));
    else if (cd.image && !cd.image->empty() && cd.image->front() != '/')
      add(out, spec, at + ".image", fmt::format("cdrom '{}': image '{}' must be an absolute path in dom0", cd.id, *cd.image));
  }
}

void check_disks(const VmSpec& spec, const std::string& type, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& d = spec.disks[i];
    const auto at = fmt::format("disks[{}]", i);
    if (!d.path && !d.from)
      add(out, spec, at + (d.size_mib ? ".size" : ""),
          fmt::format("disk '{}': the Xen backend makes disks only from a base image; give an existing image as path, "
                      "or a raw base image as from", d.id));
    else if (d.path && d.size_mib)
      add(out, spec, at + ".size", fmt::format("disk '{}': size grows only a disk hvctl made from a base image (from), "
                                               "not an image given as path", d.id));
    if (d.from && d.format && *d.format != "raw")
      add(out, spec, at + ".format", fmt::format("disk '{}': a disk made from a base image is a raw copy attached through "
                                                 "blkback on Xen; format {} needs qdisk, which hvctl does not use", d.id, *d.format));
    if (vdev_prefix(d.bus).empty())
      add(out, spec, at + ".bus", fmt::format("disk '{}': bus {} does not exist on Xen (use xen, scsi or, for hvm, ide)", d.id, *d.bus));
    else if (d.bus == "ide" && type != "hvm")
      add(out, spec, at + ".bus", fmt::format("disk '{}': bus ide needs xen.type hvm", d.id));
    if (d.format && !known_format(*d.format))
      add(out, spec, at + ".format", fmt::format("disk '{}': format {} is not supported by Xen (raw, qcow2, vhd)", d.id, *d.format));
    if (d.path)
      if (const auto why = formats::xl_disk_spec_problem(xl_disk_spec(d, "xvda")))
        add(out, spec, at + ".path", fmt::format("disk '{}': its xl disk spec {}", d.id, *why));
  }
}

void check_nics(const VmSpec& spec, const std::string& type, std::vector<Problem>& out) {
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    const auto& n = spec.nics[i];
    if (!n.model || *n.model == "netfront") continue;
    const auto at = fmt::format("nics[{}].model", i);
    if (type != "hvm")
      add(out, spec, at, fmt::format("NIC '{}': a {} guest has only netfront NICs, not {}", n.id, type, *n.model));
    else if (!kHvmNicModels.count(*n.model))
      add(out, spec, at, fmt::format("NIC '{}': model {} is not emulated by Xen (e1000, rtl8139, virtio, netfront)", n.id, *n.model));
  }
}

bool parse_mac(const std::string& text, libxl_mac& mac) {
  unsigned b[6];
  char tail;
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
    return false;
  for (int i = 0; i < 6; ++i) {
    if (b[i] > 0xff) return false;
    mac[i] = static_cast<uint8_t>(b[i]);
  }
  return true;
}

// xlu_disk_parse reports problems to a FILE; we keep them for the error.
void parse_disk(const std::string& text, libxl_device_disk& disk) {
  if (const auto why = formats::xl_disk_spec_problem(text)) throw InputError("disk spec " + *why);
  char* buffer = nullptr;
  std::size_t size = 0;
  FILE* report = open_memstream(&buffer, &size);
  XLU_Config* cfg = report ? xlu_cfg_init(report, "spec") : nullptr;
  const char* specs[] = {text.c_str()};
  const int rc = cfg ? xlu_disk_parse(cfg, 1, specs, &disk) : ENOMEM;
  if (cfg) xlu_cfg_destroy(cfg);
  if (report) std::fclose(report);
  std::string words = buffer ? buffer : "";
  std::free(buffer);
  while (!words.empty() && words.back() == '\n') words.pop_back();
  if (rc) throw InputError(fmt::format("disk '{}': {}", text, words.empty() ? std::strerror(rc) : words));
}

}  // namespace

void online_vcpus(int online, int max, libxl_bitmap& out) {
  // By hand, as libxl_bitmap_alloc wants a context this pure translation has
  // not; libxl_bitmap_dispose frees the map with free().
  out.size = static_cast<uint32_t>((max + 7) / 8);
  out.map = static_cast<uint8_t*>(std::calloc(out.size, 1));
  if (!out.map) throw std::bad_alloc();
  for (int i = 0; i < online; ++i) out.map[i / 8] = static_cast<uint8_t>(out.map[i / 8] | (1u << (i % 8)));
}

namespace {

void set_basics(const VmSpec& spec, const std::string& type, const std::string& uuid, libxl_domain_config& c) {
  c.c_info.type = libxl_type(type);
  c.c_info.name = dup(spec.name);
  if (!uuid.empty() && libxl_uuid_from_string(&c.c_info.uuid, uuid.c_str()))
    throw InputError(fmt::format("VM '{}': bad UUID '{}'", spec.name, uuid));
  libxl_domain_build_info_init_type(&c.b_info, c.c_info.type);
  auto& b = c.b_info;
  if (spec.cpu.count || spec.cpu.max) b.max_vcpus = fields::effective_cpu_max(spec);
  if (const int online = fields::effective_cpu_count(spec); online < b.max_vcpus)
    online_vcpus(online, b.max_vcpus, b.avail_vcpus);  // (unset: libxl brings all max_vcpus online)
  // Unset memory is hvctl's 512MiB, not libxl's 32MiB, which boots no modern kernel.
  b.target_memkb = b.max_memkb = fields::effective_memory_mib(spec) * 1024;
  if (spec.memory.max_mib) b.max_memkb = *spec.memory.max_mib * 1024;
  if (spec.cpu.weight) b.sched_params.weight = *spec.cpu.weight;
  if (spec.cpu.cap) b.sched_params.cap = *spec.cpu.cap;
  if (spec.boot.kernel) b.kernel = dup(*spec.boot.kernel);
  if (spec.boot.ramdisk) b.ramdisk = dup(*spec.boot.ramdisk);
  if (spec.boot.cmdline) b.cmdline = dup(*spec.boot.cmdline);
  if (type == "hvm" && spec.firmware)
    b.u.hvm.bios = *spec.firmware == Firmware::uefi ? LIBXL_BIOS_TYPE_OVMF : LIBXL_BIOS_TYPE_SEABIOS;
  if (spec.xen && spec.xen->tsc_mode && libxl_tsc_mode_from_string(spec.xen->tsc_mode->c_str(), &b.tsc_mode))
    throw InputError(fmt::format("VM '{}': unknown Xen TSC mode '{}'", spec.name, *spec.xen->tsc_mode));
}

void set_actions(const VmSpec& spec, libxl_domain_config& c) {
  // xl's defaults when the spec does not say.
  const XenBlock x = spec.xen.value_or(XenBlock{});
  c.on_poweroff = action_from_word(x.on_poweroff.value_or("destroy"));
  c.on_reboot = action_from_word(x.on_reboot.value_or("restart"));
  c.on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
  c.on_crash = action_from_word(x.on_crash.value_or("destroy"));
  c.on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
}

// The disks, then the drives.
void set_disks(const VmSpec& spec, libxl_domain_config& c) {
  const auto total = spec.disks.size() + spec.cdroms.size();
  if (total == 0) return;
  c.disks = static_cast<libxl_device_disk*>(std::calloc(total, sizeof(libxl_device_disk)));
  for (std::size_t i = 0; i < total; ++i) {
    libxl_device_disk_init(&c.disks[i]);
    c.num_disks = static_cast<int>(i + 1);
    if (i < spec.disks.size()) fill_disk(spec, i, c.disks[i]);
    else parse_disk(cdrom_spec_string(spec, i - spec.disks.size()), c.disks[i]);
  }
}

void set_nics(const VmSpec& spec, libxl_domain_config& c) {
  if (spec.nics.empty()) return;
  c.nics = static_cast<libxl_device_nic*>(std::calloc(spec.nics.size(), sizeof(libxl_device_nic)));
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    libxl_device_nic_init(&c.nics[i]);
    c.num_nics = static_cast<int>(i + 1);
    fill_nic(spec, i, c.nics[i]);
  }
}

}  // namespace

std::string DomainConfig::json() const {
  std::unique_ptr<char, decltype(&std::free)> text(libxl_domain_config_to_json(nullptr, &cfg_), std::free);
  return text ? text.get() : "";
}

std::string domain_type(const VmSpec& spec) { return fields::effective_xen_type(spec); }

std::string pvgrub_image(const std::string& type, const std::string& pvgrub_dir) {
  return fmt::format("{}/{}", pvgrub_dir, type == "pv" ? "grub-x86_64-xen.bin" : "grub-i386-xen_pvh.bin");
}

VmSpec with_boot_loader(VmSpec spec, const std::string& pvgrub_dir) {
  const std::string type = domain_type(spec);
  if (spec.boot.loader != "pvgrub" || type == "hvm" || spec.boot.kernel) return spec;
  spec.boot.kernel = pvgrub_image(type, pvgrub_dir);
  spec.boot.loader.reset();
  return spec;
}

libxl_action_on_shutdown action_from_word(const std::string& word) {
  static const std::map<std::string, libxl_action_on_shutdown> kActions = {
      {"destroy", LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
      {"restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART},
      {"rename-restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME},
      {"preserve", LIBXL_ACTION_ON_SHUTDOWN_PRESERVE},
      {"coredump-destroy", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY},
      {"coredump-restart", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART},
      {"soft-reset", LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET}};
  auto it = kActions.find(word);
  if (it == kActions.end()) throw InputError(fmt::format("unknown Xen shutdown action '{}'", word));
  return it->second;
}

std::string disk_vdev(const VmSpec& spec, std::size_t index) {
  const auto& d = spec.disks.at(index);
  const std::string prefix = vdev_prefix(d.bus);
  std::size_t nth = 0;
  for (std::size_t i = 0; i < index; ++i) nth += vdev_prefix(spec.disks[i].bus) == prefix;
  if (prefix.empty() || nth >= 26) throw InputError(fmt::format("VM '{}': disk '{}': no Xen device name for it", spec.name, d.id));
  return prefix + static_cast<char>('a' + nth);
}

std::string disk_spec_string(const VmSpec& spec, std::size_t index) {
  return xl_disk_spec(spec.disks.at(index), disk_vdev(spec, index));
}

// A drive's device: after the disks and the drives before it on its prefix
// (hd, or sd for scsi, on HVM; xvd on PV and PVH, where it is a disk).
std::string cdrom_vdev(const VmSpec& spec, std::size_t index) {
  const auto prefix_of = [&](const CdromSpec& cd) {
    return domain_type(spec) != "hvm" ? std::string("xvd") : cd.bus == "scsi" ? std::string("sd") : std::string("hd");
  };
  const auto prefix = prefix_of(spec.cdroms.at(index));
  std::size_t nth = 0;
  for (const auto& d : spec.disks) nth += vdev_prefix(d.bus) == prefix;
  for (std::size_t i = 0; i < index; ++i) nth += prefix_of(spec.cdroms[i]) == prefix;
  if (nth >= (prefix == "hd" ? 4u : 26u))
    throw InputError(fmt::format("VM '{}': cdrom '{}': no Xen device name for it", spec.name, spec.cdroms[index].id));
  return prefix + static_cast<char>('a' + nth);
}

// HVM: an emulated drive (devtype=cdrom; no target is an empty tray). PV and
// PVH have no emulated devices: the ISO is a read-only xen disk.
std::string cdrom_spec_string(const VmSpec& spec, std::size_t index) {
  const auto& cd = spec.cdroms.at(index);
  const bool hvm = domain_type(spec) == "hvm";
  return fmt::format("format=raw,vdev={},access=ro,{}target={}", cdrom_vdev(spec, index), hvm ? "devtype=cdrom," : "",
                     cd.image.value_or(""));
}

void fill_disk(const VmSpec& spec, std::size_t index, libxl_device_disk& disk) {
  parse_disk(disk_spec_string(spec, index), disk);
}

void fill_nic(const VmSpec& spec, std::size_t index, libxl_device_nic& nic) {
  const auto& n = spec.nics.at(index);
  nic.devid = static_cast<libxl_devid>(index);
  if (n.network) nic.bridge = dup(*n.network);
  if (n.mac && !parse_mac(*n.mac, nic.mac))
    throw InputError(fmt::format("VM '{}': NIC '{}': bad MAC address '{}'", spec.name, n.id, *n.mac));
  if (n.model == "netfront" || (domain_type(spec) != "hvm" && !n.model)) {
    nic.nictype = LIBXL_NIC_TYPE_VIF;
  } else if (n.model) {
    nic.nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
    nic.model = dup(kHvmNicModels.count(*n.model) ? kHvmNicModels.at(*n.model) : *n.model);
  }
}

std::vector<Problem> check_merged(const VmSpec& desired, const VmSpec& actual) {
  const auto alone = check_spec(desired);
  std::vector<Problem> out;
  for (auto& p : check_spec(overlay_spec(actual, desired))) {
    bool known = false;
    for (const auto& q : alone) known = known || q.message == p.message;
    if (known) continue;
    if (p.mark.file.empty()) p.mark = desired.mark;
    p.message += " (with the settings the VM keeps)";
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Problem> check_spec(const VmSpec& spec) {
  std::vector<Problem> out;
  const std::string type = domain_type(spec);
  if (spec.firmware == Firmware::uefi && type != "hvm")
    add(out, spec, "firmware", fmt::format("firmware uefi needs xen.type hvm (this is a {} guest)", type));
  check_boot(spec, type, out);
  check_disks(spec, type, out);
  check_cdroms(spec, type, out);
  check_nics(spec, type, out);
  return out;
}

void build_domain_config(const VmSpec& spec, const std::string& uuid, DomainConfig& out) {
  const std::string type = domain_type(spec);
  libxl_domain_config& c = *out.get();
  set_basics(spec, type, uuid, c);
  set_actions(spec, c);
  set_disks(spec, c);
  set_nics(spec, c);
}

}  // namespace hvctl::xen
