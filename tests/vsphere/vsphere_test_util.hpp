// Shared by the vSphere test files: fixture paths and file reading.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include "unit/source_dir.hpp"

namespace hvctl::vsphere::test {

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(::hvctl::test_source_dir()) / relative;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string sample(const std::string& name) {
  return read_file(source_path("tests/vcsim/soap-samples/" + name));
}

}  // namespace hvctl::vsphere::test
