// What hvctl reads of a vSphere VM, close to vim25's own shape, and the
// conversions to hvctl's VmState. Pure functions: tested on captured XML.
//
// hvctl keeps what vSphere has no field for in the VM's extraConfig, under
// keys vSphere passes through untouched:
//   hvctl.label.<key> = <value>    one per label
//   hvctl.disks = root=scsi0:0,data=sata0:1   disk ids by controller address
//   hvctl.nics = eth0=00:50:56:8a:00:01,eth1  NIC ids by MAC address
//   hvctl.attached = scsi0:1       disks attached by path (kept on destroy)
//   hvctl.cdroms = cd0=ide1:0      CD-ROM ids by controller address, as disks
//   hvctl.controllers = fast=scsi1 controller ids by kind and bus number
//   hvctl.customization = {"ipv4":...}  the guest customization last applied
//                                  (spec.vsphere.customization; customization.hpp)
//   hvctl.source = template:tpl-debian12,linked   what a clone was made from (spec.source)
// An empty value means "removed" (vSphere deletes such keys; vcsim keeps them).
// None of them shows in the spec's vsphere.extraConfig, nor do the
// guestinfo.* keys hvctl writes for spec.init (guestinfo.hpp).
//
// Device identity, so that adding or removing one device never renames another:
// * A NIC is its MAC address: vSphere keeps it for the NIC's life (a generated
//   one too), a human sees it in the guest, and it survives any reconfigure.
//   Its PCI unit number does not identify it: the order moves when a NIC goes
//   (and vcsim gives every new NIC unit 1). A MAC vSphere generates is known
//   only after the task that adds the NIC, so hvctl first writes the bare id
//   (matched by position among the NICs no MAC names, today's rule) and then
//   records the MAC in a second reconfigure (translate.hpp, write_nic_pins).
// * A disk is its controller address (scsi0:1): hvctl chooses it before the
//   VM exists, so the create spec records it in the same call; it is what the
//   .vmx stores (scsi0:1.fileName) and what the vSphere client shows; removing
//   another disk leaves it alone. A device key is stable too while the device
//   lives (the API reference: immutable, recycled after a removal, as an
//   address is), but the server assigns it only once the task has run, it is
//   not in the .vmx, and it means nothing to a human. hvctl never moves a disk
//   to another slot (translate.hpp refuses it).
// * A CD-ROM drive is its controller address too (ide1:0, sata0:1).
// * A controller is its kind and bus number (scsi1): vSphere keeps busNumber
//   for the controller's life, and an id hvctl did not record is that name
//   (what the .vmx calls it: scsi1.virtualDev). The two built-in IDE
//   controllers are no entry of spec.controllers: every VM has them, and
//   they can be neither added nor removed.
// Devices no entry names (made outside hvctl) keep order-based names,
// disk<N>, cdrom<N> and nic<N>, avoiding the ids in use.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "properties.hpp"

