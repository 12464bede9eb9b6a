// What the Xen tests share: a file's text, and a spec from YAML that must parse.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hvctl/spec_io.hpp"

namespace hvctl::xen::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline VmSpec parse_one(const std::string& text, const std::string& file = "t.yaml") {
  std::vector<Problem> problems;
  auto specs = parse_specs(text, file, problems);
  for (const auto& p : problems) INFO(p.str());
  REQUIRE(problems.empty());
  REQUIRE(specs.size() == 1);
  return specs.front();
}

}  // namespace hvctl::xen::test
