#include "spec_schema.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace hvctl {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& allowed) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : allowed) {
    const auto d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

bool valid_vm_name(const std::string& name) {
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  return std::regex_match(name, kName);
}

bool valid_label_key(const std::string& key) {
  static const std::regex kKey("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
  return std::regex_match(key, kKey);
}

bool valid_id(const std::string& id) { return valid_vm_name(id); }

bool valid_mac(const std::string& mac) {
  static const std::regex kMac("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
  if (!std::regex_match(mac, kMac)) return false;
  const int first = std::stoi(mac.substr(0, 2), nullptr, 16);
  return (first & 1) == 0;  // multicast bit clear
}

}  // namespace hvctl
