// Where the tests' files are (goldens, corpora): the source tree's root.
// Defined in source_dir.cpp, the one file compiled with the clone's path, so
// the others compile the same in every clone and ccache hits them there.
#pragma once

#include <string>

namespace hvctl {
const std::string& test_source_dir();
}  // namespace hvctl
