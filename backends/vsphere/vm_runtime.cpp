#include "vm_runtime.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include "xml_tree.hpp"

namespace hvctl::vsphere {
namespace {

// Reads exactly `width` digits at `pos` into `out`; advances `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  for (std::size_t i = pos; i < pos + width; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  std::from_chars(s.data() + pos, s.data() + pos + width, out);
  pos += width;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Zone designator at `pos` ("Z", "+hh:mm", "-hh:mm", or none) as seconds east of UTC.
std::optional<int> zone_offset(std::string_view s, std::size_t pos) {
  if (pos == s.size()) return 0;
  if (s.substr(pos) == "Z") return 0;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  const int sign = s[pos++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!digits(s, pos, 2, hh) || !expect(s, pos, ':') || !digits(s, pos, 2, mm) || pos != s.size()) return std::nullopt;
  if (hh > 14 || mm > 59) return std::nullopt;
  return sign * (hh * 3600 + mm * 60);
}

bool usable_ip(const std::string& ip) {
  if (ip.empty() || ip == "::1" || ip.rfind("127.", 0) == 0) return false;
  std::string head = ip.substr(0, 4);  // fe80::/10: fe80 to febf
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(head.size() == 4 && head.rfind("fe", 0) == 0 && std::string_view("89ab").find(head[2]) != std::string::npos);
}

}  // namespace

std::optional<std::int64_t> parse_xsd_datetime(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) || !expect(s, pos, '-') ||
      !digits(s, pos, 2, day) || !expect(s, pos, 'T') || !digits(s, pos, 2, hour) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, minute) || !expect(s, pos, ':') || !digits(s, pos, 2, second))
    return std::nullopt;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start) return std::nullopt;
  }
  const auto offset = zone_offset(s, pos);
  namespace c = std::chrono;
  const c::year_month_day date{c::year(year), c::month(static_cast<unsigned>(month)), c::day(static_cast<unsigned>(day))};
  if (!offset || !date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const std::int64_t days = c::sys_days(date).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second - *offset;
}

std::vector<std::string> guest_ips(const xmlNode* guest_net, const std::string& guest_ip) {
  std::vector<std::string> out;
  for (const xmlNode* nic : xml::children(guest_net))  // GuestNicInfo
    for (const xmlNode* address : xml::children(nic, "ipAddress")) {
      std::string ip = xml::text(address);
      if (usable_ip(ip) && std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(std::move(ip));
    }
  if (out.empty() && usable_ip(guest_ip)) out.push_back(guest_ip);
  return out;
}

std::string tools_agent(std::string_view status) {
  if (status == "guestToolsRunning" || status == "guestToolsExecutingScripts") return "running";
  if (status == "guestToolsNotRunning") return "not running";
  return "";
}

}  // namespace hvctl::vsphere
