// The words of the hvctl/v1 schema: which values enumerations take, and the
// name rules. Which keys each mapping allows is in the field table
// (hvctl/spec_fields.hpp).
#pragma once

#include <string>
#include <vector>

namespace hvctl {

inline const std::vector<std::string> kPowerValues = {"running", "stopped", "paused"};
inline const std::vector<std::string> kEnsureValues = {"present", "absent"};
inline const std::vector<std::string> kFirmwareValues = {"bios", "uefi"};
inline const std::vector<std::string> kBusValues = {"virtio", "scsi", "sata", "ide", "nvme", "xen"};
inline const std::vector<std::string> kCdromBusValues = {"ide", "sata", "scsi"};
inline const std::vector<std::string> kControllerTypes = {"scsi", "sata", "ide", "nvme"};
inline const std::vector<std::string> kControllerModels = {"lsilogic", "lsisas", "pvscsi", "buslogic", "virtio"};
inline const std::vector<std::string> kFormatValues = {"raw", "qcow2", "vmdk", "vhd"};
inline const std::vector<std::string> kXenTypes = {"pv", "pvh", "hvm"};
inline const std::vector<std::string> kBootLoaders = {"pvgrub"};
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
