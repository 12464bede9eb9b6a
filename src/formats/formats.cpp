#include "formats.hpp"

#include <cctype>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

namespace hvctl::formats {

const char* to_string(NativeFormat f) {
  switch (f) {
    case NativeFormat::yaml: return "yaml";
    case NativeFormat::xl: return "xl";
    case NativeFormat::vmx: return "vmx";
    case NativeFormat::libvirt: return "libvirt";
  }
  return "?";
}

std::optional<NativeFormat> parse_native_format(const std::string& s) {
  for (auto f : {NativeFormat::yaml, NativeFormat::xl, NativeFormat::vmx, NativeFormat::libvirt})
    if (s == to_string(f)) return f;
  return std::nullopt;
}

std::string Loss::str() const {
  const std::string where = mark.line > 0 ? fmt::format("{}:{}", mark.file.str(), mark.line) : mark.file.str();
  return where.empty() ? message : where + ": " + message;
}

bool is_secret_key(const std::string& key) {
  std::string lower;
  for (char c : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("passw") != std::string::npos || lower.find("secret") != std::string::npos;
}

std::string loss_value(const std::string& key, const std::string& value) {
  return is_secret_key(key) ? kWithheld : value;
}

SourceMark mark_at(const std::string& file, int line) { return {file, line, line > 0 ? 1 : 0}; }

void require_text(const std::string& text, const std::string& file) {
  int line = 1, column = 1;
  for (unsigned char c : text) {
    if (c == '\n') { ++line; column = 1; continue; }
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f') || c == 0x7f)
      throw InputError(fmt::format("{}:{}:{}: binary data (byte 0x{:02x}): not a text configuration file", file,
                                   line, column, c));
    ++column;
  }
}

namespace {

// Scores: how many lines look like each format. Cheap and order-independent.
struct Votes {
  int yaml = 0, xl = 0, vmx = 0, xml = 0;
};

// Line classifiers, written out by hand: std::regex recurses once per
// character matched and overflows the stack on a long line.
using Line = std::string_view;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n'; }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_key_char(char c) { return is_word(c) || c == '.' || c == ':' || c == '-'; }

std::size_t skip_spaces(Line s, std::size_t p) {
  while (p < s.size() && is_space(s[p])) ++p;
  return p;
}

template <typename Pred>
std::size_t skip_while(Line s, std::size_t p, Pred pred) {
  while (p < s.size() && pred(s[p])) ++p;
  return p;
}

bool equals_ci(Line a, Line b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// `apiVersion:` or `kind:` at the start of the line.
bool yaml_line(Line s) {
  for (Line word : {Line("apiVersion"), Line("kind")})
    if (s.substr(0, word.size()) == word) {
      const auto p = skip_spaces(s, word.size());
      return p < s.size() && s[p] == ':';
    }
  return false;
}

// `device.key =` (a dotted or colon key) or one of .vmx's bare keys, any case.
bool vmx_key_line(Line s) {
  const auto start = skip_spaces(s, 0);
  const auto end = skip_while(s, start, is_key_char);
  const Line key = s.substr(start, end - start);
  const bool dotted = !key.empty() && key[0] != '.' && key[0] != ':' && key.find_first_of(".:") != Line::npos;
  bool known = false;
  for (Line k : {Line(".encoding"), Line("displayName"), Line("guestOS"), Line("memsize"), Line("numvcpus")})
    known = known || equals_ci(key, k);
  const auto p = skip_spaces(s, end);
  return (dotted || known) && p < s.size() && s[p] == '=';
}

// After an opening '"' at `p`: the closing one, then only spaces (and, when
// `comment`, a '#' comment) to the end of the line.
bool quoted_to_end(Line s, std::size_t p, bool comment) {
  const auto close = s.find('"', p + 1);
  if (close == Line::npos) return false;
  const auto q = skip_spaces(s, close + 1);
  return q == s.size() || (comment && s[q] == '#');
}

// `name = [`, `= '`, `= 1`, `= -`, or `= "value"` (then a comment at most); also `+=`.
bool xl_line(Line s) {
  auto p = skip_spaces(s, 0);
  if (p == s.size() || !(std::isalpha(static_cast<unsigned char>(s[p])) || s[p] == '_')) return false;
  p = skip_spaces(s, skip_while(s, p, is_word));
  if (p < s.size() && s[p] == '+') ++p;
  if (p == s.size() || s[p] != '=') return false;
  p = skip_spaces(s, p + 1);
  if (p == s.size()) return false;
  const char c = s[p];
  if (c == '[' || c == '\'' || c == '-' || std::isdigit(static_cast<unsigned char>(c))) return true;
  return c == '"' && quoted_to_end(s, p, true);
}

// `key = "value"` and nothing else on the line.
bool vmx_line(Line s) {
  auto p = skip_spaces(s, 0);
  if (p == s.size() || !(std::isalpha(static_cast<unsigned char>(s[p])) || s[p] == '_' || s[p] == '.')) return false;
  p = skip_spaces(s, skip_while(s, p + 1, is_key_char));
  if (p == s.size() || s[p] != '=') return false;
  p = skip_spaces(s, p + 1);
  return p < s.size() && s[p] == '"' && quoted_to_end(s, p, false);
}

Votes vote(const std::string& text) {
  Votes v;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const Line line(text.data() + pos, end - pos);
    pos = end + 1;
    if (yaml_line(line)) v.yaml += 3;
    if (vmx_key_line(line)) v.vmx += 2;
    else if (xl_line(line)) v.xl += 1;
    if (vmx_line(line)) v.vmx += 1;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '<' && text.find("<domain") != std::string::npos) v.xml = 1000;
  return v;
}

std::optional<NativeFormat> from_extension(const std::string& file) {
  const auto ext = std::filesystem::path(file).extension().string();
  if (ext == ".yaml" || ext == ".yml") return NativeFormat::yaml;
  if (ext == ".vmx") return NativeFormat::vmx;
  if (ext == ".xml") return NativeFormat::libvirt;
  if (ext == ".cfg") return NativeFormat::xl;
  return std::nullopt;
}

}  // namespace

NativeFormat detect_format(const std::string& text, const std::string& file) {
  const Votes v = vote(text);
  const std::pair<int, NativeFormat> ranked[] = {
      {v.xml, NativeFormat::libvirt}, {v.yaml, NativeFormat::yaml}, {v.vmx, NativeFormat::vmx}, {v.xl, NativeFormat::xl}};
  int best = 0, ties = 0;
  std::optional<NativeFormat> winner;
  for (const auto& [score, format] : ranked) {
    if (score > best) { best = score; winner = format; ties = 0; }
    else if (score == best && score > 0) ++ties;
  }
  if (winner && ties == 0) return *winner;
  if (auto by_name = from_extension(file)) return *by_name;
  throw InputError(fmt::format("{}: cannot tell whether this is xl.cfg, .vmx, libvirt XML or a hvctl spec; "
                               "say which with --from xl|vmx|libvirt|yaml", file));
}

}  // namespace hvctl::formats
