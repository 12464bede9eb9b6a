// Sizes with explicit binary units: "512MiB", "2GiB", "1TiB". Bare numbers are
// rejected so nobody has to guess whether 2048 means MiB or bytes.
// Durations in seconds, or with a unit: "90", "90s", "5m", "1h".
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace hvctl {

// Parses a size into MiB. On failure returns the message to show the user.
std::variant<std::uint64_t, std::string> parse_size_mib(const std::string& text);

// Formats MiB in the largest unit that divides it: 2048 -> "2GiB", 1536 -> "1536MiB".
std::string format_size_mib(std::uint64_t mib);

// For people, rounded: 512 -> "512MiB", 31999 -> "31.2GiB", 3145728 -> "3.0TiB".
std::string human_size_mib(std::uint64_t mib);

// Parses a duration into seconds, between 1 s and a day. On failure returns
// the message to show the user.
std::variant<int, std::string> parse_duration_seconds(const std::string& text);

// The same, and "0" or "0s" as 0: spec.autostart.delay (unset: 5 s, xendomains' stagger).
std::variant<int, std::string> autostart_delay_seconds(const std::string& text);
inline constexpr int kDefaultAutostartDelaySeconds = 5;

}  // namespace hvctl
