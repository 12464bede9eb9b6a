// .vmx -> VmSpec. What maps where:
//   displayName -> name (characters a VM name cannot hold become '-', noted);
//   the field table's vmx keys (direct_keys.hpp): annotation, numvcpus,
//   cpuid.coresPerSocket, memsize (MiB), without memsize/numvcpus VMware's
//   defaults (32 MB, 1); sched.cpu.shares (a
//   number) -> cpu.weight; firmware efi|bios -> firmware; guestOS ->
//   vsphere.guestId (see guest_os.cpp); guestinfo.* -> vsphere.extraConfig.
//   Disks: every present BUSc:u (scsi, sata, nvme, ide) whose controller is
//   present: id "BUSc-u" (so writing it back puts it in the same slot), bus,
//   path = fileName (sizes are in the VMDK, not the .vmx), format vmdk for
//   *.vmdk, controller = its scsiN/sataN/nvmeN. Independent modes are noted.
//   Controllers: every present scsiN (virtualDev lsilogic, lsisas1068, pvscsi,
//   buslogic -> model), sataN, nvmeN: id as the key. IDE's are implied.
//   CD-ROMs: a slot whose deviceType is cdrom-* or whose file is an .iso: id
//   "BUSc-u", bus, image = fileName of a cdrom-image; a host drive becomes an
//   empty drive (noted).
//   NICs: every present ethernetN: id ethN, networkName -> network,
//   virtualDev -> model, address or generatedAddress (by addressType) -> mac;
//   an addressType other than the one the MAC's prefix has is noted.
// Every other key is reported, grouped by its device ("pciBridge4.{present
// (line 9), virtualDev (line 10)}"), each key with its line.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "hvctl/text.hpp"
#include "spec_schema.hpp"
#include "direct_keys.hpp"
#include "vmx.hpp"

