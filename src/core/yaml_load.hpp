// Turning untrusted text into YAML documents for the spec parser without
// letting it crash, hang or exhaust memory. Internal to the spec parser.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hvctl/error.hpp"
#include "yaml_tree.hpp"

namespace hvctl {

// The documents in `text`. Appends a Problem (file:line:column) and leaves
// out what it cannot load safely: text that is no UTF-8 or holds control
// characters, YAML syntax errors, nesting past 64 levels, and a document with
// more than 100000 nodes once aliases are expanded (an alias bomb).
yaml::Stream load_yaml_documents(const std::string& text, const std::string& file, std::vector<Problem>& problems);

// The same checks, one document at a time (each freed once `fn` returns).
// False when the file cannot be read (not text, a syntax error, too deep):
// then its one problem replaces any that `fn` added, and what `fn` made of
// the documents before the error is to be dropped.
bool for_each_yaml_document(const std::string& text, const std::string& file, std::vector<Problem>& problems,
                            const std::function<void(const yaml::Node&)>& fn);

}  // namespace hvctl