namespace hvctl::vsphere {

inline constexpr const char* kLabelPrefix = "hvctl.label.";
inline constexpr const char* kDisksKey = "hvctl.disks";
inline constexpr const char* kNicsKey = "hvctl.nics";
inline constexpr const char* kAttachedKey = "hvctl.attached";
inline constexpr const char* kCdromsKey = "hvctl.cdroms";
inline constexpr const char* kControllersKey = "hvctl.controllers";
inline constexpr const char* kCustomizationKey = "hvctl.customization";
inline constexpr const char* kSourceKey = "hvctl.source";

// spec.source as hvctl.source records it, and back ("" is none).
inline std::string source_record(const SourceSpec& s) {
  if (!s.name()) return "";
  return std::string(s.vm ? "vm:" : "template:") + *s.name() + (s.linked.value_or(false) ? ",linked" : "");
}
inline SourceSpec read_source_record(const std::string& record) {
  SourceSpec s;
  const auto colon = record.find(':');
  if (colon == std::string::npos) return s;
  const auto comma = record.find(',', colon);
  const auto name = record.substr(colon + 1, comma == std::string::npos ? std::string::npos : comma - colon - 1);
  if (name.empty()) return s;
  (record.compare(0, colon, "vm") == 0 ? s.vm : s.template_name) = name;
  if (comma != std::string::npos && record.substr(comma + 1) == "linked") s.linked = true;
  return s;
}

struct Controller {
  int key = 0;
  std::string type;  // ParaVirtualSCSIController ...
  std::string kind;  // scsi | sata | nvme | ide
  int bus = 0;
  std::string label{}, summary{};  // deviceInfo, sent back on a removal
  std::string address() const { return kind + std::to_string(bus); }  // "scsi1"
};

struct Cdrom {
  int key = 0, controller_key = 0;
  std::optional<int> unit;
  std::string backing_type;  // VirtualCdromIsoBackingInfo, VirtualCdromAtapiBackingInfo...
  std::string iso;           // the ISO backing's fileName; "" for any other backing (no medium)
  std::string address;       // "ide1:0"
  std::string label, summary;
};

struct Disk {
  int key = 0, controller_key = 0;
  std::optional<int> unit;
  long long capacity_kb = 0;
  std::string file;          // "[LocalDS_0] vm/vm.vmdk"
  std::string backing_type;  // VirtualDiskFlatVer2BackingInfo
  std::string disk_mode;
  std::string address;       // "scsi0:1" (controller kind, bus, unit)
  std::string label, summary;  // deviceInfo, sent back on edits (vcsim needs it)
};

struct Nic {
  int key = 0, controller_key = 0;
  std::optional<int> unit;
  std::string type;   // VirtualVmxnet3
  std::string model;  // vmxnet3
  std::string mac, address_type;
  std::string network;  // port group name (or its key when the name is unknown)
  std::string portgroup_key, switch_uuid;  // distributed port groups only
  std::string label, summary;
};

struct VmConfig {
  Moref ref;
  std::string name, uuid, power, guest_id, firmware, vm_path;
  std::string change_version;  // config.changeVersion: ReconfigVM_Task fails if it moved since
  std::optional<int> num_cpu, memory_mb, custom_shares;
  std::optional<int> cores_per_socket;  // config.hardware.numCoresPerSocket, when > 0
  std::string annotation;               // config.annotation; "" when none
  bool is_template = false;
  std::map<std::string, std::string> extra_config;  // last value wins; empty values dropped
  std::vector<Controller> controllers;
  std::vector<Disk> disks;
  std::vector<Cdrom> cdroms;
  std::vector<Nic> nics;
  std::set<std::pair<int, int>> slots;  // (controller key, unit) of every device
  // For VmRuntime (vm_runtime.hpp): read with the configuration...
  Moref host;                    // runtime.host
  std::string boot_time;         // runtime.bootTime (xsd:dateTime), else summary.runtime.bootTime
  std::string tools_running;     // guest.toolsRunningStatus
  std::vector<std::string> ips;  // guest_ips(guest.net, guest.ipAddress)
  // ...and resolved by the Inventory from other objects: "" when unknown.
  std::string host_name;         // the HostSystem's name
  std::string path;              // inventory path, "/DC0/vm/folder/name"
};

// Property paths read for each VM: everything list() needs in one round trip.
const std::vector<std::string>& vm_property_paths();

// Reads a VM's properties. `portgroups` maps distributed port group keys to names.
VmConfig read_vm_config(const ObjectContent& o, const std::map<std::string, std::string>& portgroups);

// The devices alone, from an ArrayOfVirtualDevice <val>.
void read_devices(const xmlNode* val, VmConfig& out);

// "model" for a vim25 ethernet card type ("" if it is none), and back.
std::string nic_model(const std::string& type);
std::string nic_type(const std::string& model);

PowerState to_power_state(const std::string& vim_state);

// The VM in spec terms: the fields vSphere can express, plus labels and ids.
VmState to_vm_state(const VmConfig& vm);

// Ids of disks ("root" for address "scsi0:0"), CD-ROMs and controllers, as
// hvctl.disks, hvctl.cdroms and hvctl.controllers record them.
std::map<std::string, std::string> disk_ids(const VmConfig& vm);  // address -> id
std::map<std::string, std::string> cdrom_ids(const VmConfig& vm);  // address -> id
// The ids of the disks hvctl made for the VM (recorded, not attached by path);
// `disks` are the VM's in spec terms, in vm.disks' order.
std::set<std::string> owned_disks(const VmConfig& vm, const std::vector<DiskSpec>& disks);
// Every controller but the IDE ones, by key: its recorded id, else its address.
std::map<int, std::string> controller_ids(const VmConfig& vm);

// A SCSI controller's model for its vim25 type ("" for another), and the type
// for a spec controller's type and model (pvscsi when unset; "" for none).
std::string controller_model(const std::string& type);
std::string controller_type(const std::string& kind, const std::string& model);
std::vector<std::string> split_list(const std::string& text);
// NICs sorted by PCI unit number (devices without one last, in device order).
std::vector<const Nic*> nics_in_order(const VmConfig& vm);

// One NIC's id, and how hvctl.nics gave it.
struct NicId {
  enum class By { mac, position, fresh };  // an "id=mac" entry; an entry without a MAC; none (nic<N>)
  const Nic* nic = nullptr;
  std::string id;
  By by = By::fresh;
};
// Every NIC's id, in nics_in_order: first the entries whose MAC a NIC has;
// then the entries without a MAC, in list order, for the NICs left, in unit
// order; then nic<N> for the rest. An entry whose MAC no NIC has (the NIC
// was removed) names nothing, and its id is not given to another NIC.
std::vector<NicId> nic_ids(const VmConfig& vm);
// An hvctl.nics entry: "id=mac", or "id" when the MAC is not known yet.
std::string nic_entry(const std::string& id, const std::string& mac);

}  // namespace hvctl::vsphere
