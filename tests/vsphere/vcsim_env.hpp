// The vcsim-backed test cases run only when run-vcsim-tests.sh has started
// simulators and exported where they are:
//   HVCTL_VCSIM_URL         a vCenter simulator (credentials user/pass)
//   HVCTL_VCSIM_TLS_URL     one serving HVCTL_VCSIM_CA's certificate
//   HVCTL_VCSIM_CA          that certificate (PEM, self-signed for 127.0.0.1)
//   HVCTL_VCSIM_THUMBPRINT  its SHA-256 fingerprint
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "hvctl/target.hpp"
#include "soap_client.hpp"

namespace hvctl::vsphere::test {

inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Sets (or, with nullptr, unsets) an environment variable for a scope.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* name_;
  std::optional<std::string> old_;
};

inline bool no_vcsim() { return env("HVCTL_VCSIM_URL").empty(); }

inline Target vcsim_target(const std::string& uri, std::string password = "pass",
                           std::map<std::string, std::string> options = {{"insecure", "true"}}) {
  Target t;
  t.name = "vc";
  t.type = "vsphere";
  t.uri = uri;
  t.username = "user";
  t.password = [password] { return password; };
  t.options = std::move(options);
  return t;
}

// Client options for a simulator: no TLS verification (vcsim's certificate is its own).
inline ClientOptions vcsim_client(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.tls.insecure = true;
  return o;
}

inline Config vcsim_config() {
  Config c;
  c.targets["vc"] = vcsim_target(env("HVCTL_VCSIM_URL"));
  c.default_target = "vc";
  return c;
}

}  // namespace hvctl::vsphere::test
