// Sharding a run across machines: `--shard I/N` takes the targets whose
// stable hash falls in shard I of N. The hash is of the target's identity (its
// normalised URI), so two spellings of one target land in one shard, and
// every VM of a target stays with it: per-vCenter and per-host limits are
// still kept by one process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hvctl/target.hpp"

namespace hvctl {

struct Shard {
  unsigned index = 1;  // 1-based
  unsigned count = 1;
  std::string str() const;  // "2/4"
};

// "I/N" with 1 <= I <= N <= 1024; InputError naming the flag otherwise.
Shard parse_shard(const std::string& text);

// A URI in one spelling: scheme and host lower-cased, no user, no default port
// (https 443, http 80, ssh 22), no trailing '/', a vSphere URI's empty path as
// /sdk, query parameters sorted. "HTTPS://root@VC:443/sdk/" and
// "https://vc/sdk" are one target.
std::string normalized_uri(const std::string& uri);
std::string target_identity(const Target& target);  // normalized_uri(target.uri)

// FNV-1a, 64 bits: the same on every machine and every hvctl version.
std::uint64_t stable_hash(std::string_view text);

// 1-based shard of `count` that `identity` falls in.
unsigned shard_of(const std::string& identity, unsigned count);

}  // namespace hvctl
