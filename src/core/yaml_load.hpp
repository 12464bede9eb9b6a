// Turning untrusted text into YAML documents without letting yaml-cpp 0.7
// crash, hang or exhaust memory on it. Internal to the spec parser.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hvctl/error.hpp"

namespace hvctl {

// The documents in `text`. Appends a Problem (file:line:column) and leaves
// out what it cannot load safely: text that is no UTF-8 or holds control
// characters, YAML syntax errors, nesting past 64 levels (or past yaml-cpp's
// own limit), a document with more than 100000 nodes once aliases are
// expanded (an alias bomb), and the token sequences on which yaml-cpp's
// LoadAll never returns.
std::vector<YAML::Node> load_yaml_documents(const std::string& text, const std::string& file,
                                            std::vector<Problem>& problems);

}  // namespace hvctl
