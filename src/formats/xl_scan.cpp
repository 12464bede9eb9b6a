// A small lexer over the grammar libxlutil accepts (libxlu_cfg_y.y):
//   stmt  := IDENT ('=' | '+=') value (NEWLINE | ';') | NEWLINE | ';'
//   value := STRING | NUMBER | '[' [value (',' value)* [',']] ']'   (newlines allowed inside [])
// with '#' comments and "..." / '...' strings using backslash escapes.
#include "xl_scan.hpp"

#include <cctype>

#include <fmt/format.h>

namespace hvctl::formats {
namespace {

class Scanner {
public:
  explicit Scanner(const std::string& text) : t_(text) {}

  std::vector<XlSetting> run() {
    std::vector<XlSetting> out;
    while (skip_blank(true)) {
      if (!is_ident_start(peek())) { skip_statement(nullptr); continue; }
      XlSetting s;
      s.line = line_;
      while (pos_ < t_.size() && is_ident(peek())) s.key += t_[pos_++];
      skip_blank(false);
      if (peek() == '+') { s.append = true; ++pos_; }
      skip_statement(&s);
      out.push_back(std::move(s));
    }
    return out;
  }

private:
  char peek() const { return pos_ < t_.size() ? t_[pos_] : '\0'; }
  static bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

  // Skips spaces and comments (and newlines and ';' when `newlines`); false at the end.
  bool skip_blank(bool newlines) {
    while (pos_ < t_.size()) {
      const char c = t_[pos_];
      if (c == '#') { while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_; continue; }
      if (c == '\n') { if (!newlines) return true; ++line_; ++pos_; continue; }
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == ';')) { ++pos_; continue; }
      return true;
    }
    return false;
  }

  void skip_string() {
    const char quote = t_[pos_++];
    while (pos_ < t_.size() && t_[pos_] != quote && t_[pos_] != '\n') pos_ += t_[pos_] == '\\' ? 2 : 1;
    if (pos_ < t_.size() && t_[pos_] == quote) ++pos_;
  }

  // Up to the end of the statement, noting the line of each top-level list item.
  void skip_statement(XlSetting* s) {
    int depth = 0;
    bool item_expected = false;
    while (pos_ < t_.size()) {
      const char c = t_[pos_];
      if (c == '#') { skip_blank(false); continue; }
      if (c == '\n') {
        if (depth == 0) return;
        ++line_; ++pos_; continue;
      }
      if (c == ';' && depth == 0) { ++pos_; return; }
      if (c == '[') { ++depth; ++pos_; item_expected = depth == 1; continue; }
      if (c == ']') { --depth; ++pos_; continue; }
      if (c == ',' && depth == 1) { item_expected = true; ++pos_; continue; }
      if (c == ' ' || c == '\t' || c == '\r' || c == '=') { ++pos_; continue; }
      if (item_expected && s) s->item_lines.push_back(line_);
      item_expected = false;
      if (c == '"' || c == '\'') skip_string();
      else ++pos_;
    }
  }

  const std::string& t_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::vector<XlSetting> scan_xl_settings(const std::string& text) { return Scanner(text).run(); }

std::vector<std::pair<std::string, std::string>> split_vif(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto end = spec.find(',', pos);
    if (end == std::string::npos) end = spec.size();
    const std::string part = trim(spec.substr(pos, end - pos));
    pos = end + 1;
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string::npos) out.emplace_back(part, "");
    else out.emplace_back(trim(part.substr(0, eq)), trim(part.substr(eq + 1)));
  }
  return out;
}

namespace {
// The escapes libxlutil's string syntax reads (xlu__cfgl_dequote), besides
// \\, \" and \'. Its \xHH and octal escapes are unusable: the check of their
// digits fails for every valid one, and the character is never stored.
constexpr std::pair<char, char> kXlEscapes[] = {{'\a', 'a'}, {'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'},
                                                 {'\r', 'r'}, {'\t', 't'}, {'\v', 'v'}};
std::optional<char> escape_of(char c) {
  for (auto [raw, letter] : kXlEscapes)
    if (c == raw) return letter;
  return std::nullopt;
}
}  // namespace

std::string xl_quote(const std::string& value, char quote) {
  std::string out(1, quote);
  for (char c : value) {
    if (auto letter = escape_of(c)) out += std::string(1, '\\') + *letter;
    else if (c == '\\' || c == quote) out += std::string(1, '\\') + c;
    else out += c;
  }
  return out + quote;
}

std::optional<std::string> xl_unholdable(const std::string& value, bool in_item) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) continue;
    if (u == 0) return "holds a NUL character, which no xl.cfg string can hold";
    if (in_item) return fmt::format("holds the control character U+{:04X}, which xl's disk and vif syntax cannot hold", u);
    if (!escape_of(c)) return fmt::format("holds the control character U+{:04X}, which xl.cfg has no escape for", u);
  }
  return std::nullopt;
}

}  // namespace hvctl::formats
