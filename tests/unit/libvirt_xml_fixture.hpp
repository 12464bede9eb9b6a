// What the libvirt XML tests share: a domain as libvirt 9 rewrites it, and
// the planner's view of what a spec sets that a read-back reports otherwise.
#pragma once

#include <string>

#include "hvctl/plan.hpp"
#include "libvirt_backend.hpp"

namespace hvctl::libvirt::test {

inline const Capabilities& libvirt_caps() {
  static const auto backend = [] {
    Target t;
    t.name = "unit";
    t.type = "libvirt";
    t.uri = "test:///default";
    return make_libvirt_backend(t);  // never connects: capabilities are static
  }();
  return backend->capabilities();
}

// Every field `want` sets that `have` reports differently, as the planner sees it.
inline std::string drift(const VmSpec& want, const VmSpec& have) {
  std::string out;
  for (const auto& c : diff_spec(want, have, libvirt_caps())) out += c.field + ": '" + c.from + "' -> '" + c.to + "'\n";
  if (want.libvirt && want.libvirt->domain_type &&
      (!have.libvirt || have.libvirt->domain_type != want.libvirt->domain_type))
    out += "libvirt.domainType\n";
  if (want.name != have.name) out += "name\n";
  return out;
}

// A qemu domain as libvirt 9 reports it after defining full-qemu's XML: the
// machine expanded, controllers, addresses, aliases and defaults added.
inline const char* const kRewrittenQemu = R"(<domain type='qemu'>
  <name>web-01</name>
  <uuid>0b6a7d1e-8f2c-4c1e-9d7a-1a2b3c4d5e6f</uuid>
  <metadata>
    <hvctl:vm xmlns:hvctl="https://hvctl.dev/xmlns/libvirt/1" machine="pc">
      <hvctl:label key="tier" value="web"/>
      <hvctl:disk id="root" dev="vda"/>
      <hvctl:disk id="data" dev="vdb" owned="yes"/>
      <hvctl:nic id="eth0" index="0"/>
    </hvctl:vm>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://debian.org/debian/12"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>2097152</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <cputune>
    <shares>256</shares>
    <global_period>50000</global_period>
    <global_quota>75000</global_quota>
    <emulatorpin cpuset='0'/>
  </cputune>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/images/web.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <serial>ROOT-1</serial>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web-01-data.img'/>
      <target dev='vdb' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/iso/debian.iso'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <controller type='usb' index='0' model='piix3-uhci'/>
    <interface type='network'>
      <mac address='52:54:00:6b:3c:58'/>
      <source network='default'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:00:00:99'/>
      <source bridge='br0'/>
    </interface>
    <serial type='pty'><target type='isa-serial' port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes'/>
  </devices>
</domain>
)";

}  // namespace hvctl::libvirt::test
