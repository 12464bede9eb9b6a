#include "hvctl/shard.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"

namespace hvctl {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string default_port(const std::string& scheme) {
  if (scheme == "https") return "443";
  if (scheme == "http") return "80";
  if (scheme.size() > 4 && scheme.compare(scheme.size() - 4, 4, "+ssh") == 0) return "22";
  return "";
}

std::string sorted_query(const std::string& query) {
  std::vector<std::string> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    const auto amp = query.find('&', start);
    const auto part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) params.push_back(part);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& p : params) out += (out.empty() ? "" : "&") + p;
  return out;
}

}  // namespace

std::string Shard::str() const { return fmt::format("{}/{}", index, count); }

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto bad = [&](const std::string& why) {
    return InputError(fmt::format("--shard '{}': {}; expected I/N, e.g. --shard 2/4 for the second of four shards", text, why));
  };
  if (slash == std::string::npos) throw bad("no '/'");
  const auto i = text.substr(0, slash), n = text.substr(slash + 1);
  if (!all_digits(i) || !all_digits(n) || i.size() > 4 || n.size() > 4) throw bad("I and N must be whole numbers");
  Shard s{static_cast<unsigned>(std::stoul(i)), static_cast<unsigned>(std::stoul(n))};
  if (s.count < 1 || s.count > 1024) throw bad("N must be 1 to 1024");
  if (s.index < 1 || s.index > s.count) throw bad(fmt::format("I must be 1 to {} (shards count from 1)", s.count));
  return s;
}

std::string normalized_uri(const std::string& uri) {
  const auto colon = uri.find(':');
  if (colon == std::string::npos) return uri;
  const std::string scheme = lower(uri.substr(0, colon));
  if (uri.compare(colon, 3, "://") != 0) return scheme + ":" + lower(uri.substr(colon + 1));  // xen:local
  std::string rest = uri.substr(colon + 3);
  std::string query;
  if (const auto q = rest.find('?'); q != std::string::npos) {
    query = sorted_query(rest.substr(q + 1));
    rest.resize(q);
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  authority = lower(authority);
  const auto port_colon = authority.rfind(':');
  if (port_colon != std::string::npos && authority.find(']', port_colon) == std::string::npos &&
      authority.substr(port_colon + 1) == default_port(scheme))
    authority.resize(port_colon);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/" && !authority.empty()) path.clear();
  if (path.empty() && backend_type_for_uri(scheme + "://" + authority) == "vsphere") path = "/sdk";
  return scheme + "://" + authority + path + (query.empty() ? "" : "?" + query);
}

std::string target_identity(const Target& target) { return normalized_uri(target.uri); }

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

unsigned shard_of(const std::string& identity, unsigned count) {
  return static_cast<unsigned>(stable_hash(identity) % count) + 1;
}

}  // namespace hvctl
