// Reading specs from YAML (files, directories, stdin) and writing them back.
#pragma once

#include <string>
#include <vector>

#include "hvctl/output.hpp"
#include "hvctl/spec.hpp"

namespace hvctl {

// Parses every document in `text`. Problems (with file:line:column) are
// appended to `problems`; VMs that parsed are returned even when others failed.
std::vector<VmSpec> parse_specs(const std::string& text, const std::string& filename,
                                std::vector<Problem>& problems);

// Reads FILE, every *.yaml/*.yml in DIR (sorted, not recursive), or "-" for
// stdin, checks names are unique, and throws ValidationError listing every problem.
std::vector<VmSpec> load_specs(const std::vector<std::string>& paths, const std::string& stdin_text = "");

// The spec as a hvctl/v1 YAML document that parse_specs reads back unchanged.
std::string spec_to_yaml(const VmSpec& spec);

// The same document as data (apiVersion, kind, metadata, spec), and its spec part alone.
Json spec_json(const VmSpec& spec);
Json spec_body_json(const VmSpec& spec);

}  // namespace hvctl