namespace hvctl::formats {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with_ci(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && lower(s.substr(s.size() - tail.size())) == tail;
}

std::string vm_name_from(const std::string& display) {
  std::string out;
  for (char c : display) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (ok) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(0, 1);
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "vm" : out;
}

// Key parsing by hand: std::regex recurses per character and overflows the
// stack on a long key.
bool eat(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string_view digits(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  const auto out = s.substr(0, n);
  s.remove_prefix(n);
  return out;
}

struct DiskSlot {
  std::string bus, controller, unit;
};

// "scsi0:1.present" -> {scsi, 0, 1}; keys are lower-cased.
std::optional<DiskSlot> disk_slot(std::string_view key) {
  for (std::string_view bus : {"scsi", "sata", "nvme", "ide"}) {
    if (!eat(key, bus)) continue;
    const auto controller = digits(key);
    if (controller.empty() || !eat(key, ":")) return std::nullopt;
    const auto unit = digits(key);
    if (unit.empty() || key != ".present") return std::nullopt;
    return DiskSlot{std::string(bus), std::string(controller), std::string(unit)};
  }
  return std::nullopt;
}

class VmxReader {
public:
  VmxReader(std::vector<VmxEntry> entries, const std::string& file) : entries_(std::move(entries)), file_(file) {
    for (const auto& e : entries_) {
      if (auto it = by_key_.find(e.lower); it != by_key_.end())
        loss(it->second->line, fmt::format("{} is set again on line {}; this earlier value is ignored", e.key, e.line));
      by_key_[e.lower] = &e;
    }
  }

  Imported run() {
    consumed_ = {".encoding", "config.version"};
    // Values write_vmx writes itself are carried: they come back as they were.
    if (value("virtualhw.version") != "14") consumed_.erase("virtualhw.version");
    read_identity();
    read_direct();
    read_cpu_and_memory();
    read_controllers();
    read_disks();
    read_nics();
    report_unused();
    if (!problems_.empty()) throw ValidationError(std::move(problems_));
    out_.spec.mark = mark_at(file_, 1);
    return std::move(out_);
  }

private:
  const VmxEntry* get(const std::string& key) {
    consumed_.insert(key);
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : it->second;
  }
  std::optional<std::string> value(const std::string& key) {
    const auto* e = get(key);
    return e ? std::optional<std::string>(e->value) : std::nullopt;
  }
  bool is_true(const std::string& key) {
    const auto v = value(key);
    return v && (lower(*v) == "true" || *v == "1");
  }
  int line(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? 0 : it->second->line;
  }
  std::optional<long> number(const std::string& key, long min, long max) {
    const auto v = value(key);
    if (!v) return std::nullopt;
    try {
      std::size_t used = 0;
      const long n = std::stol(*v, &used);
      if (used == v->size() && n >= min && n <= max) return n;
    } catch (const std::exception&) {
    }
    problems_.push_back({mark_at(file_, line(key)), fmt::format("{} = \"{}\": expected a whole number from {} to {}",
                                                                 by_key_.at(key)->key, excerpt(*v), min, max)});
    return std::nullopt;
  }
  void loss(int at, const std::string& message) { out_.losses.push_back({mark_at(file_, at), message}); }
  void mark(const std::string& field, int at) {
    if (at > 0) out_.spec.field_marks[field] = mark_at(file_, at);
  }
  VsphereBlock& vsphere() {
    if (!out_.spec.vsphere) out_.spec.vsphere = VsphereBlock{};
    return *out_.spec.vsphere;
  }

  void read_identity() {
    auto& spec = out_.spec;
    const auto display = value("displayname");
    spec.name = vm_name_from(display.value_or(""));
    mark("name", line("displayname"));
    if (!display) loss(0, fmt::format("no displayName: the VM is named '{}'", spec.name));
    else if (spec.name != *display) loss(line("displayname"), fmt::format("displayName \"{}\" becomes name '{}'", *display, spec.name));
    if (auto guest = value("guestos")) {
      const auto id = guest_id_from_vmx(*guest);
      vsphere().guest_id = id.name;
      mark("vsphere.guestId", line("guestos"));
      if (!id.exact) loss(line("guestos"), fmt::format("guestOS \"{}\" becomes guestId '{}' by rule, not from the table; check it", *guest, id.name));
    }
    if (!value("firmware")) spec.firmware = Firmware::bios;  // VMware's default without the key: BIOS
    if (auto fw = value("firmware")) {
      if (lower(*fw) == "efi") spec.firmware = Firmware::uefi;
      else if (lower(*fw) == "bios") spec.firmware = Firmware::bios;
      else loss(line("firmware"), fmt::format("firmware = \"{}\" is not carried over (a spec knows bios and uefi)", *fw));
      mark("firmware", line("firmware"));
    }
    for (const auto& e : entries_)
      if (e.lower.rfind("guestinfo.", 0) == 0 && get(e.lower)) vsphere().extra_config[e.key] = e.value;
  }

  // annotation, numvcpus, cpuid.coresPerSocket, memsize (MiB): one key, one
  // field, as the field table says. An empty annotation is no description.
  void read_direct() {
    for (const auto& d : vmx_direct_keys()) {
      const auto& f = *d.field;
      const auto key = lower(d.key);
      fields::Value v;
      if (f.kind == fields::Kind::integer || f.kind == fields::Kind::size) {
        if (auto n = number(key, native_min(f), native_max(f))) v = static_cast<long long>(*n);
      } else if (auto text = value(key); text && !text->empty()) {
        v = *text;
      }
      if (!fields::is_set(v)) continue;
      fields::set(f, out_.spec, v);
      mark(f.key(), line(key));
    }
  }

  // A .vmx without memsize or numvcpus runs with VMware's defaults, 32 MB and
  // one vCPU (sanbarrow.com/vmx.html, "Memory": "If you don't assign a value
  // for memory VMware will use the default-setting which is 32MB", and its
  // minimal .vmx with "32MB RAM and one CPU"; libvirt's src/vmx/vmx.c reads
  // them the same). The spec says so: unset would mean the target's default.
  static constexpr std::uint64_t kDefaultMemsizeMib = 32;
  static constexpr int kDefaultNumvcpus = 1;

  void read_cpu_and_memory() {
    auto& spec = out_.spec;
    if (!spec.memory.size_mib) spec.memory.size_mib = kDefaultMemsizeMib;
    if (!spec.cpu.count) spec.cpu.count = kDefaultNumvcpus;
    if (const auto cores = spec.cpu.cores_per_socket; cores && *spec.cpu.count % *cores != 0) {
      loss(line("cpuid.corespersocket"),
           fmt::format("cpuid.coresPerSocket = \"{}\" is not carried over: it does not divide the VM's {} vCPU{} into "
                       "whole sockets", *cores, *spec.cpu.count, *spec.cpu.count == 1 ? "" : "s"));
      spec.cpu.cores_per_socket.reset();
    }
    if (auto shares = value("sched.cpu.shares")) {
      if (!shares->empty() && std::all_of(shares->begin(), shares->end(), ::isdigit)) {
        if (auto n = number("sched.cpu.shares", 1, 65535)) spec.cpu.weight = static_cast<int>(*n);
        mark("cpu.weight", line("sched.cpu.shares"));
      } else {
        loss(line("sched.cpu.shares"), fmt::format("sched.cpu.shares = \"{}\" is not carried over (cpu.weight is a number)", *shares));
      }
    }
  }

  // scsiN, sataN, nvmeN that are present, one entry each; IDE's two are implied.
  void read_controllers() {
    static const std::map<std::string, std::string> kModels = {
        {"lsilogic", "lsilogic"}, {"lsisas1068", "lsisas"}, {"pvscsi", "pvscsi"}, {"buslogic", "buslogic"}};
    for (const auto& e : entries_) {
      std::string_view rest = e.lower;
      std::string type;
      for (std::string_view bus : {"scsi", "sata", "nvme"})
        if (eat(rest, bus)) type = std::string(bus);
      const auto index = digits(rest);
      if (type.empty() || index.empty() || rest != ".present" || !is_true(e.lower)) continue;
      ControllerSpec c;
      c.id = type + std::string(index);
      c.type = type;
      if (type == "scsi") {
        const auto dev = value(c.id + ".virtualdev");
        auto it = dev ? kModels.find(lower(*dev)) : kModels.end();
        if (it != kModels.end()) c.model = it->second;
        else if (dev) consumed_.erase(c.id + ".virtualdev");  // reported with the other unused keys
      }
      mark(fmt::format("controllers[{}]", out_.spec.controllers.size()), e.line);
      out_.spec.controllers.push_back(std::move(c));
    }
  }

  void read_disks() {
    for (const auto& e : entries_) {
      const auto slot = disk_slot(e.lower);
      if (!slot || !is_true(e.lower)) continue;
      read_disk(slot->bus, slot->controller, slot->unit, e.line);
    }
  }

  // A drive: an ISO (cdrom-image) is its medium; the host's own drive is not
  // a file, so it comes over as an empty drive.
  void read_cdrom(const std::string& bus, const std::string& slot, const std::string& id, int at) {
    CdromSpec cd;
    cd.id = id;
    cd.bus = bus == "nvme" ? std::nullopt : std::optional<std::string>(bus);
    const auto type = lower(value(slot + ".devicetype").value_or(""));
    const auto file = value(slot + ".filename");
    if (type == "cdrom-image" || (type.empty() && file)) {
      cd.image = file.value_or("");
    } else {
      cd.image = "";
      loss(at, fmt::format("{} is the host's drive{}; it becomes an empty drive", excerpt(slot),
                           file && !file->empty() ? " \"" + excerpt(*file) + "\"" : ""));
    }
    get(slot + ".clientdevice");
    if (auto connected = value(slot + ".startconnected"); connected && lower(*connected) == "false" && !cd.image->empty())
      loss(line(slot + ".startconnected"), fmt::format("{} starts disconnected; the spec's drive has its ISO in", excerpt(slot)));
    mark(fmt::format("cdroms[{}]", out_.spec.cdroms.size()), at);
    out_.spec.cdroms.push_back(std::move(cd));
  }

  void read_disk(const std::string& bus, const std::string& controller, const std::string& unit, int at) {
    const std::string slot = fmt::format("{}{}:{}", bus, controller, unit);
    const std::string shown = excerpt(slot);  // a hostile file's slot can be 60000 digits long
    const auto type = lower(value(slot + ".devicetype").value_or(""));
    const auto file = value(slot + ".filename");
    if (bus != "ide" && !is_true(bus + controller + ".present"))
      return loss(at, fmt::format("disk {} is on {}, which is not present; not carried over", shown, excerpt(bus + controller)));
    const std::string id = fmt::format("{}{}-{}", bus, controller, unit);
    if (type.find("cdrom") != std::string::npos || (file && ends_with_ci(*file, ".iso")))
      return read_cdrom(bus, slot, id, at);
    if (!type.empty() && type != "scsi-harddisk" && type != "ata-harddisk" && type != "disk")
      return loss(at, fmt::format("{} has deviceType \"{}\"; not carried over", shown, type));
    if (!file) return loss(at, fmt::format("{} has no fileName; not carried over", shown));
    if (auto mode = value(slot + ".mode"); mode && lower(*mode) != "persistent")
      loss(line(slot + ".mode"), fmt::format("{}.mode = \"{}\" is not carried over", shown, *mode));
    DiskSpec disk;
    disk.id = id;
    disk.bus = bus;
    if (bus != "ide") disk.controller = bus + controller;
    disk.path = *file;
    if (ends_with_ci(*file, ".vmdk")) disk.format = "vmdk";
    mark(fmt::format("disks[{}]", out_.spec.disks.size()), at);
    out_.spec.disks.push_back(std::move(disk));
  }

  void read_nics() {
    for (const auto& e : entries_) {
      std::string_view rest = e.lower;
      if (!eat(rest, "ethernet")) continue;
      const auto index = digits(rest);
      if (!index.empty() && rest == ".present" && is_true(e.lower)) read_nic(std::string(index), e.line);
    }
  }

  void read_nic(const std::string& index, int at) {
    const std::string dev = "ethernet" + index;
    NicSpec nic;
    nic.id = "eth" + index;
    nic.network = value(dev + ".networkname");
    nic.model = value(dev + ".virtualdev");
    const auto type = lower(value(dev + ".addresstype").value_or("generated"));
    const std::string mac_key = dev + (type == "static" ? ".address" : ".generatedaddress");
    if (auto mac = value(mac_key)) {
      const auto l = lower(*mac);
      if (valid_mac(l)) nic.mac = l;
      else problems_.push_back({mark_at(file_, line(mac_key)), fmt::format("{}: \"{}\" is not a unicast MAC address", mac_key, excerpt(*mac))});
    }
    // The spec keeps the MAC; its address type comes back from its prefix.
    if (nic.mac && vmx_address_type(*nic.mac) != type) {
      const auto at = line(dev + ".addresstype");
      loss(at ? at : line(mac_key), fmt::format("{}.addressType \"{}\" with MAC {} is not carried over: it is written back as \"{}\", "
                                                "the type VMware gives that address", excerpt(dev), type, *nic.mac, vmx_address_type(*nic.mac)));
    }
    get(dev + ".generatedaddressoffset");
    mark(fmt::format("nics[{}]", out_.spec.nics.size()), at);
    out_.spec.nics.push_back(std::move(nic));
  }

  void report_unused() {
    std::map<std::string, std::vector<const VmxEntry*>> groups;  // device prefix -> its unused keys
    std::vector<std::string> order;
    for (const auto& [key, e] : by_key_) {
      if (consumed_.count(key)) continue;
      const auto group = e->key.substr(0, e->key.find('.'));
      if (!groups.count(group)) order.push_back(group);
      groups[group].push_back(e);
    }
    std::vector<Loss> found;
    for (const auto& group : order) {
      auto& list = groups[group];
      std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->line < b->line; });
      std::string text;
      if (list.size() == 1) {
        const auto v = list[0]->value.size() > 48 ? list[0]->value.substr(0, 45) + "..." : list[0]->value;
        text = is_secret_key(list[0]->key) ? fmt::format("{} = {} is not carried over", excerpt(list[0]->key), kWithheld)
                                           : fmt::format("{} = \"{}\" is not carried over", excerpt(list[0]->key), v);
      } else {
        for (const auto* e : list)  // each key with its own line: the loss's mark is only the first's
          text += fmt::format("{}{} (line {})", text.empty() ? "" : ", ",
                              excerpt(e->key.size() > group.size() ? e->key.substr(group.size() + 1) : e->key), e->line);
        text = fmt::format("{}.{{{}}} are not carried over", excerpt(group), text);
      }
      found.push_back({mark_at(file_, list[0]->line), text});
    }
    std::sort(found.begin(), found.end(), [](const Loss& a, const Loss& b) { return a.mark.line < b.mark.line; });
    out_.losses.insert(out_.losses.end(), found.begin(), found.end());
  }

  std::vector<VmxEntry> entries_;
  std::string file_;
  std::map<std::string, const VmxEntry*> by_key_;
  std::set<std::string> consumed_;
  std::vector<Problem> problems_;
  Imported out_;
};

}  // namespace

Imported read_vmx(const std::string& text, const std::string& file) {
  auto entries = parse_vmx(text, file);
  if (entries.empty())
    throw ValidationError({{mark_at(file, 1), "no settings at all: the file is empty or holds only comments"}});
  return VmxReader(std::move(entries), file).run();
}

}  // namespace hvctl::formats
