// The lexical side of xl.cfg that libxlutil does not expose: which settings a
// file makes, on which lines, and where each list item is. libxlutil parses
// the values (and rejects bad syntax) first; this only runs on text it accepted.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hvctl::formats {

struct XlSetting {
  std::string key;              // "disk"
  int line = 0;                 // 1-based line of the key
  bool append = false;          // "key += value"
  std::vector<int> item_lines;  // for a list value: the line of each top-level item
};

// Every `key = value` / `key += value` statement in file order.
std::vector<XlSetting> scan_xl_settings(const std::string& text);

// A vif spec split the way xl splits it: on ',', each part "key=value"
// (whitespace around both trimmed; a part without '=' has an empty value).
std::vector<std::pair<std::string, std::string>> split_vif(const std::string& spec);

// `value` as an xl.cfg string literal in `quote` (' or "), with \\, the quote
// and the control characters libxlutil has escapes for (\\a \\b \\f \\n \\r \\t
// \\v) escaped. Other control characters and NUL it cannot hold: callers
// refuse them first (xl_unholdable).
std::string xl_quote(const std::string& value, char quote = '"');

// Why an xl.cfg cannot hold `value` where it goes, or nothing: a NUL, or a
// control character libxlutil has no escape for (its \\xHH and octal escapes
// do not work); inside a disk or vif item (`in_item`), whose own parsers read
// no escapes, any control character.
std::optional<std::string> xl_unholdable(const std::string& value, bool in_item);

}  // namespace hvctl::formats
