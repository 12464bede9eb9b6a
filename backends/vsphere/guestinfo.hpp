// spec.init as cloud-init's VMware datasource reads it: extraConfig keys
// the guest reads through VMware Tools (guestinfo.*). Pure; golden-tested.
//
//   guestinfo.metadata           base64 of a JSON document: instance-id,
//                                local-hostname, public-keys, and, when the
//                                spec has a network-config, network (itself
//                                base64, with network.encoding: base64)
//   guestinfo.metadata.encoding  base64
//   guestinfo.userdata           base64 of the user-data as written
//   guestinfo.userdata.encoding  base64
//
// The datasource takes metadata as JSON or YAML; JSON because hvctl reads it
// back (read_guestinfo) to compare init in plans. The instance-id is the one
// every backend gives (first_boot.hpp): a new one exactly when init changes,
// which makes cloud-init run first boot again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hvctl/spec.hpp"

namespace hvctl::vsphere {

inline constexpr const char* kGuestinfoMetadata = "guestinfo.metadata";
inline constexpr const char* kGuestinfoMetadataEncoding = "guestinfo.metadata.encoding";
inline constexpr const char* kGuestinfoUserdata = "guestinfo.userdata";
inline constexpr const char* kGuestinfoUserdataEncoding = "guestinfo.userdata.encoding";

// Whether `key` is one of the four keys above (set through spec.init only).
bool is_guestinfo_key(const std::string& key);

// RFC 4648 base64, with padding.
std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (whitespace is skipped).
std::optional<std::string> base64_decode(std::string_view text);

// The metadata document (before base64).
std::string guestinfo_metadata(const VmSpec& spec);

// The four keys for spec.init; empty when init is empty.
std::map<std::string, std::string> guestinfo_entries(const VmSpec& spec);

// spec.init back from a VM's extraConfig; empty when the keys are absent or
// not as hvctl writes them (an unknown encoding, metadata that is no JSON).
InitSpec read_guestinfo(const std::map<std::string, std::string>& extra_config);

}  // namespace hvctl::vsphere
