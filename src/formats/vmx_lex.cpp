// The .vmx lexer. VMware writes one `key = "value"` per line; hand-edited
// files sometimes leave values unquoted, which VMware accepts too. Values
// encode '"', '|', '#' and control characters as |XX. `.encoding` names the
// charset (UTF-8 on everything current; windows-1252 on old Workstation files).
#include <algorithm>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "hvctl/text.hpp"
#include "vmx.hpp"

namespace hvctl::formats {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string decode_bars(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '|' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) { out += static_cast<char>(c); continue; }
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Lexer {
public:
  Lexer(const std::string& file, std::vector<Problem>& problems) : file_(file), problems_(problems) {}

  // One line; false when it holds no entry (blank, comment, or a problem).
  bool line(const std::string& text, int number, VmxEntry& out) {
    std::size_t p = text.find_first_not_of(" \t\r");
    if (p == std::string::npos || text[p] == '#') return false;
    const std::size_t key_end = text.find_first_of(" \t\r=\"", p);
    out.key = text.substr(p, key_end == std::string::npos ? std::string::npos : key_end - p);
    out.lower = lower(out.key);
    out.line = number;
    p = key_end == std::string::npos ? text.size() : text.find_first_not_of(" \t\r", key_end);
    if (p == std::string::npos || text[p] != '=')
      return fail(number, fmt::format("expected '{} = \"value\"' (no '=' after the key; truncated file?)", excerpt(out.key)));
    p = text.find_first_not_of(" \t\r", p + 1);
    if (p == std::string::npos) return true;  // `key =` with nothing after it: an empty value, as VMware reads it
    if (text[p] != '"') {
      const auto end = text.find('#', p);
      out.value = text.substr(p, end == std::string::npos ? std::string::npos : end - p);
      out.value.erase(out.value.find_last_not_of(" \t\r") + 1);
      return true;
    }
    const auto close = text.find('"', p + 1);
    if (close == std::string::npos)
      return fail(number, fmt::format("'{}': the quoted value is not closed on its line (truncated file?)", excerpt(out.key)));
    out.value = decode_bars(text.substr(p + 1, close - p - 1));
    const auto rest = text.find_first_not_of(" \t\r", close + 1);
    if (rest != std::string::npos && text[rest] != '#')
      return fail(number, fmt::format("'{}': unexpected text after the quoted value", excerpt(out.key)));
    return true;
  }

private:
  bool fail(int line, const std::string& message) {
    problems_.push_back({mark_at(file_, line), message});
    return false;
  }
  const std::string& file_;
  std::vector<Problem>& problems_;
};

}  // namespace

std::vector<VmxEntry> parse_vmx(const std::string& input, const std::string& file) {
  const bool bom = input.rfind("\xEF\xBB\xBF", 0) == 0;
  const std::string text = bom ? input.substr(3) : input;
  require_text(text, file);
  std::vector<Problem> problems;
  std::vector<VmxEntry> entries;
  Lexer lexer(file, problems);
  std::size_t pos = 0;
  for (int number = 1; pos < text.size(); ++number) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    VmxEntry entry;
    if (lexer.line(text.substr(pos, end - pos), number, entry)) entries.push_back(std::move(entry));
    pos = end + 1;
  }
  std::string encoding = "utf-8";
  int encoding_line = 0;
  for (const auto& e : entries)
    if (e.lower == ".encoding") { encoding = lower(e.value); encoding_line = e.line; }
  const bool latin = encoding == "windows-1252" || encoding == "iso-8859-1" || encoding == "latin1";
  // Text that is all ASCII reads the same in every encoding built on ASCII
  // (GBK, Shift_JIS, EUC-KR...); not in EBCDIC or UTF-16/32, which are not.
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  const bool ascii_based = encoding.rfind("ebcdic", 0) != 0 && encoding.rfind("utf-16", 0) != 0 &&
                           encoding.rfind("utf-32", 0) != 0 && encoding.rfind("ucs-", 0) != 0;
  if (!latin && !(ascii && ascii_based) && encoding != "utf-8" && encoding != "utf8" && encoding != "us-ascii")
    problems.push_back({mark_at(file, encoding_line),
                        fmt::format(".encoding \"{}\" is not supported (UTF-8, US-ASCII, windows-1252, ISO-8859-1 are)", encoding)});
  for (auto& e : entries) {
    if (latin) e.value = latin1_to_utf8(e.value);
    else if (!valid_utf8(e.key + e.value))
      problems.push_back({mark_at(file, e.line), fmt::format("'{}': not valid UTF-8 (is .encoding right?)", excerpt(e.key))});
  }
  if (!problems.empty()) throw ValidationError(std::move(problems));
  return entries;
}

std::string vmx_quote(const std::string& value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '|' || c == '#' || c < 0x20 || c == 0x7f) out += fmt::format("|{:02X}", c);
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

}  // namespace hvctl::formats
