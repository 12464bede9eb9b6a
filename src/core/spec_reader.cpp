#include "spec_reader.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "hvctl/text.hpp"
#include "hvctl/units.hpp"
#include "spec_schema.hpp"

namespace hvctl {
bool SpecReader::check_map(const yaml::Node& n, const std::string& path,
                          const std::vector<std::string>& allowed) {
  if (!n.IsMap()) {
    error(n, fmt::format("{} must be a mapping", path));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (kv.second.IsNull()) empty_values_.emplace_back(kv.second, kv.first.Mark());
    const auto key = kv.first.Scalar();
    const std::string where = path.empty() ? key : path + "." + key;
    if (!seen.insert(key).second) {
      error(kv.first, fmt::format("duplicate key '{}'", where));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const auto hint = did_you_mean(key, allowed);
    error(kv.first, fmt::format("unknown key '{}'{}", excerpt(where), hint.empty() ? "" : ", did you mean '" + hint + "'?"));
  }
  return true;
}

bool SpecReader::scalar(const yaml::Node& n, const std::string& path) {
  if (n.IsScalar()) return true;
  error(n, n.IsNull() ? fmt::format("{} has no value", path) : fmt::format("{} must be a single value", path));
  return false;
}

std::optional<std::string> SpecReader::str(const yaml::Node& n, const std::string& path) {
  if (!scalar(n, path)) return std::nullopt;
  return n.Scalar();
}

std::optional<int> SpecReader::integer(const yaml::Node& n, const std::string& path, long min, long max) {
  if (!scalar(n, path)) return std::nullopt;
  const auto& text = n.Scalar();
  const std::size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
  const bool whole = text.size() > sign && std::all_of(text.begin() + static_cast<long>(sign), text.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  if (n.Tag() == "!" || !whole) {
    error(n, fmt::format("{} must be a whole number, not '{}'", path, excerpt(text)));
    return std::nullopt;
  }
  long long value = 0;
  try {
    value = std::stoll(text);
  } catch (const std::out_of_range&) {
    value = text[0] == '-' ? min - 1 : max + 1;
  }
  if (value < min || value > max) {
    error(n, fmt::format("{} must be between {} and {}, not {}", path, min, max, excerpt(text)));
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<std::uint64_t> SpecReader::size(const yaml::Node& n, const std::string& path) {
  if (!scalar(n, path)) return std::nullopt;
  auto parsed = parse_size_mib(n.Scalar());
  if (auto* message = std::get_if<std::string>(&parsed)) {
    error(n, fmt::format("{}: {}", path, *message));
    return std::nullopt;
  }
  return std::get<std::uint64_t>(parsed);
}

std::optional<bool> SpecReader::boolean(const yaml::Node& n, const std::string& path) {
  if (!scalar(n, path)) return std::nullopt;
  const auto& t = n.Scalar();
  if (n.Tag() != "!" && (t == "true" || t == "false")) return t == "true";
  error(n, fmt::format("{} must be true or false, not '{}'", path, excerpt(t)));
  return std::nullopt;
}

std::optional<std::string> SpecReader::one_of(const yaml::Node& n, const std::string& path,
                                             const std::vector<std::string>& values) {
  auto v = str(n, path);
  if (!v) return std::nullopt;
  if (std::find(values.begin(), values.end(), *v) != values.end()) return v;
  std::string list;
  for (const auto& value : values) list += (list.empty() ? "" : ", ") + value;
  const auto hint = did_you_mean(*v, values);
  error(n, fmt::format("{} must be one of {}, not '{}'{}", path, list, excerpt(*v),
                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  return std::nullopt;
}

std::map<std::string, std::string> SpecReader::string_map(const yaml::Node& n, const std::string& path,
                                                         bool label_keys) {
  std::map<std::string, std::string> out;
  if (n.IsNull()) return out;
  if (!n.IsMap()) {
    error(n, fmt::format("{} must be a mapping of names to values", path));
    return out;
  }
  for (const auto& kv : n) {
    const auto key = kv.first.Scalar();
    if (label_keys && !valid_label_key(key))
      error(kv.first, fmt::format("{} key '{}' may use only letters, digits, '.', '_', '-' and '/' (at most 63)", path, key));
    if (out.count(key)) error(kv.first, fmt::format("duplicate key '{}.{}'", path, key));
    if (auto value = str(kv.second, path + "." + key)) out[key] = *value;
  }
  return out;
}

}  // namespace hvctl
