// A read-only YAML node tree for the spec parser, built from libyaml's events.
//
// yaml-cpp's scanner cost ~0.9 M instructions per small spec document (two
// thirds of `hvctl validate`); libyaml parses the same document in a few
// percent of that. The API is the subset of YAML::Node the spec reader uses,
// with yaml-cpp's meanings: plain `~`, `null`, `Null`, `NULL` and empty
// values are null nodes, Tag() is "?" for plain scalars and "!" for quoted
// ones (or the explicit tag), marks are 0-based, a missing map key gives a
// node that converts to false, aliases resolve to their anchor's node and the
// first of duplicate keys wins a lookup.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hvctl::yaml {

struct Mark {
  int line = -1;    // 0-based
  int column = -1;  // 0-based
  bool is_null() const { return line < 0; }
};

enum class Kind : unsigned char { null, scalar, sequence, map };

struct NodeData {
  Kind kind = Kind::null;
  std::string scalar;
  std::string tag;
  Mark mark;
  std::vector<const NodeData*> items;  // sequence: items; map: key, value, key, value...
};

class NodeIterator;

class Node {
public:
  Node() = default;
  explicit Node(const NodeData* data) : data_(data) {}

  explicit operator bool() const { return data_ != nullptr; }
  bool is(const Node& other) const { return data_ == other.data_; }  // the same node (aliases included)
  bool IsNull() const { return data_ && data_->kind == Kind::null; }
  bool IsScalar() const { return data_ && data_->kind == Kind::scalar; }
  bool IsSequence() const { return data_ && data_->kind == Kind::sequence; }
  bool IsMap() const { return data_ && data_->kind == Kind::map; }
  const std::string& Scalar() const;
  const std::string& Tag() const;
  yaml::Mark Mark() const { return data_ ? data_->mark : yaml::Mark{}; }

  // Items of a sequence, entries of a map, 0 otherwise.
  std::size_t size() const;
  Node operator[](std::size_t index) const;       // sequence item, or a missing node
  Node operator[](std::string_view key) const;    // map value, or a missing node

  // Map entries as {key, value}; sequence items as {item, missing}.
  NodeIterator begin() const;
  NodeIterator end() const;

private:
  const NodeData* data_ = nullptr;
};

struct Entry {
  Node first, second;
};

class NodeIterator {
public:
  NodeIterator(const NodeData* const* at, std::size_t step) : at_(at), step_(step) {}
  Entry operator*() const { return step_ == 2 ? Entry{Node(at_[0]), Node(at_[1])} : Entry{Node(at_[0]), Node()}; }
  NodeIterator& operator++() {
    at_ += step_;
    return *this;
  }
  bool operator!=(const NodeIterator& o) const { return at_ != o.at_; }

private:
  const NodeData* const* at_;
  std::size_t step_;
};

struct ParseError : std::runtime_error {
  ParseError(const std::string& message, Mark at) : std::runtime_error(message), mark(at) {}
  Mark mark;
};

// A collection nested deeper than load_all's max_depth starts at `mark`.
struct TooDeepError : ParseError {
  explicit TooDeepError(Mark at) : ParseError("nested too deep", at) {}
};

// Every document of a YAML stream; the nodes live as long as the Stream.
class Stream {
public:
  std::vector<Node> documents;

  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  Stream(Stream&&) = default;
  Stream& operator=(Stream&&) = default;

private:
  friend Stream load_all(std::string_view text, std::size_t max_depth);

  std::deque<NodeData> nodes_;
};

// Parses `text`; throws ParseError with libyaml's words and position, and
// TooDeepError at the first collection inside `max_depth` others. It stops
// there: libyaml keeps a simple-key slot per open flow collection and scans
// them all for every token, so 100,000 nested '[' cost it 45 s to read.
Stream load_all(std::string_view text, std::size_t max_depth);

// The same, one document at a time: `fn` sees each document's root, whose
// nodes are freed once it returns (a file of 10,000 specs never holds more
// than one tree). Throws as load_all, after the documents before the error.
void load_each(std::string_view text, std::size_t max_depth, const std::function<void(const Node&)>& fn);

}  // namespace hvctl::yaml
