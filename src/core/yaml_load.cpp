// What hostile text can do to a YAML loader, and what this does about it:
// - Deep nesting: libyaml parses it iteratively and the tree is built
//   without recursion; a document deeper than a spec can be is refused by an
//   iterative walk (nothing here recurses).
// - Aliases share their anchor's node, so an alias bomb loads small but is
//   enormous to anyone walking it: the same walk counts nodes with aliases
//   expanded and stops at a budget.
// - Control characters and invalid UTF-8: checked first, with the position.
// (yaml-cpp, which read specs before, also looped forever in LoadAll on a
// stray ',' after a document: tests/fuzz/regressions/spec keeps that input.)
#include "yaml_load.hpp"

#include <fmt/format.h>

namespace hvctl {
namespace {

// Bounds on one document, counted with aliases expanded. A VM spec has a few
// hundred nodes at most, four levels deep; an alias bomb ("billion laughs":
// each anchor repeating the previous one ten times) expands to billions, and
// nothing in a spec nests 64 levels deep.
constexpr std::size_t kMaxNodes = 100000;
constexpr std::size_t kMaxDepth = 64;

std::string too_deep() { return fmt::format("nested more than {} levels deep; a spec needs a few", kMaxDepth); }

SourceMark mark_of(const std::string& file, const yaml::Node& n) {
  const auto m = n.Mark();
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

// YAML is UTF-8 text: a control character (other than tab, CR, LF) or a byte
// sequence that is no UTF-8 means a binary or mis-encoded file. Reports the
// first such byte.
bool is_text(const std::string& text, const std::string& file, std::vector<Problem>& problems) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size(); ++column) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int more = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    bool ok = more >= 0 && i + more < text.size();
    for (int k = 1; ok && k <= more; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      problems.push_back({{file, line, column}, fmt::format("byte 0x{:02x} is not UTF-8: a spec is UTF-8 text", c)});
      return false;
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      problems.push_back({{file, line, column}, fmt::format("control character 0x{:02x}: a spec is text (is this "
                                                            "a binary file?)", c)});
      return false;
    }
    if (c == '\n') { ++line; column = 0; }
    i += static_cast<std::size_t>(more) + 1;
  }
  return true;
}

// Walks `doc` without recursion, stopping at the first bound it crosses.
bool within_bounds(const yaml::Node& doc, const std::string& file, std::vector<Problem>& problems) {
  std::vector<std::pair<yaml::Node, std::size_t>> todo{{doc, 1}};
  std::size_t nodes = 1;
  while (!todo.empty()) {
    const auto [n, depth] = todo.back();
    todo.pop_back();
    if (depth > kMaxDepth) {
      problems.push_back({mark_of(file, n), too_deep()});
      return false;
    }
    std::vector<yaml::Node> children;
    if (n.IsSequence())
      for (const auto& item : n) children.push_back(item.first);
    else if (n.IsMap())
      for (const auto& kv : n) children.insert(children.end(), {kv.first, kv.second});
    nodes += children.size();
    if (nodes > kMaxNodes) {
      problems.push_back({mark_of(file, doc), fmt::format("this document holds more than {} YAML nodes, counting "
                                                          "what each alias repeats: far more than a VM spec needs "
                                                          "(an alias bomb?)", kMaxNodes)});
      return false;
    }
    for (auto& c : children) todo.emplace_back(std::move(c), depth + 1);
  }
  return true;
}

}  // namespace

namespace {

// Runs `load` (which reads `text` with libyaml), turning its errors into
// problems. A file libyaml cannot read is that one problem: whatever was
// said of the documents before it goes (their structure is in doubt).
template <typename Load>
bool loading(const std::string& text, const std::string& file, std::vector<Problem>& problems, Load&& load) {
  if (!is_text(text, file, problems)) return false;
  const std::size_t before = problems.size();
  try {
    load();
    return true;
  } catch (const yaml::TooDeepError& e) {
    problems.resize(before);
    problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, too_deep()});
  } catch (const yaml::ParseError& e) {
    problems.resize(before);
    problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, std::string("YAML syntax: ") + e.what()});
  }
  return false;
}

}  // namespace

yaml::Stream load_yaml_documents(const std::string& text, const std::string& file, std::vector<Problem>& problems) {
  yaml::Stream stream;
  loading(text, file, problems, [&] { stream = yaml::load_all(text, kMaxDepth); });
  std::erase_if(stream.documents, [&](const yaml::Node& doc) { return !within_bounds(doc, file, problems); });
  return stream;
}

bool for_each_yaml_document(const std::string& text, const std::string& file, std::vector<Problem>& problems,
                            const std::function<void(const yaml::Node&)>& fn) {
  return loading(text, file, problems, [&] {
    yaml::load_each(text, kMaxDepth, [&](const yaml::Node& doc) {
      if (within_bounds(doc, file, problems)) fn(doc);
    });
  });
}

}  // namespace hvctl
