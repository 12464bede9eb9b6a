#include "source_dir.hpp"

namespace hvctl {
const std::string& test_source_dir() {
  static const std::string dir = HVCTL_SOURCE_DIR;
  return dir;
}
}  // namespace hvctl
