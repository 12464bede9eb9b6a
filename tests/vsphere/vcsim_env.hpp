// The vcsim-backed test cases run only when run-vcsim-tests.sh has started
// simulators and exported where they are:
//   HVCTL_VCSIM_URL         a vCenter simulator (credentials user/pass)
//   HVCTL_VCSIM_TLS_URL     one serving HVCTL_VCSIM_CA's certificate
//   HVCTL_VCSIM_CA          that certificate (PEM, self-signed for 127.0.0.1)
//   HVCTL_VCSIM_THUMBPRINT  its SHA-256 fingerprint
#pragma once

#include <cstdlib>
#include <map>
#include <string>

#include "hvctl/target.hpp"

namespace hvctl::vsphere::test {

inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

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

inline Config vcsim_config() {
  Config c;
  c.targets["vc"] = vcsim_target(env("HVCTL_VCSIM_URL"));
  c.default_target = "vc";
  return c;
}

}  // namespace hvctl::vsphere::test
