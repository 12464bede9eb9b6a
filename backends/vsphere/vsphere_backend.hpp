// The vSphere backend's factory; the class itself is private to vsphere_backend.cpp.
#pragma once

#include <cstdint>
#include <memory>

#include "hvctl/backend.hpp"
#include "hvctl/target.hpp"

namespace hvctl {

// A backend for `t.uri` (https://vcenter-or-esxi/sdk), logging in as
// `t.username` with `t.password()` on first use. Options: insecure ("true":
// no TLS verification; `diagnostics` warns once per run, at the first request), ca_file
// (PEM bundle), thumbprint (SHA-256 of the server certificate). Does not
// connect: the first call that needs the target does.
std::unique_ptr<Backend> make_vsphere_backend(const Target& t, Diagnostics& diagnostics = no_diagnostics());

}  // namespace hvctl

namespace hvctl {
// SOAP calls a vSphere backend has made so far (0 for any other backend):
// lets tests assert that reading the inventory costs a constant number.
std::uint64_t vsphere_soap_calls(const Backend& b);

// What else a vSphere backend has done so far (zeros for any other backend):
// Login requests sent (0 when it resumed a cached session), and VM
// configurations read (full property sets, one per VM).
struct VsphereStats {
  int logins = 0;
  std::uint64_t vm_configs_read = 0;
};
VsphereStats vsphere_stats(const Backend& b);
}  // namespace hvctl
