// What yaml-cpp 0.7 (Debian 12) does with hostile text, and what this does
// about it:
// - LoadAll loops forever, adding an empty document per turn until memory
//   runs out, when a token no node can start with (a ',' outside any [] or
//   {}, e.g. "- a\n,") follows a document: a first pass over the events
//   stops when a document starts where the previous one did.
// - Deep nesting: its depth guard throws DeepRecursion ("bad file"); deeper
//   than a spec needs but within that guard is caught here, after loading,
//   by an iterative walk (nothing here recurses).
// - Aliases share their anchor's node, so an alias bomb loads small but is
//   enormous to anyone walking it: the same walk counts nodes with aliases
//   expanded and stops at a budget.
// - It accepts control characters and invalid UTF-8: checked first.
#include "yaml_load.hpp"

#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

namespace hvctl {
namespace {

// Bounds on one document, counted with aliases expanded. A VM spec has a few
// hundred nodes at most, four levels deep; an alias bomb ("billion laughs":
// each anchor repeating the previous one ten times) expands to billions, and
// nothing in a spec nests 64 levels deep.
constexpr std::size_t kMaxNodes = 100000;
constexpr std::size_t kMaxDepth = 64;

SourceMark mark_of(const std::string& file, const YAML::Node& n) {
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
bool within_bounds(const YAML::Node& doc, const std::string& file, std::vector<Problem>& problems) {
  std::vector<std::pair<YAML::Node, std::size_t>> todo{{doc, 1}};
  std::size_t nodes = 1;
  while (!todo.empty()) {
    const auto [n, depth] = todo.back();
    todo.pop_back();
    if (depth > kMaxDepth) {
      problems.push_back({mark_of(file, n), fmt::format("nested more than {} levels deep; a spec needs a few", kMaxDepth)});
      return false;
    }
    std::vector<YAML::Node> children;
    if (n.IsSequence())
      for (const auto& c : n) children.push_back(c);
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


// A document that starts where the previous one started consumed nothing:
// yaml-cpp's LoadAll would loop on it forever.
struct NoProgress {
  YAML::Mark mark;
};

class ProgressCheck : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos == last_.pos) throw NoProgress{mark};
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

private:
  bool started_ = false;
  YAML::Mark last_;
};

SourceMark at(const std::string& file, const YAML::Mark& m) { return {file, m.line + 1, m.column + 1}; }

}  // namespace

std::vector<YAML::Node> load_yaml_documents(const std::string& text, const std::string& file,
                                            std::vector<Problem>& problems) {
  if (!is_text(text, file, problems)) return {};
  std::vector<YAML::Node> docs;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    ProgressCheck check;
    while (parser.HandleNextDocument(check)) {
    }
    docs = YAML::LoadAll(text);
  } catch (const NoProgress& stuck) {
    const auto pos = static_cast<std::size_t>(stuck.mark.pos);
    const std::string what = pos < text.size() ? fmt::format("'{}'", text[pos]) : "this";
    problems.push_back({at(file, stuck.mark), fmt::format("YAML syntax: unexpected {} (a ',' belongs inside [...] "
                                                          "or {{...}})", what)});
    return {};
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own words are "bad file"
    problems.push_back({at(file, e.mark),
                        fmt::format("YAML nested too deeply to parse (past {} levels); a spec needs a few", e.depth())});
    return {};
  } catch (const YAML::Exception& e) {
    problems.push_back({at(file, e.mark), "YAML syntax: " + e.msg});
    return {};
  }
  std::vector<YAML::Node> out;
  for (auto& doc : docs)
    if (within_bounds(doc, file, problems)) out.push_back(std::move(doc));
  return out;
}

}  // namespace hvctl
