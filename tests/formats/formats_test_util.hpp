// Helpers shared by the native-format tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hvctl::formats::test {

// The whole file, bytes as they are.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace hvctl::formats::test
