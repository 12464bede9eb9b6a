#include "guestinfo.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "hvctl/first_boot.hpp"

namespace hvctl::vsphere {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The value of `key` when its `.encoding` says base64, decoded.
std::optional<std::string> decoded(const std::map<std::string, std::string>& extra, const char* key,
                                   const char* encoding_key) {
  const auto value = extra.find(key);
  const auto encoding = extra.find(encoding_key);
  if (value == extra.end() || encoding == extra.end() || encoding->second != "base64") return std::nullopt;
  return base64_decode(value->second);
}

}  // namespace

bool is_guestinfo_key(const std::string& key) {
  return key == kGuestinfoMetadata || key == kGuestinfoMetadataEncoding || key == kGuestinfoUserdata ||
         key == kGuestinfoUserdataEncoding;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t j = 0; j < 3; ++j)
      chunk = (chunk << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j)
      out += j <= n ? kAlphabet[(chunk >> (18 - 6 * j)) & 0x3f] : '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t chunk = 0;
  int bits = 0;
  std::size_t padding = 0, sextets = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = sextet(c);
    if (v < 0 || padding > 0) return std::nullopt;  // a stray byte, or data after the padding
    ++sextets;
    chunk = (chunk << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((chunk >> bits) & 0xff);
    }
  }
  if (padding > 2 || sextets % 4 == 1 || (padding > 0 && (sextets + padding) % 4 != 0)) return std::nullopt;
  return out;
}

std::string guestinfo_metadata(const VmSpec& spec) {
  nlohmann::json meta = {{"instance-id", instance_id(spec)},
                         {"local-hostname", spec.init.hostname.value_or(spec.name)}};
  if (!spec.init.ssh_authorized_keys.empty()) meta["public-keys"] = spec.init.ssh_authorized_keys;
  if (spec.init.network_config) {
    meta["network"] = base64_encode(*spec.init.network_config);
    meta["network.encoding"] = "base64";
  }
  return meta.dump();
}

std::map<std::string, std::string> guestinfo_entries(const VmSpec& spec) {
  if (spec.init.empty()) return {};
  return {{kGuestinfoMetadata, base64_encode(guestinfo_metadata(spec))},
          {kGuestinfoMetadataEncoding, "base64"},
          {kGuestinfoUserdata, base64_encode(spec.init.user_data.value_or("#cloud-config\n{}\n"))},
          {kGuestinfoUserdataEncoding, "base64"}};
}

InitSpec read_guestinfo(const std::map<std::string, std::string>& extra_config) {
  InitSpec init;
  const auto text = decoded(extra_config, kGuestinfoMetadata, kGuestinfoMetadataEncoding);
  if (!text) return init;
  const auto meta = nlohmann::json::parse(*text, nullptr, false);
  if (!meta.is_object()) return init;
  if (auto it = meta.find("local-hostname"); it != meta.end() && it->is_string()) init.hostname = it->get<std::string>();
  if (auto it = meta.find("public-keys"); it != meta.end() && it->is_array())
    for (const auto& key : *it)
      if (key.is_string()) init.ssh_authorized_keys.push_back(key.get<std::string>());
  if (auto it = meta.find("network"); it != meta.end() && it->is_string() && meta.value("network.encoding", "") == "base64")
    init.network_config = base64_decode(it->get<std::string>());
  init.user_data = decoded(extra_config, kGuestinfoUserdata, kGuestinfoUserdataEncoding);
  return init;
}

}  // namespace hvctl::vsphere
