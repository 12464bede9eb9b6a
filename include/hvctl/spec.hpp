// The hvctl/v1 VirtualMachine spec: what the user declares.
//
// Every optional field is "not said" when empty: the planner compares only the
// fields the user set, so a backend's defaults never show up as drift.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/error.hpp"

namespace hvctl {

enum class PowerState { running, stopped, paused };
enum class Firmware { bios, uefi };
enum class Ensure { present, absent };

const char* to_string(PowerState p);
const char* to_string(Firmware f);
std::optional<PowerState> parse_power_state(const std::string& s);
std::optional<Firmware> parse_firmware(const std::string& s);

struct CpuSpec {
  std::optional<int> count;   // virtual CPUs, >= 1 (online at boot)
  std::optional<int> weight;  // relative share, 1..65535 (Xen sched weight, vSphere shares, libvirt shares)
  std::optional<int> cap;     // percent of one physical CPU, 1..(100*count); Xen cap, libvirt quota
  std::optional<int> cores_per_socket;  // guest topology: count / cores_per_socket sockets
  std::optional<int> max;  // ceiling for hot-plugging vCPUs, >= count (libvirt <vcpu>, libxl max_vcpus)
  bool operator==(const CpuSpec&) const = default;
};

struct MemorySpec {
  std::optional<std::uint64_t> size_mib;  // memory at boot
  std::optional<std::uint64_t> max_mib;   // ceiling for ballooning / hot-add, >= size
  bool operator==(const MemorySpec&) const = default;
};

struct BootSpec {
  std::optional<std::string> kernel;   // direct kernel boot (host path)
  std::optional<std::string> ramdisk;
  std::optional<std::string> cmdline;
  // The guest's own boot loader from its own disk instead of a host kernel:
  // "pvgrub" (GRUB 2 built for Xen PV/PVH, which reads the disk's grub.cfg).
  std::optional<std::string> loader;
  bool operator==(const BootSpec&) const = default;
};

struct DiskSpec {
  std::string id;                         // stable name within the VM, e.g. "root"
  std::optional<std::uint64_t> size_mib;  // for disks the backend creates
  std::optional<std::string> path;        // existing image (libvirt/Xen) or datastore path (vSphere)
  std::optional<std::string> bus;         // virtio | scsi | sata | ide | nvme | xen
  std::optional<std::string> format;      // raw | qcow2 | vmdk
  std::optional<bool> readonly;
  std::optional<std::string> from;        // base image a new disk starts as a copy of (read when the disk is made)
  // Not a spec field: a clone's disk is a whole copy of `from`, not an
  // overlay on it (libvirt otherwise makes a qcow2 overlay). See clone_spec().
  bool copy_from = false;
  std::optional<std::string> controller;  // id of the entry in `controllers` the disk sits on
  bool operator==(const DiskSpec&) const = default;
};

// A CD/DVD drive. Its medium is an ISO image, or none (an empty drive).
struct CdromSpec {
  std::string id;                      // stable name within the VM, e.g. "cd0"
  std::optional<std::string> image;    // ISO: host path (libvirt, Xen) or "[datastore] path.iso"; "" = no medium
  std::optional<std::string> bus;      // ide | sata | scsi; a Xen PV/PVH guest gets a read-only xen disk
  bool operator==(const CdromSpec&) const = default;
};

struct NicSpec {
  std::string id;                      // stable name within the VM, e.g. "eth0"
  std::optional<std::string> network;  // libvirt network, Xen bridge, vSphere portgroup
  std::optional<std::string> mac;      // lower-case "xx:xx:xx:xx:xx:xx"
  std::optional<std::string> model;    // virtio | e1000 | vmxnet3 | netfront ...
  bool operator==(const NicSpec&) const = default;
};

// A disk controller, listed one by one because real VMs mix models.
struct ControllerSpec {
  std::string id;                     // stable name within the VM, e.g. "scsi0"; disks name theirs
  std::optional<std::string> type;    // scsi | sata | ide | nvme
  std::optional<std::string> model;   // scsi: lsilogic | lsisas | pvscsi | buslogic | virtio
  bool operator==(const ControllerSpec&) const = default;
};

// When a running VM counts as ready (apply --wait, wait --for ready). Each set
// condition must hold; with none set, the backend uses its best own signal.
struct ReadySpec {
  std::optional<std::string> console;   // text the guest prints on its console (Xen)
  std::optional<std::string> xenstore;  // key under the guest's xenstore home the guest writes (Xen)
  std::optional<bool> ip;               // the guest reports an IP address (VMware Tools, guest agent)
  std::optional<bool> agent;            // the guest agent answers (Tools heartbeat, qemu-guest-agent)
  bool empty() const { return !console && !xenstore && !ip && !agent; }
  bool operator==(const ReadySpec&) const = default;
};

// First-boot identity: what the guest's cloud-init reads when it first boots
// (libvirt and Xen: a NoCloud seed ISO; vSphere: guestinfo keys). A change on
// an existing VM makes it a new instance, so apply does it only with --reinit.
struct InitSpec {
  std::optional<std::string> hostname;
  std::vector<std::string> ssh_authorized_keys;  // "ssh-ed25519 AAAA... ops@example"
  std::optional<std::string> user_data;          // the text: read from its file at parse time, or inline
  std::optional<std::string> network_config;     // network-config v1 or v2, likewise
  bool empty() const { return !hostname && ssh_authorized_keys.empty() && !user_data && !network_config; }
  bool operator==(const InitSpec&) const = default;
};

// Whether the VM starts when its host does, and in which order (Xen: hvctl
// autostart, run at dom0 boot; libvirt: the domain's autostart flag).
struct AutostartSpec {
  std::optional<bool> enabled;
  std::optional<int> order;          // lowest first; unset: after every VM with an order
  std::optional<std::string> delay;  // to wait after starting it before the next ("5s")
  bool operator==(const AutostartSpec&) const = default;
};

// Where a new VM comes from: a clone of a VM or of a template on the same
// target. Read at create only; later changes change nothing.
struct SourceSpec {
  std::optional<std::string> vm;             // clone this VM
  std::optional<std::string> template_name;  // clone this template (a VM with template: true)
  std::optional<bool> linked;                // share the source's disks (overlay / delta disk); unset: full copies
  const std::optional<std::string>& name() const { return vm ? vm : template_name; }
  bool empty() const { return !vm && !template_name && !linked; }
  bool operator==(const SourceSpec&) const = default;
};

// VMware guest customization (vSphere's GOSC): names the guest and sets its
// first NIC's address. Like init, a change on an existing VM needs --reinit.
struct CustomizationSpec {
  std::optional<std::string> hostname;
  std::optional<std::string> domain;
  std::optional<std::string> ipv4;     // "10.0.0.21/24"; unset: DHCP
  std::optional<std::string> gateway;  // "10.0.0.1"
  std::vector<std::string> dns;        // DNS servers, IPv4
  bool empty() const { return !hostname && !domain && !ipv4 && !gateway && dns.empty(); }
  bool operator==(const CustomizationSpec&) const = default;
};

struct XenBlock {
  std::optional<std::string> type;  // pv | pvh | hvm
  std::optional<std::string> on_poweroff, on_reboot, on_crash;  // destroy | restart | preserve ...
  std::optional<std::string> tsc_mode;  // default | always_emulate | native | native_paravirt (xl.cfg tsc_mode)
  bool operator==(const XenBlock&) const = default;
};

struct VsphereBlock {
  std::optional<std::string> datacenter, cluster, host, pool, folder, datastore, guest_id;
  std::map<std::string, std::string> extra_config;
  CustomizationSpec customization;
  // Keep the VM on `host`: plan reports it elsewhere and apply moves it back.
  std::optional<bool> pin_host;
  bool operator==(const VsphereBlock&) const = default;
};

struct LibvirtBlock {
  std::optional<std::string> domain_type;  // kvm | qemu | xen | test; default from the target
  std::optional<std::string> machine;      // e.g. "pc", "q35"
  std::optional<std::string> arch;         // e.g. "x86_64"
  bool operator==(const LibvirtBlock&) const = default;
};

struct VmSpec {
  std::string name;
  std::map<std::string, std::string> labels;
  std::optional<std::string> description;  // free text for operators (vSphere annotation)
  std::optional<std::string> target;  // target name from the config, or a backend URI
  Ensure ensure = Ensure::present;
  CpuSpec cpu;
  MemorySpec memory;
  std::optional<Firmware> firmware;
  BootSpec boot;
  std::vector<DiskSpec> disks;
  std::vector<CdromSpec> cdroms;
  std::vector<NicSpec> nics;
  std::vector<ControllerSpec> controllers;
  std::optional<bool> prune;  // remove devices the VM has in a listed class that the spec does not name
  // Not a spec field: apply --delete-images. A pruned disk's image is deleted
  // too, when hvctl made it for this VM (VmState::owned_disks).
  bool delete_images = false;
  std::optional<PowerState> power;
  SourceSpec source;
  std::optional<bool> is_template;  // spec.template: never powered on, a clone source
  AutostartSpec autostart;
  ReadySpec ready;
  InitSpec init;
  // Not a spec field: apply --reinit. A changed init is applied to an existing
  // VM (else the plan calls it impossible: the guest would boot as a new machine).
  bool reinit = false;
  // Not a spec field: apply --force. A VM hvctl moved away (label
  // hvctl.moved-to) is changed or started by an apply only with it.
  bool force_moved = false;
  std::optional<XenBlock> xen;
  std::optional<VsphereBlock> vsphere;
  std::optional<LibvirtBlock> libvirt;

  SourceMark mark;  // where the document starts; for messages
  // Where each set field was written ("cpu.count", "disks[0].size"), for backend checks.
  std::map<std::string, SourceMark> field_marks;
  SourceMark mark_of(const std::string& field) const;
};

}  // namespace hvctl
