// VMware .vmx <-> hvctl/v1 specs. No library reads .vmx, so this parses it:
// `key = "value"` lines, keys case-insensitive, '#' comments, `.encoding`,
// special characters as |XX (hex). Mapping details are in vmx_read.cpp and
// vmx_write.cpp.
#pragma once

#include <string>
#include <vector>

#include "formats.hpp"

namespace hvctl::formats {

struct VmxEntry {
  std::string key;    // as written: "scsi0:0.fileName"
  std::string lower;  // lower-cased, for lookups
  std::string value;  // unquoted, |XX decoded, in UTF-8
  int line = 0;
};

// Every entry in file order. Throws ValidationError with file:line for each
// malformed line (no '=', unterminated quote, text after the value), binary
// data, invalid UTF-8, and an `.encoding` it cannot convert from.
std::vector<VmxEntry> parse_vmx(const std::string& text, const std::string& file);

// `value` as a .vmx quoted value: '"', '|', '#' and control characters as |XX.
std::string vmx_quote(const std::string& value);

// The ethernetN.addressType a MAC (lower case, valid) has on VMware, which
// its prefix says (vSphere Networking, "MAC Address Assignment from vCenter
// Server" and "MAC Address Generation on ESXi Hosts"): "vpx" for vCenter's
// 00:50:56:80-bf, "generated" for a host's 00:0c:29 (and the old 00:05:69),
// else "static" (VMware's static range is 00:50:56:00-3f).
std::string vmx_address_type(const std::string& mac);

// The VM `text` describes, and every key the spec cannot carry.
Imported read_vmx(const std::string& text, const std::string& file);

// `spec` as a .vmx that ESXi and Workstation accept, and what it cannot say.
Exported write_vmx(const VmSpec& spec);

// vSphere guestId <-> .vmx guestOS ("otherLinux64Guest" <-> "otherlinux-64").
// `exact` is false when the name was derived by rule rather than known.
struct GuestName {
  std::string name;
  bool exact = true;
};
GuestName guest_id_from_vmx(const std::string& guest_os);
GuestName vmx_guest_os_from_id(const std::string& guest_id);

}  // namespace hvctl::formats
