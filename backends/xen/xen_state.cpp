#include "xen_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "hvctl/spec_io.hpp"

namespace hvctl::xen {

namespace fs = std::filesystem;

std::string record_to_json(const VmRecord& record) {
  VmSpec spec = record.spec;
  spec.target.reset();
  spec.power.reset();
  Json doc = {{"uuid", record.uuid}, {"vm", spec_json(spec)}};
  if (!record.images.empty()) doc["images"] = record.images;
  if (record.seed) doc["seed"] = *record.seed;
  return doc.dump(2) + "\n";
}

VmRecord record_from_json(const std::string& text, const std::string& origin) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("uuid") || !doc.contains("vm") ||
      !doc["uuid"].is_string())
    throw BackendError(fmt::format("{}: not an hvctl Xen record", origin));
  std::vector<Problem> problems;
  auto specs = parse_specs(doc["vm"].dump(), origin, problems);
  if (!problems.empty() || specs.size() != 1)
    throw BackendError(fmt::format("{}: bad spec in the record: {}", origin,
                                   problems.empty() ? "no VM" : problems.front().str()));
  VmRecord record{doc["uuid"].get<std::string>(), std::move(specs.front()), {}, std::nullopt};
  if (doc.contains("images") && doc["images"].is_object())
    for (const auto& [disk, path] : doc["images"].items())
      if (path.is_string()) record.images[disk] = path.get<std::string>();
  if (doc.contains("seed") && doc["seed"].is_string()) record.seed = doc["seed"].get<std::string>();
  return record;
}

std::string StateStore::path(const std::string& name) const { return dir_ + "/" + name + ".json"; }

std::optional<VmRecord> StateStore::load(const std::string& name) const {
  std::ifstream in(path(name));
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return record_from_json(text.str(), path(name));
}

namespace {
void create_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BackendError(fmt::format("cannot create {}: {}", dir, ec.message()));
}
}  // namespace

void StateStore::save(const VmRecord& record) const {
  create_dir(dir_);
  std::error_code ec;
  const std::string file = path(record.spec.name);
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << record_to_json(record);
    if (!out.flush()) throw BackendError(fmt::format("cannot write {}", tmp));
  }
  fs::rename(tmp, file, ec);
  if (ec) throw BackendError(fmt::format("cannot replace {}: {}", file, ec.message()));
}

void StateStore::remove(const std::string& name) const {
  std::error_code ec;
  fs::remove(path(name), ec);
  if (ec) throw BackendError(fmt::format("cannot remove {}: {}", path(name), ec.message()));
}

StateStore::Lock::~Lock() { ::close(fd_); }

StateStore::Lock StateStore::lock() const {
  create_dir(dir_);
  const std::string file = dir_ + "/.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw BackendError(fmt::format("cannot open {}: {}", file, std::strerror(errno)));
  int rc;
  while ((rc = ::flock(fd, LOCK_EX)) != 0 && errno == EINTR) {}
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    throw BackendError(fmt::format("cannot lock {}: {}", file, std::strerror(err)));
  }
  return Lock(fd);
}

std::vector<std::string> StateStore::names() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") out.push_back(it->path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hvctl::xen
