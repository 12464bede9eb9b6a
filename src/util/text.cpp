#include "hvctl/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {

std::string excerpt(const std::string& text) {
  if (text.size() <= 40) return text;
  return fmt::format("{}... ({} characters)", text.substr(0, 32), text.size());
}

namespace {

// Where the userinfo's password lies in `uri`: [begin, end) of the text
// between the first ':' after "scheme://" and the '@' before the host, or
// {npos, npos}. The userinfo ends at the last '@' before any query or
// fragment, so a password with an unencoded '@' or '/' is still found
// (erring towards finding one: refusing is safer than echoing).
std::pair<std::size_t, std::size_t> password_span(const std::string& uri) {
  constexpr auto npos = std::string::npos;
  const auto scheme_end = uri.find("://");
  if (scheme_end == npos) return {npos, npos};
  const auto start = scheme_end + 3;
  const auto stop = std::min(uri.find_first_of("?#", start), uri.size());
  const auto at = uri.rfind('@', stop == 0 ? 0 : stop - 1);
  if (at == npos || at < start) return {npos, npos};
  const auto colon = uri.find(':', start);
  if (colon == npos || colon > at) return {npos, npos};
  if (uri.find('/', start) < colon) return {npos, npos};  // the ':' is past the host, not in a userinfo
  return {colon + 1, at};
}

}  // namespace

std::string redact_uri(const std::string& uri) {
  const auto [begin, end] = password_span(uri);
  if (begin == std::string::npos) return uri;
  return uri.substr(0, begin) + "***" + uri.substr(end);
}

bool uri_has_password(const std::string& uri) { return password_span(uri).first != std::string::npos; }

std::string read_input_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read: {}", std::strerror(errno)));
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputFile)
      throw InputError(fmt::format("larger than {} MiB; hvctl reads no input file that large (is this a VM's "
                                   "configuration?)", kMaxInputFile >> 20));
  }
  if (in.bad()) throw InputError("cannot read");
  return text;
}

std::string content_digest(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static const char* const kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
  return out;
}

}  // namespace hvctl
