// Man pages generated from the command table (hvctl.1) and the spec field
// docs (hvctl-spec.5), so they cannot drift from the binary.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace hvctl {

std::string man_hvctl(const CLI::App& root);
std::string man_spec();

// Writes man/hvctl.1, man/hvctl-spec.5 and completions/{hvctl.bash,_hvctl,hvctl.fish}
// under `dir` (the hidden `hvctl __gen-docs DIR`, run by the build).
void write_generated_docs(const std::string& dir);

}  // namespace hvctl
