// xl.cfg -> VmSpec, scalar settings. What maps where (xl.cfg(5) names):
//   name; type (pv|pvh|hvm), else builder (generic|hvm), else pv (xl.cfg(5)'s
//   default) -> xen.type;
//   the field table's xl keys (direct_keys.hpp): vcpus, maxvcpus, cpu_weight,
//   memory, maxmem (MiB), kernel, ramdisk, cmdline, on_poweroff, on_reboot,
//   on_crash; cap (0: none) -> cpu.cap;
//   no cmdline: "root=ROOT EXTRA" as xl builds it -> boot.cmdline;
//   bios / firmware ovmf|uefi -> firmware uefi, seabios|rombios|bios -> bios;
//   tsc_mode (names, or xl's old numbers) -> xen.tscMode.
// Everything else (uuid, vnc, serial, pci, bootloader ...) is reported as a Loss
// with its line, unless it is set to the value xl.cfg(5) names as its default
// (acpi = 1, localtime = 0, ...: kXlDefaults). Disks and vifs are in xl_read_devices.cpp.
#include "xl_cfg.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hvctl/text.hpp"
#include "spec_schema.hpp"
#include "direct_keys.hpp"
#include "xl_reader.hpp"

namespace hvctl::formats {

XlReader::XlReader(const std::string& text, const std::string& file)
    : file_(file), session_(text, file) {
  if (session_.ok()) settings_ = scan_xl_settings(text);
}

int XlReader::line_of(const std::string& key) const {
  int line = 0;  // libxlutil keeps the last setting of a key
  for (const auto& s : settings_)
    if (s.key == key) line = s.line;
  return line;
}

int XlReader::item_line(const std::string& key, std::size_t index) const {
  std::vector<int> lines;
  for (const auto& s : settings_) {
    if (s.key != key) continue;
    if (!s.append) lines.clear();
    lines.insert(lines.end(), s.item_lines.begin(), s.item_lines.end());
  }
  return index < lines.size() ? lines[index] : line_of(key);
}

std::optional<std::string> XlReader::string(const std::string& key) {
  consumed_.insert(key);
  const char* value = nullptr;
  const int rc = xlu_cfg_get_string(session_.cfg(), key.c_str(), &value, 1);
  if (rc == ESRCH) return std::nullopt;
  if (rc != 0 || !value) {
    problem(line_of(key), fmt::format("{} must be a single value, not a list", key));
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<long> XlReader::number(const std::string& key, long min, long max) {
  consumed_.insert(key);
  long value = 0;
  const int rc = xlu_cfg_get_long(session_.cfg(), key.c_str(), &value, 1);
  if (rc == ESRCH) return std::nullopt;
  if (rc != 0 || value < min || value > max) {
    problem(line_of(key), max >= LONG_MAX / 2 ? fmt::format("{} must be a whole number, at least {}", key, min)
                                              : fmt::format("{} must be a whole number from {} to {}", key, min, max));
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> XlReader::list(const std::string& key) {
  consumed_.insert(key);
  XLU_ConfigList* items = nullptr;
  int count = 0;
  const int rc = xlu_cfg_get_list(session_.cfg(), key.c_str(), &items, &count, 1);
  if (rc == ESRCH) return {};
  if (rc != 0) {
    problem(line_of(key), fmt::format("{} must be a list: {} = [ '...', '...' ]", key, key));
    return {};
  }
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    const char* item = xlu_cfg_get_listitem(items, i);
    if (!item) problem(item_line(key, i), fmt::format("{}[{}] must be a string, not a list", key, i));
    out.emplace_back(item ? item : "");
  }
  return out;
}

std::string XlReader::describe(const std::string& key) {
  const char* value = nullptr;
  if (xlu_cfg_get_string(session_.cfg(), key.c_str(), &value, 1) == 0 && value)
    return is_secret_key(key) ? fmt::format("{} = {}", key, kWithheld) : fmt::format("{} = \"{}\"", key, value);
  int count = 0;
  if (xlu_cfg_get_list(session_.cfg(), key.c_str(), nullptr, &count, 1) == 0)
    return fmt::format("{} = [{} item{}]", key, count, count == 1 ? "" : "s");
  return key;
}

XenBlock& XlReader::xen() {
  if (!out_.spec.xen) out_.spec.xen = XenBlock{};
  return *out_.spec.xen;
}

void XlReader::read_identity() {
  auto& spec = out_.spec;
  if (auto name = string("name")) {
    if (!valid_vm_name(*name))
      problem(line_of("name"), fmt::format("name '{}' is not a valid VM name for hvctl (letters, digits, "
                                           "'.', '_', '-'; at most 63)", excerpt(*name)));
    spec.name = *name;
    mark("name", line_of("name"));
  } else {
    problem(0, "no name = \"...\": xl needs one, and so does a spec");
  }
  if (auto uuid = string("uuid"))
    loss(line_of("uuid"), fmt::format("uuid = \"{}\" is not carried over (a spec has no UUID; the VM gets a new one)", *uuid));
  const auto builder = string("builder");
  if (auto type = string("type")) {
    if (*type != "pv" && *type != "pvh" && *type != "hvm")
      problem(line_of("type"), fmt::format("type = \"{}\": expected pv, pvh or hvm", *type));
    else xen().type = *type;
    mark("xen.type", line_of("type"));
    if (builder) loss(line_of("builder"), fmt::format("builder = \"{}\" is ignored in favour of type = \"{}\", as xl does", *builder, *type));
  } else if (builder) {
    if (*builder == "hvm") xen().type = "hvm";
    else if (*builder == "generic") xen().type = "pv";
    else problem(line_of("builder"), fmt::format("builder = \"{}\": expected generic or hvm", *builder));
    mark("xen.type", line_of("builder"));
  } else {
    // xl.cfg(5): with neither type nor builder, the guest is PV. An unset
    // xen.type means something else (pvh with a kernel), so say pv.
    xen().type = "pv";
  }
}

// vcpus, cpu_weight, memory, maxmem, kernel, ramdisk, cmdline, on_poweroff,
// on_reboot, on_crash: one key, one field, as the field table says.
void XlReader::read_direct() {
  for (const auto& d : xl_direct_keys()) {
    const auto& f = *d.field;
    fields::Value v;
    if (f.kind == fields::Kind::integer || f.kind == fields::Kind::size) {
      if (auto n = number(d.key, native_min(f), native_max(f))) v = static_cast<long long>(*n);
    } else if (auto text = string(d.key)) {
      if (auto why = not_a_choice(f, d.key, *text)) problem(line_of(d.key), *why);
      else v = *text;
    }
    if (!fields::is_set(v)) continue;
    fields::set(f, out_.spec, v);
    mark(f.key(), line_of(d.key));
  }
}

// Without vcpus or memory, libxl gives a guest one vCPU and 32 MiB
// (libxl__domain_build_info_setdefault, libxl_create.c: max_vcpus 1,
// max_memkb 32 * 1024); the spec says so, as unset would mean the target's default.
constexpr int kLibxlVcpus = 1;
constexpr std::uint64_t kLibxlMemoryMib = 32;

void XlReader::read_cpu_and_memory() {
  auto& spec = out_.spec;
  if (!spec.cpu.count) spec.cpu.count = kLibxlVcpus;
  if (!spec.memory.size_mib) spec.memory.size_mib = spec.memory.max_mib.value_or(kLibxlMemoryMib);
  if (spec.cpu.max && *spec.cpu.max < *spec.cpu.count)
    problem(line_of("maxvcpus"), fmt::format("maxvcpus = {} is smaller than vcpus = {}", *spec.cpu.max, *spec.cpu.count));
  if (auto cap = number("cap", 0, 51200); cap && *cap > 0) { spec.cpu.cap = static_cast<int>(*cap); mark("cpu.cap", line_of("cap")); }
  const auto& memory = spec.memory;
  if (memory.size_mib && memory.max_mib && *memory.max_mib < *memory.size_mib)
    problem(line_of("maxmem"), fmt::format("maxmem = {} is smaller than memory = {}", *memory.max_mib, *memory.size_mib));
}

void XlReader::read_boot() {
  auto& boot = out_.spec.boot;  // kernel, ramdisk and cmdline: read_direct
  const auto cmdline = boot.cmdline, root = string("root"), extra = string("extra");
  if (cmdline) {
    if (root) loss(line_of("root"), "root is ignored in favour of cmdline, as xl does");
    if (extra) loss(line_of("extra"), "extra is ignored in favour of cmdline, as xl does");
  } else if (root || extra) {
    std::string line = root ? "root=" + *root : "";
    if (extra) line += (line.empty() ? "" : " ") + *extra;
    boot.cmdline = line;
  }
  mark("boot.kernel", line_of("kernel"));
  mark("boot.ramdisk", line_of("ramdisk"));
  mark("boot.cmdline", line_of(cmdline ? "cmdline" : extra ? "extra" : "root"));
  if (boot.kernel) return;
  if (boot.ramdisk) loss(line_of("ramdisk"), "ramdisk is not carried over without a kernel (a spec needs both)");
  if (boot.cmdline) loss(out_.spec.mark_of("boot.cmdline").line, "the kernel command line is not carried over without a kernel");
  boot.ramdisk.reset();
  boot.cmdline.reset();
}

void XlReader::read_firmware() {
  for (const char* key : {"bios", "firmware"}) {
    auto value = string(key);
    if (!value) continue;
    if (*value == "ovmf" || *value == "uefi") out_.spec.firmware = Firmware::uefi;
    else if (*value == "seabios" || *value == "rombios" || *value == "bios") out_.spec.firmware = Firmware::bios;
    else { loss(line_of(key), fmt::format("{} = \"{}\" is not carried over (a spec knows bios and uefi)", key, *value)); continue; }
    mark("firmware", line_of(key));
    if (*value == "rombios") loss(line_of(key), "bios = \"rombios\" becomes firmware: bios (SeaBIOS on current Xen)");
  }
  // xl.cfg(5), bios: an HVM guest without one boots SeaBIOS (qemu-xen's
  // default), so the spec says bios; a PV or PVH guest has no firmware.
  if (!out_.spec.firmware && out_.spec.xen && out_.spec.xen->type == "hvm") out_.spec.firmware = Firmware::bios;
}

void XlReader::read_actions() {  // on_poweroff, on_reboot, on_crash: read_direct
  if (auto value = string("tsc_mode")) {
    // xl still takes the old numbers 0-3 (deprecated) for the names, in libxl's order.
    if (value->size() == 1 && (*value)[0] >= '0' && (*value)[0] <= '3') value = kXenTscModes[(*value)[0] - '0'];
    if (std::find(kXenTscModes.begin(), kXenTscModes.end(), *value) == kXenTscModes.end())
      problem(line_of("tsc_mode"), fmt::format("tsc_mode = \"{}\": expected one of {}", *value, fmt::join(kXenTscModes, ", ")));
    else xen().tsc_mode = *value;
  }
}

namespace {

// Keys a spec has no field for, at the value xl takes when they are absent:
// xl.cfg(5) states each default ("acpi ... is enabled by default", "localtime
// ... False (0) by default", ...). hvctl writes none of them, so the VM it
// makes has that value too: set to its default, such a key loses nothing.
struct XlDefault {
  const char* key;
  long boolean;             // for BOOLEAN keys: 0 or 1; -1 for a string
  const char* text = nullptr;
};
constexpr XlDefault kXlDefaults[] = {
    {"acpi", 1}, {"acpi_s3", 1}, {"acpi_s4", 1}, {"acpi_laptop_slate", 0}, {"apic", 1}, {"hpet", 1},
    {"localtime", 0}, {"rtc_timeoffset", 0}, {"vpt_align", 1}, {"nestedhvm", 0}, {"pvshim", 0},
    {"timer_mode", -1, "no_delay_for_missed_ticks"}, {"altp2m", -1, "disabled"},
    {"on_watchdog", -1, "destroy"}, {"on_soft_reset", -1, "soft-reset"},
};

}  // namespace

bool XlReader::is_default(const std::string& key) {
  for (const auto& d : kXlDefaults) {
    if (key != d.key) continue;
    if (d.boolean < 0) {
      const char* value = nullptr;
      return xlu_cfg_get_string(session_.cfg(), key.c_str(), &value, 1) == 0 && value && std::string(value) == d.text;
    }
    long value = 0;  // a BOOLEAN is a NUMBER: 0 is false, any other value true
    return xlu_cfg_get_long(session_.cfg(), key.c_str(), &value, 1) == 0 && (value != 0) == (d.boolean != 0);
  }
  return false;
}

void XlReader::report_unused() {
  std::set<std::string> seen;
  for (const auto& s : settings_) {
    if (consumed_.count(s.key) || !seen.insert(s.key).second || is_default(s.key)) continue;
    loss(line_of(s.key), fmt::format("{} is not carried over (a spec has no field for it)", describe(s.key)));
  }
  std::map<std::string, int> last;
  for (const auto& s : settings_) {
    if (s.append) continue;
    if (auto it = last.find(s.key); it != last.end())
      loss(it->second, fmt::format("{} is set again on line {}; this earlier setting is ignored, as xl does", s.key, s.line));
    last[s.key] = s.line;
  }
}

Imported XlReader::run() {
  if (!session_.ok()) {
    std::vector<Problem> problems;
    const std::string report = session_.take_report();
    const std::string prefix = file_ + ":";
    std::size_t pos = 0;
    while (pos < report.size()) {
      auto end = report.find('\n', pos);
      if (end == std::string::npos) end = report.size();
      std::string line = report.substr(pos, end - pos);
      pos = end + 1;
      int number = 0;
      if (line.rfind(prefix, 0) == 0) {
        line.erase(0, prefix.size());
        std::size_t used = 0;
        try { number = std::stoi(line, &used); } catch (const std::exception&) { used = 0; }
        line.erase(0, used && line[used] == ':' ? used + 1 : 0);
      }
      const auto text = line.find_first_not_of(' ');
      if (text == std::string::npos) continue;
      problems.push_back({mark_at(file_, number), "xl.cfg: " + line.substr(text)});
    }
    if (problems.empty()) problems.push_back({mark_at(file_, 0), "xl.cfg: libxlutil could not parse this file"});
    throw ValidationError(std::move(problems));
  }
  read_identity();
  read_direct();
  read_cpu_and_memory();
  read_boot();
  read_firmware();
  read_actions();
  read_disks();
  read_nics();
  report_unused();
  if (!problems_.empty()) throw ValidationError(std::move(problems_));
  out_.spec.mark = mark_at(file_, 1);
  return std::move(out_);
}

Imported read_xl_cfg(const std::string& text, const std::string& file) {
  require_text(text, file);
  return XlReader(text, file).run();
}

}  // namespace hvctl::formats
