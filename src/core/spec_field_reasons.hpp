// The field table's longer texts: how a backend carries a field, or why it
// refuses it, where the text is shared or too long for an entry's line.
// Internal to spec_field_table.cpp.
#pragma once

namespace hvctl::fields::reasons {

inline constexpr const char* kNoCap = "vSphere limits CPU in MHz, not in percent of a CPU; leave cpu.cap out";
inline constexpr const char* kNoLoader = "a QEMU or KVM guest boots its disk through its firmware (BIOS or UEFI); pvgrub is Xen's";
inline constexpr const char* kNoBoot = "VMware boots from firmware; there is no direct kernel boot";
inline constexpr const char* kMemoryHotAdd =
    "memoryHotAddEnabled, when above memory.size (vSphere keeps no ceiling of its own: ESXi sets hotPlugMemoryLimit)";
inline constexpr const char* kCpuHotAdd = "cpuHotAddEnabled, when above cpu.count (vSphere keeps no vCPU ceiling)";
inline constexpr const char* kNoAutostart =
    "hvctl does not set vSphere's host autostart (HostAutoStartManager) yet; leave autostart out";
inline constexpr const char* kNoAutostartOrder =
    "libvirtd starts its autostart domains at once, in no order; leave autostart.order and delay out";
inline constexpr const char* kXenAutostart =
    "hvctl's record of the VM; `hvctl autostart` starts such VMs in order at dom0 boot (hvctl-autostart.service) "
    "and stops them, in reverse, at its shutdown";
inline constexpr const char* kNoConsole = "hvctl reads no vSphere guest console (VMware's is a web console); use ready.ip or ready.agent";
inline constexpr const char* kOnlyXenstore = "only Xen has a xenstore";
inline constexpr const char* kLibvirtControllers =
    "libvirt places disks on controllers of their bus itself; give disks[].bus, and leave controllers out";
inline constexpr const char* kSeed =
    "a NoCloud seed (an ISO 9660 volume labelled cidata: meta-data, user-data, network-config) uploaded to the "
    "target's pool as NAME-seed.iso and attached read-only as a CD-ROM; rebuilt when init changes, read by the guest "
    "at its next boot, deleted with the VM";
inline constexpr const char* kSeedXen =
    "a NoCloud seed (ISO 9660, label cidata) in the state directory (seeds/NAME.iso), attached read-only: an emulated "
    "CD-ROM on HVM, a read-only xen disk on PV/PVH; rebuilt when init changes, read at the next boot";
inline constexpr const char* kGuestinfo =
    "guestinfo.metadata (JSON: instance-id, local-hostname, public-keys, network) and guestinfo.userdata, base64 "
    "with their .encoding, in extraConfig, read by cloud-init's VMware datasource at the next boot";
inline constexpr const char* kNoXenAgent = "the Xen backend reads no guest agent or IP; use ready.console or ready.xenstore";
inline constexpr const char* kCloneLibvirt =
    "the new VM gets the stopped source's CPU, memory, firmware, boot, CD-ROMs and NICs (new MACs) unless the spec "
    "sets them, and copies of its disks in the target's pool (virStorageVolCreateXMLFrom); linked: qcow2 overlays "
    "on a template's disks instead";
inline constexpr const char* kCloneVsphere =
    "CloneVM_Task (vCenter only) into the spec's placement, then the spec's settings by ReconfigVM_Task; linked: a "
    "delta disk on the source's current snapshot";
inline constexpr const char* kCloneXen =
    "the new VM gets the stopped source's CPU, memory, boot, CD-ROMs and NICs (new MACs) unless the spec sets them, "
    "and sparse copies of its disks in STATE_DIR/disks/VM/; linked is refused (overlays need qdisk)";
inline constexpr const char* kCustomizationElsewhere =
    "VMware guest customization runs only on vSphere; give the address in spec.init.cloudInit.networkConfig";
inline constexpr const char* kCustomization =
    "CustomizationSpec (LinuxPrep) in the CloneVM_Task, or CustomizeVM_Task on an existing VM (with it off); read "
    "by the guest at its next boot, with VMware Tools; recorded in extraConfig hvctl.customization";

}  // namespace hvctl::fields::reasons
