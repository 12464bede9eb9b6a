#include "hvctl/error.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace hvctl {

SourceFile::SourceFile(const std::string& name) {
  if (name.empty()) return;
  static std::mutex m;
  static std::set<std::string> names;  // a few per run: the files read
  std::lock_guard lock(m);
  name_ = &*names.insert(name).first;
}

const std::string& SourceFile::str() const {
  static const std::string none;
  return name_ ? *name_ : none;
}

std::string SourceMark::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file.str(), line, column);
}

std::string Problem::str() const {
  const std::string where = mark.str();
  return where.empty() ? message : where + ": " + message;
}

namespace {
std::string join_problems(const std::vector<Problem>& problems) {
  std::string text;
  for (const auto& p : problems) {
    if (!text.empty()) text += '\n';
    text += p.str();
  }
  return text;
}
}  // namespace

namespace {
std::vector<Problem> in_file_order(std::vector<Problem> problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.mark.file, a.mark.line, a.mark.column) < std::tie(b.mark.file, b.mark.line, b.mark.column);
  });
  return problems;
}
}  // namespace

ValidationError::ValidationError(std::vector<Problem> problems)
    : InputError(join_problems(in_file_order(problems))), problems_(in_file_order(std::move(problems))) {}

}  // namespace hvctl
