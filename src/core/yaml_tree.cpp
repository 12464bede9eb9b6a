#include "yaml_tree.hpp"

#include <map>
#include <memory>

#include <yaml.h>

namespace hvctl::yaml {
namespace {

const std::string kEmpty;
const std::string kPlainTag = "?";
const std::string kQuotedTag = "!";

Mark mark_of(const yaml_mark_t& m) { return {static_cast<int>(m.line), static_cast<int>(m.column)}; }

bool is_null_word(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::string text(const yaml_char_t* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

// Owns a libyaml parser and its current event.
class EventReader {
public:
  explicit EventReader(std::string_view input) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  }
  ~EventReader() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  const yaml_event_t& next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) throw error();
    has_event_ = true;
    return event_;
  }

private:
  ParseError error() const {
    std::string message = parser_.problem ? parser_.problem : "malformed YAML";
    if (parser_.context) message = std::string(parser_.context) + ": " + message;
    return ParseError(message, mark_of(parser_.problem_mark));
  }

  yaml_parser_t parser_;
  yaml_event_t event_;
  bool has_event_ = false;
};

}  // namespace

const std::string& Node::Scalar() const { return data_ ? data_->scalar : kEmpty; }
const std::string& Node::Tag() const { return data_ ? data_->tag : kEmpty; }

std::size_t Node::size() const {
  if (!data_) return 0;
  if (data_->kind == Kind::sequence) return data_->items.size();
  if (data_->kind == Kind::map) return data_->items.size() / 2;
  return 0;
}

Node Node::operator[](std::size_t index) const {
  if (!IsSequence() || index >= data_->items.size()) return Node();
  return Node(data_->items[index]);
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return Node();
  const auto& items = data_->items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2)
    if (items[i]->kind == Kind::scalar && items[i]->scalar == key) return Node(items[i + 1]);
  return Node();
}

NodeIterator Node::begin() const {
  if (!data_ || (data_->kind != Kind::map && data_->kind != Kind::sequence)) return {nullptr, 1};
  return {data_->items.data(), data_->kind == Kind::map ? 2u : 1u};
}

NodeIterator Node::end() const {
  if (!data_ || (data_->kind != Kind::map && data_->kind != Kind::sequence)) return {nullptr, 1};
  return {data_->items.data() + data_->items.size(), data_->kind == Kind::map ? 2u : 1u};
}

namespace {

// The events of `input` as node trees in `nodes`, one document at a time:
// `done(root)` once each document is complete.
template <typename Done>
void read_documents(std::string_view input, std::size_t max_depth, std::deque<NodeData>& nodes, Done&& done) {
  EventReader reader(input);
  const NodeData* root = nullptr;
  std::vector<NodeData*> open;                 // collections being filled, innermost last
  std::map<std::string, const NodeData*> anchors;
  auto add = [&](const NodeData* node) {
    if (open.empty()) root = node;
    else open.back()->items.push_back(node);
  };
  auto make = [&](Kind kind, const yaml_event_t& e, const yaml_char_t* anchor, const yaml_char_t* tag, bool plain) {
    NodeData& n = nodes.emplace_back();
    n.kind = kind;
    n.mark = mark_of(e.start_mark);
    n.tag = tag ? text(tag) : plain ? kPlainTag : kQuotedTag;
    if (anchor) anchors[text(anchor)] = &n;
    return &n;
  };
  for (;;) {
    const yaml_event_t& e = reader.next();
    switch (e.type) {
      case YAML_STREAM_END_EVENT: return;
      case YAML_DOCUMENT_START_EVENT: anchors.clear(); root = nullptr; break;
      case YAML_DOCUMENT_END_EVENT:
        if (root) done(root);
        break;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        NodeData* n = make(plain && !s.tag && is_null_word(value) ? Kind::null : Kind::scalar, e, s.anchor, s.tag, plain);
        if (n->kind == Kind::scalar) n->scalar.assign(value);
        add(n);
        break;
      }
      case YAML_SEQUENCE_START_EVENT: {
        if (open.size() >= max_depth) throw TooDeepError(mark_of(e.start_mark));
        const auto& s = e.data.sequence_start;
        NodeData* n = make(Kind::sequence, e, s.anchor, s.tag, true);
        add(n);
        open.push_back(n);
        break;
      }
      case YAML_MAPPING_START_EVENT: {
        if (open.size() >= max_depth) throw TooDeepError(mark_of(e.start_mark));
        const auto& m = e.data.mapping_start;
        NodeData* n = make(Kind::map, e, m.anchor, m.tag, true);
        add(n);
        open.push_back(n);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: open.pop_back(); break;
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(text(e.data.alias.anchor));
        if (it == anchors.end()) throw ParseError("found undefined alias '" + text(e.data.alias.anchor) + "'", mark_of(e.start_mark));
        add(it->second);
        break;
      }
      default: break;
    }
  }
}

}  // namespace

Stream load_all(std::string_view input, std::size_t max_depth) {
  Stream stream;
  read_documents(input, max_depth, stream.nodes_, [&](const NodeData* root) { stream.documents.emplace_back(root); });
  return stream;
}

void load_each(std::string_view input, std::size_t max_depth, const std::function<void(const Node&)>& fn) {
  std::deque<NodeData> nodes;
  read_documents(input, max_depth, nodes, [&](const NodeData* root) {
    fn(Node(root));
    nodes.clear();
  });
}

}  // namespace hvctl::yaml
