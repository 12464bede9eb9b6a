// Shell completion, driven by the CLI11 tree built from the command table.
//
// The bash, zsh and fish scripts are thin: each calls the hidden entry point
// `hvctl __complete WORD...` (the words after "hvctl", the last one being the
// word under the cursor, possibly empty) and shows what it prints: one
// candidate per line, "value<TAB>description", then a directive line
// ":0" (candidates only) or ":1" (complete file names instead).
// Option values are typed by CLI11 type names: FILE, TARGET, VM, and
// `{a,b,c}` choices from IsMember checks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace hvctl {

struct CompletionSources {
  // Names of configured targets.
  std::function<std::vector<std::string>()> targets;
  // VM names on the target the words select (--target, else the default);
  // must return quickly (the caller bounds it with a timeout).
  std::function<std::vector<std::string>(const std::vector<std::string>& words)> vm_names;
  // Host names on that target (what `hvctl hosts` lists), bounded the same way.
  std::function<std::vector<std::string>(const std::vector<std::string>& words)> host_names;
};

struct Completion {
  std::vector<std::string> candidates;  // "value" or "value\tdescription"
  bool files = false;                   // complete file names instead
};

Completion complete_words(const CLI::App& root, const std::vector<std::string>& words,
                          const CompletionSources& sources);

std::string format_completion(const Completion& c);

// The script for a shell: "bash", "zsh" or "fish"; throws InputError otherwise.
std::string completion_script(const std::string& shell);

}  // namespace hvctl
