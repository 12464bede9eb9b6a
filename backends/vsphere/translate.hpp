// The pure part of the backend: VmSpec -> vim25 VirtualMachineConfigSpec,
// for CreateVM_Task and ReconfigVM_Task. No I/O; golden-tested.
//
// Mapping: description -> annotation, cpu.count -> numCPUs,
// cpu.coresPerSocket -> numCoresPerSocket, cpu.weight -> cpuAllocation custom
// shares, memory.size -> memoryMB, firmware uefi -> "efi", disks -> VirtualDisk
// (thin, persistent) on a ParaVirtual SCSI, AHCI (sata) or NVMe controller
// hvctl adds, or on the built-in IDE controllers 200/201, or on the
// controller disks[].controller names; controllers -> ParaVirtualSCSI
// (pvscsi, the default), LsiLogic, LsiLogicSAS, BusLogic, AHCI or NVMe
// controllers; cdroms -> VirtualCdrom on IDE or SATA (device_writer.hpp);
// nics ->
// VirtualVmxnet3 (default) / VirtualE1000 / ... backed by a port group name
// or a distributed port group; a mac makes the address "manual". Labels, disk
// and NIC ids go to extraConfig (see vm_model.hpp); NICs by MAC, which for a
// generated one takes a second reconfigure (write_nic_pins). Elements follow
// the WSDL order, which real vCenter's deserializer expects.
#pragma once

#include <map>
#include <string>

#include "hvctl/spec.hpp"
#include "vm_model.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

struct NetworkBacking {
  bool distributed = false;
  std::string portgroup_key, switch_uuid;  // distributed only
};
// By port group name. A name not listed is written as a standard network.
using NetworkMap = std::map<std::string, NetworkBacking>;

struct CreateContext {
  std::string datastore;  // where the VM's files and new disks go
  NetworkMap networks;
};

inline constexpr const char* kDefaultGuestId = "otherGuest64";

// Writes CreateVM_Task's VirtualMachineConfigSpec into `config`. Throws
// std::invalid_argument for what vSphere cannot express. Disks made from a
// base image (disks[].from) are left out: their copies go into the VM's
// folder, which exists only after the task (base_disks.hpp).
void write_create_spec(xml::Element config, const VmSpec& spec, const CreateContext& ctx);

// Writes ReconfigVM_Task's spec that makes `actual` match the fields
// `desired` sets. With desired.prune, the disks and NICs of each list
// `desired` has that it does not name are removed (by device key; a disk's
// VMDK is kept; a controller only once nothing stays on it). A drive whose
// image differs gets the new medium ("" ejects). A new disk with `from` must carry the path of its copy
// (base_disks.hpp) and is attached as the VM's own disk, keeping the copy's
// size (a larger one is a second reconfigure's grow, once vSphere reads it).
// Returns false when nothing differs. Throws
// std::invalid_argument for changes vSphere cannot make (shrinking a disk,
// moving it to another bus or controller, changing a NIC's or controller's
// model, moving a drive to another bus, a vCPU count that is not a multiple
// of the cores per socket).
bool write_reconfig_spec(xml::Element spec, const VmSpec& desired, const VmConfig& actual, const NetworkMap& nets);

// Writes the VirtualMachineConfigSpec a CloneVM_Task of `source` carries
// for `spec`: annotation, CPU, memory, and extraConfig (the spec's labels,
// extraConfig and guestinfo, the source's labels and first-boot identity
// cleared, the source's device ids kept). Devices are not in it: the clone
// gets the source's, and a ReconfigVM_Task makes them the spec's after.
void write_clone_config(xml::Element config, const VmSpec& spec, const VmConfig& source);

// Writes ReconfigVM_Task's spec that records the MAC of each NIC that
// hvctl.nics names without one (NICs just added with a MAC vSphere
// generated; see vm_model.hpp), so that they keep their ids when other NICs
// come and go. Returns false when every NIC hvctl named is recorded.
bool write_nic_pins(xml::Element spec, const VmConfig& vm);

// The same specs as indented standalone documents (golden files).
std::string create_spec_document(const VmSpec& spec, const CreateContext& ctx);
std::string reconfig_spec_document(const VmSpec& desired, const VmConfig& actual, const NetworkMap& nets);

}  // namespace hvctl::vsphere
