// What libxlutil can take. Its disk lexer (libxlu_disk_l.l, flex with REJECT)
// keeps a state buffer of YY_BUF_SIZE (16 KiB) entries and writes past it on
// one token longer than that: xlu_disk_parse corrupts the heap and xl itself
// dies on such a disk line (measured on Xen 4.17: 16,300 bytes parse, 16,380
// crash). A token can be the whole spec ("target=" takes the rest of it), so
// hvctl refuses any disk spec longer than kMaxXlDiskSpec before libxlutil sees
// it: in `hvctl convert` of an xl.cfg and in the Xen backend alike. Real disk
// specs are a path (PATH_MAX, 4096) and a few keys; xl.cfg's own lexer takes
// megabyte strings without harm (also measured), so it needs no bound here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hvctl::formats {

inline constexpr std::size_t kMaxXlDiskSpec = 8192;

// Why libxlutil must not parse this disk spec, or nothing when it may.
inline std::optional<std::string> xl_disk_spec_problem(std::string_view spec) {
  if (spec.size() <= kMaxXlDiskSpec) return std::nullopt;
  return "is " + std::to_string(spec.size()) + " bytes long; a disk spec may be at most " +
         std::to_string(kMaxXlDiskSpec) + " (longer ones crash libxlutil's disk parser, and xl with it)";
}

}  // namespace hvctl::formats
