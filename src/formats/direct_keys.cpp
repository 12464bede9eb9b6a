#include "direct_keys.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace hvctl::formats {
namespace {

std::vector<DirectKey> keys_in(const char* fields::Field::*column) {
  std::vector<DirectKey> out;
  for (const auto& f : fields::table())
    if (*(f.*column)) out.push_back({&f, f.*column});
  return out;
}

}  // namespace

std::vector<DirectKey> xl_direct_keys() { return keys_in(&fields::Field::xl); }
std::vector<DirectKey> vmx_direct_keys() { return keys_in(&fields::Field::vmx); }

std::string native_text(const fields::Field& f, const fields::Value& v) {
  if (auto* n = std::get_if<long long>(&v)) return std::to_string(*n);
  return fields::show(f, v);
}

long native_min(const fields::Field& f) { return f.kind == fields::Kind::size ? std::max(1L, static_cast<long>(f.min)) : static_cast<long>(f.min); }
long native_max(const fields::Field& f) { return f.kind == fields::Kind::size ? 1L << 40 : static_cast<long>(f.max); }

std::optional<std::string> not_a_choice(const fields::Field& f, const std::string& key, const std::string& text) {
  if (f.kind != fields::Kind::choice || std::find(f.values->begin(), f.values->end(), text) != f.values->end())
    return std::nullopt;
  return fmt::format("{} = \"{}\": expected one of {}", key, text, fmt::join(*f.values, ", "));
}

}  // namespace hvctl::formats
