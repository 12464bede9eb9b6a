// Offline checks of the cloud-init files a spec names (spec.init.cloudInit):
// what `hvctl validate` reports in the user's own user-data and
// network-config, with their file:line:column, before any seed is built.
// Pure functions: they read the text they are given and nothing else.
// tests/cloud-init/ holds a corpus on which their verdicts are compared with
// cloud-init 22.4's own (`cloud-init schema`, network_state's parser); its
// README lists where the two differ on purpose.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hvctl/error.hpp"

namespace hvctl {

// Problems in user-data `text` read from `file` (empty: none). Accepted, as
// cloud-init 22.4 accepts them: `#cloud-config` YAML that is a mapping (the
// well-known keys' types are checked as its schema checks them), the other
// `#` types cloud-init knows (`#!` scripts, `#include`, `#include-once`,
// `#cloud-boothook`, `#part-handler`, `#cloud-config-archive`,
// `#cloud-config-jsonp`, `## template: jinja`), MIME (a multipart one must
// have a boundary and parts) and gzip (not looked into). Anything else is
// one problem at 1:1 saying what the first line must be.
std::vector<Problem> check_user_data(std::string_view text, const std::string& file);

// Problems in network-config `text` read from `file`: YAML, optionally under
// a top-level `network:` key, with `version: 1` and a `config:` list of
// typed entries (each with the keys cloud-init requires of its type), or
// `version: 2` with netplan's ethernets/bonds/bridges/vlans/wifis maps.
std::vector<Problem> check_network_config(std::string_view text, const std::string& file);

// How a cloud-init file reaches the guest.
enum class CloudInitTransport {
  nocloud_iso,        // a file on the NoCloud seed ISO (libvirt, Xen)
  vsphere_guestinfo,  // a guestinfo.* extraConfig value, base64-encoded (vSphere)
};

// The most bytes of one file `transport` carries, counted before encoding:
// - NoCloud ISO: ISO 9660 records a file's size in 32 bits and the seed
//   writes one extent per file, so 4 GiB - 1 (ECMA-119 9.1.4).
// - vSphere guestinfo: the guest reads the value with an RPC whose reply
//   VMX caps at about 1 MB (VMware Guest SDK, "In-Guest Communication
//   Limits"); hvctl sends base64 (4 bytes per 3), so 1,000,000 encoded bytes
//   hold 750,000 raw bytes.
std::size_t cloud_init_size_limit(CloudInitTransport transport);

// "N bytes: too large for <transport> (at most M)" when `size` exceeds the
// limit, nothing otherwise.
std::optional<std::string> cloud_init_size_problem(std::size_t size, CloudInitTransport transport);

}  // namespace hvctl
