// The hvctl/v1 schema as data: which keys each mapping allows, which values
// enumerations take, and the name rules. Shared by the parser and the docs.
#pragma once

#include <string>
#include <vector>

namespace hvctl {

inline const std::vector<std::string> kTopKeys = {"apiVersion", "kind", "metadata", "spec"};
inline const std::vector<std::string> kMetadataKeys = {"name", "labels"};
inline const std::vector<std::string> kSpecKeys = {"target", "ensure", "cpu", "memory", "firmware", "boot",
                                                   "disks", "nics", "power", "ready", "xen", "vsphere", "libvirt"};
inline const std::vector<std::string> kCpuKeys = {"count", "weight", "cap"};
inline const std::vector<std::string> kMemoryKeys = {"size", "max"};
inline const std::vector<std::string> kBootKeys = {"kernel", "ramdisk", "cmdline"};
inline const std::vector<std::string> kDiskKeys = {"id", "size", "path", "bus", "format", "readonly"};
inline const std::vector<std::string> kNicKeys = {"id", "network", "mac", "model"};
inline const std::vector<std::string> kReadyKeys = {"console", "xenstore", "ip", "agent"};
inline const std::vector<std::string> kXenKeys = {"type", "onPoweroff", "onReboot", "onCrash", "tscMode"};
inline const std::vector<std::string> kVsphereKeys = {"datacenter", "cluster", "host", "pool", "folder",
                                                      "datastore", "guestId", "extraConfig"};
inline const std::vector<std::string> kLibvirtKeys = {"domainType", "machine", "arch"};

inline const std::vector<std::string> kPowerValues = {"running", "stopped", "paused"};
inline const std::vector<std::string> kEnsureValues = {"present", "absent"};
inline const std::vector<std::string> kFirmwareValues = {"bios", "uefi"};
inline const std::vector<std::string> kBusValues = {"virtio", "scsi", "sata", "ide", "nvme", "xen"};
inline const std::vector<std::string> kFormatValues = {"raw", "qcow2", "vmdk", "vhd"};
inline const std::vector<std::string> kXenTypes = {"pv", "pvh", "hvm"};
inline const std::vector<std::string> kXenTscModes = {"default", "always_emulate", "native", "native_paravirt"};
inline const std::vector<std::string> kXenActions = {"destroy", "restart", "preserve", "rename-restart",
                                                     "coredump-destroy", "coredump-restart", "soft-reset"};
inline const std::vector<std::string> kDomainTypes = {"kvm", "qemu", "xen", "test"};

inline constexpr const char* kApiVersion = "hvctl/v1";
inline constexpr const char* kKind = "VirtualMachine";

// The closest allowed word within a small edit distance, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& allowed);

bool valid_vm_name(const std::string& name);   // [A-Za-z0-9][A-Za-z0-9._-]{0,62}
bool valid_label_key(const std::string& key);  // [A-Za-z0-9][A-Za-z0-9._/-]{0,62}
bool valid_id(const std::string& id);          // disk and NIC ids: like a VM name
bool valid_mac(const std::string& mac);        // xx:xx:xx:xx:xx:xx, unicast

}  // namespace hvctl
