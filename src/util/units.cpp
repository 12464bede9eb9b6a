#include "hvctl/units.hpp"

#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace hvctl {
namespace {

struct Unit {
  const char* suffix;
  std::uint64_t kib;  // size of one unit in KiB
};

constexpr Unit kUnits[] = {
    {"KiB", 1}, {"MiB", 1024}, {"GiB", 1024 * 1024}, {"TiB", 1024ull * 1024 * 1024}};

// Units people write that hvctl does not guess at, with the suggestion.
constexpr std::pair<const char*, const char*> kAmbiguous[] = {
    {"K", "KiB"}, {"KB", "KiB"}, {"M", "MiB"}, {"MB", "MiB"}, {"G", "GiB"},
    {"GB", "GiB"}, {"T", "TiB"}, {"TB", "TiB"}, {"k", "KiB"}, {"m", "MiB"},
    {"g", "GiB"}, {"t", "TiB"}, {"kb", "KiB"}, {"mb", "MiB"}, {"gb", "GiB"}};

}  // namespace

std::variant<std::uint64_t, std::string> parse_size_mib(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return fmt::format("'{}' is not a size: write a number and a unit, e.g. 512MiB or 2GiB", text);
  std::uint64_t number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, number);
  if (ec != std::errc()) return fmt::format("size '{}' is too large", text);
  std::size_t j = i;
  while (j < text.size() && text[j] == ' ') ++j;
  const std::string suffix = text.substr(j);
  if (suffix.empty())
    return fmt::format("size '{}' has no unit: write {}MiB or {}GiB", text, number, number);
  for (const auto& [bad, good] : kAmbiguous)
    if (suffix == bad) return fmt::format("unit '{}' in '{}' is ambiguous: use {}", bad, text, good);
  for (const auto& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (number > std::numeric_limits<std::uint64_t>::max() / unit.kib)
      return fmt::format("size '{}' is too large", text);
    const std::uint64_t kib = number * unit.kib;
    if (kib % 1024 != 0) return fmt::format("size '{}' is not a whole number of MiB", text);
    return kib / 1024;
  }
  return fmt::format("unknown unit '{}' in '{}': use KiB, MiB, GiB or TiB", suffix, text);
}

std::string format_size_mib(std::uint64_t mib) {
  if (mib != 0 && mib % (1024ull * 1024) == 0) return fmt::format("{}TiB", mib / (1024ull * 1024));
  if (mib != 0 && mib % 1024 == 0) return fmt::format("{}GiB", mib / 1024);
  return fmt::format("{}MiB", mib);
}

std::variant<int, std::string> parse_duration_seconds(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  const std::string suffix = text.substr(i);
  int scale = suffix.empty() || suffix == "s" ? 1 : suffix == "m" ? 60 : suffix == "h" ? 3600 : 0;
  long long number = 0;
  if (i == 0 || scale == 0 || i > 6 || std::from_chars(text.data(), text.data() + i, number).ec != std::errc())
    return fmt::format("'{}' is not a duration: write seconds, or a number with s, m or h (90, 90s, 5m, 1h)", text);
  number *= scale;
  if (number < 1 || number > 86400) return fmt::format("duration '{}' must be between 1s and 24h", text);
  return static_cast<int>(number);
}

std::string human_size_mib(std::uint64_t mib) {
  if (mib < 1024) return std::to_string(mib) + "MiB";
  if (mib < 1024ULL * 1024) return fmt::format("{:.1f}GiB", static_cast<double>(mib) / 1024);
  return fmt::format("{:.1f}TiB", static_cast<double>(mib) / (1024.0 * 1024));
}

std::variant<int, std::string> autostart_delay_seconds(const std::string& text) {
  if (text == "0" || text == "0s") return 0;
  return parse_duration_seconds(text);
}

}  // namespace hvctl
