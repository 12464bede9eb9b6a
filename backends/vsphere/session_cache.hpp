// A vSphere session kept between runs, as govc keeps ~/.govmomi/sessions: one
// file per target under $XDG_CACHE_HOME/hvctl/ (default ~/.cache/hvctl/),
// named by a SHA-256 of the target's name, URI and user. It holds the session
// cookie and the ServiceContent, never the password. A file that is not a
// regular file of this user with mode 0600 is ignored and replaced.
// HVCTL_NO_SESSION_CACHE=1 turns the cache off.
#pragma once

#include <optional>
#include <string>

#include "hvctl/target.hpp"
#include "service_content.hpp"

namespace hvctl::vsphere {

struct CachedSession {
  std::string cookie;  // one Netscape cookie-file line (SoapClient::cookie)
  ServiceContent content;
};

// The file's text, and back; parse returns nullopt for anything malformed.
std::string format_cached_session(const CachedSession& s);
std::optional<CachedSession> parse_cached_session(const std::string& text);

class SessionCache {
public:
  SessionCache() = default;  // off
  explicit SessionCache(std::string path) : path_(std::move(path)) {}

  // The cache of `t`, or one that is off when HVCTL_NO_SESSION_CACHE=1 or
  // neither XDG_CACHE_HOME nor HOME is set.
  static SessionCache for_target(const Target& t);

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

  // The session kept, or nullopt: no file, a file someone else owns or
  // others may read, or text that is no session.
  std::optional<CachedSession> load() const;
  // Writes the file (mode 0600, replacing any other atomically; creates the
  // directory 0700). Returns false when it could not: the caller then logs
  // out at exit as if there were no cache.
  bool store(const CachedSession& s) const;

private:
  std::string path_;
};

// "<dir>/<sha256 hex of name, URI and user>.session", dir from
// $XDG_CACHE_HOME/hvctl or $HOME/.cache/hvctl ("" when neither is set).
std::string session_cache_path(const Target& t, const std::string& xdg_cache_home, const std::string& home);

}  // namespace hvctl::vsphere
