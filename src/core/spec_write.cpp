// A VmSpec as hvctl/v1 data: fields in schema order, sizes in their largest
// exact unit. The same tree is printed as YAML (export) or nested in JSON
// output (get), and parse_specs reads the YAML back unchanged.
#include "hvctl/output.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/units.hpp"

namespace hvctl {
namespace {

template <typename T>
void put(Json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

void put_size(Json& j, const char* key, const std::optional<std::uint64_t>& mib) {
  if (mib) j[key] = format_size_mib(*mib);
}

void put_if_any(Json& parent, const char* key, const Json& j) {
  if (!j.empty()) parent[key] = j;
}

Json disks_json(const std::vector<DiskSpec>& disks) {
  Json list = Json::array();
  for (const auto& d : disks) {
    Json j = {{"id", d.id}};
    put_size(j, "size", d.size_mib);
    put(j, "path", d.path);
    put(j, "bus", d.bus);
    put(j, "format", d.format);
    put(j, "readonly", d.readonly);
    list.push_back(std::move(j));
  }
  return list;
}

Json nics_json(const std::vector<NicSpec>& nics) {
  Json list = Json::array();
  for (const auto& n : nics) {
    Json j = {{"id", n.id}};
    put(j, "network", n.network);
    put(j, "mac", n.mac);
    put(j, "model", n.model);
    list.push_back(std::move(j));
  }
  return list;
}

void put_blocks(Json& spec, const VmSpec& s) {
  if (s.xen) {
    Json x = Json::object();
    put(x, "type", s.xen->type);
    put(x, "onPoweroff", s.xen->on_poweroff);
    put(x, "onReboot", s.xen->on_reboot);
    put(x, "onCrash", s.xen->on_crash);
    put(x, "tscMode", s.xen->tsc_mode);
    put_if_any(spec, "xen", x);
  }
  if (s.vsphere) {
    const auto& v = *s.vsphere;
    Json x = Json::object();
    put(x, "datacenter", v.datacenter);
    put(x, "cluster", v.cluster);
    put(x, "host", v.host);
    put(x, "pool", v.pool);
    put(x, "folder", v.folder);
    put(x, "datastore", v.datastore);
    put(x, "guestId", v.guest_id);
    if (!v.extra_config.empty()) x["extraConfig"] = v.extra_config;
    put_if_any(spec, "vsphere", x);
  }
  if (s.libvirt) {
    Json x = Json::object();
    put(x, "domainType", s.libvirt->domain_type);
    put(x, "machine", s.libvirt->machine);
    put(x, "arch", s.libvirt->arch);
    put_if_any(spec, "libvirt", x);
  }
}

}  // namespace

Json spec_body_json(const VmSpec& s) {
  Json spec = Json::object();
  put(spec, "target", s.target);
  if (s.ensure == Ensure::absent) spec["ensure"] = "absent";
  Json cpu = Json::object();
  put(cpu, "count", s.cpu.count);
  put(cpu, "weight", s.cpu.weight);
  put(cpu, "cap", s.cpu.cap);
  put_if_any(spec, "cpu", cpu);
  Json memory = Json::object();
  put_size(memory, "size", s.memory.size_mib);
  put_size(memory, "max", s.memory.max_mib);
  put_if_any(spec, "memory", memory);
  if (s.firmware) spec["firmware"] = to_string(*s.firmware);
  Json boot = Json::object();
  put(boot, "kernel", s.boot.kernel);
  put(boot, "ramdisk", s.boot.ramdisk);
  put(boot, "cmdline", s.boot.cmdline);
  put_if_any(spec, "boot", boot);
  if (!s.disks.empty()) spec["disks"] = disks_json(s.disks);
  if (!s.nics.empty()) spec["nics"] = nics_json(s.nics);
  if (s.power) spec["power"] = to_string(*s.power);
  Json ready = Json::object();
  put(ready, "console", s.ready.console);
  put(ready, "xenstore", s.ready.xenstore);
  put(ready, "ip", s.ready.ip);
  put(ready, "agent", s.ready.agent);
  put_if_any(spec, "ready", ready);
  put_blocks(spec, s);
  return spec;
}

Json spec_json(const VmSpec& s) {
  Json metadata = {{"name", s.name}};
  if (!s.labels.empty()) metadata["labels"] = s.labels;
  return {{"apiVersion", "hvctl/v1"}, {"kind", "VirtualMachine"}, {"metadata", metadata}, {"spec", spec_body_json(s)}};
}

std::string spec_to_yaml(const VmSpec& s) { return json_to_yaml(spec_json(s)); }

}  // namespace hvctl
