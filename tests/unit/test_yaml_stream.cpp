// The YAML loader behind the spec parser (src/core/yaml_tree.hpp), read one
// document at a time as parse_specs does: each document whole, in order, its
// marks 0-based; an error ends the stream after the documents before it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "yaml_tree.hpp"

using namespace hvctl;

namespace {

std::vector<std::string> names(const std::string& text) {
  std::vector<std::string> out;
  yaml::load_each(text, 64, [&](const yaml::Node& doc) {
    out.push_back(doc["metadata"]["name"].IsScalar() ? doc["metadata"]["name"].Scalar() : "(" + std::to_string(doc.size()) + ")");
  });
  return out;
}

}  // namespace

TEST_CASE("yaml: load_each hands each document over whole, in order, with its marks") {
  CHECK(names("metadata: {name: a}\n---\nmetadata: {name: b}\n---\n---\nmetadata:\n  name: c\n") ==
        std::vector<std::string>{"a", "b", "(0)", "c"});
  std::vector<int> lines;
  yaml::load_each("a: 1\n---\nb: &x [1, 2]\nc: *x\n", 64, [&](const yaml::Node& doc) {
    lines.push_back(doc.Mark().line);
    if (doc["c"]) CHECK(doc["c"].size() == 2);  // an alias within its document
  });
  CHECK(lines == std::vector<int>{0, 2});
}

TEST_CASE("yaml: load_each stops at a syntax error, after the documents before it") {
  std::vector<std::string> seen;
  CHECK_THROWS_AS(yaml::load_each("metadata: {name: a}\n---\nmetadata: {name: [b\n", 64,
                                  [&](const yaml::Node& doc) { seen.push_back(doc["metadata"]["name"].Scalar()); }),
                  yaml::ParseError);
  CHECK(seen == std::vector<std::string>{"a"});
  CHECK_THROWS_AS(yaml::load_each("[[[[1]]]]\n", 3, [](const yaml::Node&) {}), yaml::TooDeepError);
}
