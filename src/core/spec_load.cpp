// Loading specs from files, directories and stdin, and the checks that span
// documents (unique names per target).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "hvctl/engine.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/text.hpp"

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

struct ParsedFile {
  std::vector<VmSpec> specs;
  std::vector<Problem> problems;
};

ParsedFile parse_file(const fs::path& path) {
  ParsedFile out;
  std::string text;
  try {
    text = read_input_file(path.string());
  } catch (const InputError& e) {
    out.problems.push_back({{path.string()}, e.what()});
    return out;
  }
  out.specs = parse_specs(text, path.string(), out.problems);
  return out;
}

// Every file parsed, in order; many files (a directory of specs) on every core.
std::vector<ParsedFile> parse_files(const std::vector<fs::path>& files) {
  constexpr std::size_t kFilesPerThread = 64;  // below this a thread costs more than it saves
  std::vector<ParsedFile> out(files.size());
  const auto cores = static_cast<std::size_t>(std::max(1u, std::thread::hardware_concurrency()));
  const auto threads = std::min(cores, files.size() / kFilesPerThread + 1);
  run_bounded(files.size(), static_cast<int>(threads), [&](std::size_t i) { out[i] = parse_file(files[i]); });
  return out;
}

// What one -f argument names: its files (a range of the list every argument
// adds to, parsed together afterwards), or a problem.
struct Source {
  std::string arg;
  std::size_t first = 0, count = 0;
  bool single = false;  // a file named itself, or stdin: it must hold a document
  std::optional<Problem> problem;
};

std::vector<Source> sources_of(const std::vector<std::string>& paths, std::vector<fs::path>& files) {
  std::vector<Source> sources;
  for (const auto& arg : paths) {
    Source src;
    src.arg = arg;
    src.first = files.size();
    std::error_code ec;
    const fs::path path(arg);
    if (arg == "-") {
      src.single = true;
    } else if (fs::is_directory(path, ec)) {
      for (auto& file : spec_files_in(path)) files.push_back(std::move(file));
      if (files.size() == src.first) src.problem = Problem{{arg}, "directory has no *.yaml or *.yml files"};
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
      src.single = true;
    } else {
      src.problem = Problem{{arg}, "no such file or directory"};
    }
    src.count = files.size() - src.first;
    sources.push_back(std::move(src));
  }
  return sources;
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
  std::vector<fs::path> files;
  const auto sources = sources_of(paths, files);
  auto parsed = parse_files(files);
  const auto take = [&](ParsedFile& file) {
    std::move(file.specs.begin(), file.specs.end(), std::back_inserter(specs));
    std::move(file.problems.begin(), file.problems.end(), std::back_inserter(problems));
  };
  for (const auto& src : sources) {
    const std::size_t before = specs.size(), problems_before = problems.size();
    if (src.problem) problems.push_back(*src.problem);
    if (src.arg == "-") {
      ParsedFile in;
      in.specs = parse_specs(stdin_text, "<stdin>", in.problems);
      take(in);
    }
    for (std::size_t i = src.first; i < src.first + src.count; ++i) take(parsed[i]);
    if (src.single) require_documents(src.arg == "-" ? "<stdin>" : src.arg, before, specs, problems_before, problems);
  }
  check_unique_names(specs, problems);
  if (!problems.empty()) throw ValidationError(std::move(problems));
  return specs;
}

}  // namespace hvctl
