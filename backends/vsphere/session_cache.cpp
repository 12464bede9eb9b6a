#include "session_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace hvctl::vsphere {
namespace {

constexpr const char* kHeader = "hvctl vsphere session 1";
constexpr std::size_t kMaxFileSize = 64 * 1024;

// The ServiceContent morefs a session needs, by the file's key for each.
struct MorefField {
  const char* key;
  Moref ServiceContent::*field;
};
constexpr MorefField kMorefs[] = {{"rootFolder", &ServiceContent::root_folder},
                                  {"propertyCollector", &ServiceContent::property_collector},
                                  {"viewManager", &ServiceContent::view_manager},
                                  {"sessionManager", &ServiceContent::session_manager},
                                  {"virtualDiskManager", &ServiceContent::virtual_disk_manager},
                                  {"fileManager", &ServiceContent::file_manager}};

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), md, &size, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

// A Netscape cookie line: seven tab-separated fields, a name and a value.
bool is_cookie_line(const std::string& line) {
  if (std::count(line.begin(), line.end(), '\t') != 6) return false;
  const auto name = line.rfind('\t', line.rfind('\t') - 1);
  return line.back() != '\t' && line[name + 1] != '\t';
}

}  // namespace

std::string format_cached_session(const CachedSession& s) {
  std::string out = fmt::format("{}\ncookie {}\n", kHeader, s.cookie);
  for (const auto& m : kMorefs) out += fmt::format("{} {} {}\n", m.key, (s.content.*m.field).type, (s.content.*m.field).value);
  out += fmt::format("fullName {}\napiType {}\n", s.content.full_name, s.content.api_type);
  return out;
}

std::optional<CachedSession> parse_cached_session(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return std::nullopt;
  CachedSession s;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) return std::nullopt;
    const std::string key = line.substr(0, space), value = line.substr(space + 1);
    if (key == "cookie") {
      s.cookie = value;
    } else if (key == "fullName") {
      s.content.full_name = value;
    } else if (key == "apiType") {
      s.content.api_type = value;
    } else {
      const auto m = std::find_if(std::begin(kMorefs), std::end(kMorefs), [&](auto& f) { return key == f.key; });
      const auto sep = value.find(' ');
      if (m == std::end(kMorefs) || sep == std::string::npos || sep == 0 || sep + 1 == value.size())
        return std::nullopt;
      s.content.*m->field = {value.substr(0, sep), value.substr(sep + 1)};
    }
  }
  if (!is_cookie_line(s.cookie)) return std::nullopt;
  for (const auto& m : kMorefs)
    if ((s.content.*m.field).empty()) return std::nullopt;
  return s;
}

std::string session_cache_path(const Target& t, const std::string& xdg_cache_home, const std::string& home) {
  std::string dir;
  if (!xdg_cache_home.empty() && xdg_cache_home.front() == '/')  // XDG: a relative value is to be ignored
    dir = xdg_cache_home + "/hvctl";
  else if (!home.empty())
    dir = home + "/.cache/hvctl";
  else
    return "";
  return fmt::format("{}/{}.session", dir, sha256_hex(fmt::format("{}\n{}\n{}", t.name, t.uri, t.username)));
}

SessionCache SessionCache::for_target(const Target& t) {
  const auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  if (const auto off = env("HVCTL_NO_SESSION_CACHE"); !off.empty() && off != "0") return {};
  return SessionCache(session_cache_path(t, env("XDG_CACHE_HOME"), env("HOME")));
}

std::optional<CachedSession> SessionCache::load() const {
  if (!enabled()) return std::nullopt;
  const int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::string text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 07777) == 0600 &&
      static_cast<std::size_t>(st.st_size) <= kMaxFileSize) {
    text.resize(static_cast<std::size_t>(st.st_size));
    const ssize_t n = ::read(fd, text.data(), text.size());
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fd);
  return parse_cached_session(text);
}

bool SessionCache::store(const CachedSession& s) const {
  if (!enabled()) return false;
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path_).parent_path();
  std::error_code ec;
  if (fs::create_directories(dir, ec)) fs::permissions(dir, fs::perms::owner_all, ec);
  if (!fs::is_directory(dir, ec)) return false;
  std::string temp = path_ + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return false;
  const std::string text = format_cached_session(s);
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (written && closed && ::rename(temp.c_str(), path_.c_str()) == 0) return true;
  ::unlink(temp.c_str());
  return false;
}

}  // namespace hvctl::vsphere
