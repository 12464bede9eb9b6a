// Loading specs from files, directories and stdin, and the checks that span
// documents (unique names per target).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/spec_io.hpp"

namespace hvctl {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> spec_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void parse_file(const fs::path& path, std::vector<VmSpec>& specs, std::vector<Problem>& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({{path.string()}, "cannot read file"});
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_specs(text.str(), path.string(), problems);
  std::move(parsed.begin(), parsed.end(), std::back_inserter(specs));
}

// A file named on the command line (or stdin) that holds no document at all
// is a mistake (empty, truncated, only comments), not "nothing to do".
void require_documents(const std::string& name, std::size_t before, const std::vector<VmSpec>& specs,
                       std::size_t problems_before, std::vector<Problem>& problems) {
  if (specs.size() == before && problems.size() == problems_before)
    problems.push_back({{name, 1, 1}, "no VirtualMachine documents (the file is empty or holds only comments)"});
}

void check_unique_names(const std::vector<VmSpec>& specs, std::vector<Problem>& problems) {
  std::map<std::pair<std::string, std::string>, const VmSpec*> seen;
  for (const auto& spec : specs) {
    auto key = std::make_pair(spec.target.value_or(""), spec.name);
    auto [it, inserted] = seen.emplace(key, &spec);
    if (!inserted)
      problems.push_back({spec.mark_of("name"), fmt::format("VM '{}' is declared twice (first at {})", spec.name,
                                                            it->second->mark_of("name").str())});
  }
}

}  // namespace

std::vector<VmSpec> load_specs(const std::vector<std::string>& paths, const std::string& stdin_text) {
  std::vector<VmSpec> specs;
  std::vector<Problem> problems;
  if (paths.empty()) throw InputError("no spec given: use -f FILE, -f DIR or -f - for stdin");
  for (const auto& arg : paths) {
    const std::size_t before = specs.size(), problems_before = problems.size();
    if (arg == "-") {
      auto parsed = parse_specs(stdin_text, "<stdin>", problems);
      std::move(parsed.begin(), parsed.end(), std::back_inserter(specs));
      require_documents("<stdin>", before, specs, problems_before, problems);
      continue;
    }
    std::error_code ec;
    const fs::path path(arg);
    if (fs::is_directory(path, ec)) {
      const auto files = spec_files_in(path);
      if (files.empty()) problems.push_back({{arg}, "directory has no *.yaml or *.yml files"});
      for (const auto& file : files) parse_file(file, specs, problems);
    } else if (fs::exists(path, ec)) {
      parse_file(path, specs, problems);
      require_documents(arg, before, specs, problems_before, problems);
    } else {
      problems.push_back({{arg}, "no such file or directory"});
    }
  }
  check_unique_names(specs, problems);
  if (!problems.empty()) throw ValidationError(std::move(problems));
  return specs;
}

}  // namespace hvctl
