// Sizes with explicit binary units: "512MiB", "2GiB", "1TiB". Bare numbers are
// rejected so nobody has to guess whether 2048 means MiB or bytes.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace hvctl {

// Parses a size into MiB. On failure returns the message to show the user.
std::variant<std::uint64_t, std::string> parse_size_mib(const std::string& text);

// Formats MiB in the largest unit that divides it: 2048 -> "2GiB", 1536 -> "1536MiB".
std::string format_size_mib(std::uint64_t mib);

}  // namespace hvctl
