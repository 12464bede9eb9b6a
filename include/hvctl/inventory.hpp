// What a target offers VMs, as `hvctl hosts`, `networks` and `storage` show
// it. Each list is read in bulk, in a constant number of calls per target.
// An unset optional is a value the platform does not report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hvctl {

struct HostInfo {
  std::string name;        // ESXi host, the dom0's hostname, libvirt's node
  std::string cluster;     // vSphere only
  std::string connection;  // connected | disconnected | notResponding ("" when the API has no such state)
  std::string power;       // poweredOn | standBy | poweredOff | unknown ("" likewise)
  std::string product;     // "VMware ESXi 6.5.0", "Xen 4.17.2", "QEMU 7.2.0"
  int cpus = 0;            // logical CPUs (threads)
  std::optional<std::uint64_t> cpu_mhz, cpu_used_mhz;        // whole host's capacity, and in use
  std::optional<std::uint64_t> memory_mib, memory_free_mib;  // total, and free for new VMs
  std::optional<int> vms;  // VMs on the host
};

struct NetworkInfo {
  std::string name;     // what a spec's nics[].network names
  std::string type;     // portgroup | dvportgroup | network | bridge
  std::optional<int> vlan;
  std::string detail;   // vSwitch or distributed switch, forward mode and bridge, or ports on a bridge
  std::optional<bool> active;
};

struct StorageInfo {
  std::string name;      // datastore, storage pool, or the Xen backend's image directory
  std::string type;      // VMFS | NFS | vsan | dir | logical | ...
  std::optional<std::uint64_t> capacity_mib, free_mib;
  std::string location;  // URL, target path
  std::optional<bool> accessible;
};

}  // namespace hvctl
