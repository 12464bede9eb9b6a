#include "hvctl/spec_overlay.hpp"

#include <algorithm>

namespace hvctl {
namespace {

template <typename T>
void over(std::optional<T>& base, const std::optional<T>& top) {
  if (top) base = top;
}

void over(DiskSpec& base, const DiskSpec& top) {
  over(base.size_mib, top.size_mib);
  over(base.path, top.path);
  over(base.bus, top.bus);
  over(base.format, top.format);
  over(base.readonly, top.readonly);
}

void over(NicSpec& base, const NicSpec& top) {
  over(base.network, top.network);
  over(base.mac, top.mac);
  over(base.model, top.model);
}

template <typename Item>
void over(std::vector<Item>& base, const std::vector<Item>& top) {
  for (const auto& t : top) {
    auto it = std::find_if(base.begin(), base.end(), [&](const Item& b) { return b.id == t.id; });
    if (it == base.end())
      base.push_back(t);
    else
      over(*it, t);
  }
}

void over_blocks(VmSpec& base, const VmSpec& top) {
  if (top.xen) {
    XenBlock x = base.xen.value_or(XenBlock{});
    over(x.type, top.xen->type);
    over(x.on_poweroff, top.xen->on_poweroff);
    over(x.on_reboot, top.xen->on_reboot);
    over(x.on_crash, top.xen->on_crash);
    over(x.tsc_mode, top.xen->tsc_mode);
    base.xen = x;
  }
  if (top.libvirt) {
    LibvirtBlock l = base.libvirt.value_or(LibvirtBlock{});
    over(l.domain_type, top.libvirt->domain_type);
    over(l.machine, top.libvirt->machine);
    over(l.arch, top.libvirt->arch);
    base.libvirt = l;
  }
  over(base.vsphere, top.vsphere);
}

void fix_memory(MemorySpec& m, const MemorySpec& desired) {
  if (!m.size_mib || !m.max_mib || *m.size_mib <= *m.max_mib) return;
  if (desired.max_mib && !desired.size_mib)
    m.size_mib = m.max_mib;
  else
    m.max_mib = m.size_mib;
}

}  // namespace

VmSpec overlay_spec(const VmSpec& actual, const VmSpec& desired) {
  VmSpec out = actual;
  out.name = desired.name;
  out.target = desired.target;
  out.ensure = desired.ensure;
  out.power = desired.power ? desired.power : actual.power;
  out.mark = desired.mark;
  out.field_marks = desired.field_marks;
  if (!desired.labels.empty()) out.labels = desired.labels;
  over(out.cpu.count, desired.cpu.count);
  over(out.cpu.weight, desired.cpu.weight);
  over(out.cpu.cap, desired.cpu.cap);
  over(out.memory.size_mib, desired.memory.size_mib);
  over(out.memory.max_mib, desired.memory.max_mib);
  fix_memory(out.memory, desired.memory);
  over(out.firmware, desired.firmware);
  over(out.boot.kernel, desired.boot.kernel);
  over(out.boot.ramdisk, desired.boot.ramdisk);
  over(out.boot.cmdline, desired.boot.cmdline);
  over(out.disks, desired.disks);
  over(out.nics, desired.nics);
  over_blocks(out, desired);
  return out;
}

}  // namespace hvctl
