#include "libvirt_connect.hpp"

#include <cstring>
#include <string>

#include <fmt/format.h>
#include <libvirt/virterror.h>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"

namespace hvctl::libvirt {
namespace {

// What the auth callback needs; `failure` keeps a password lookup's error.
struct AuthData {
  const Target* target;
  std::string failure;
};

std::string answer_for(const virConnectCredential& cred, const Target& t) {
  if (cred.type == VIR_CRED_AUTHNAME) return t.username.empty() && cred.defresult ? cred.defresult : t.username;
  if (!t.password) throw std::runtime_error("libvirt asked for a password and the target has none configured");
  return t.password();
}

int auth_callback(virConnectCredentialPtr creds, unsigned int ncred, void* data) {
  auto* auth = static_cast<AuthData*>(data);
  for (unsigned int i = 0; i < ncred; ++i) {
    std::string answer;
    try {
      answer = answer_for(creds[i], *auth->target);
    } catch (const std::exception& e) {  // never let an exception cross libvirt's C frames
      auth->failure = e.what();
      return -1;
    }
    creds[i].result = strdup(answer.c_str());  // libvirt frees it
    creds[i].resultlen = static_cast<unsigned int>(answer.size());
  }
  return 0;
}

}  // namespace

virConnectPtr open_connection(const Target& t) {
  AuthData data{&t, {}};
  int types[] = {VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT};
  virConnectAuth auth{types, sizeof types / sizeof types[0], auth_callback, &data};
  virConnectPtr conn = virConnectOpenAuth(t.uri.c_str(), &auth, 0);
  if (conn) return conn;
  const std::string reason = data.failure.empty() ? virGetLastErrorMessage() : data.failure;
  throw BackendError(fmt::format("target '{}': cannot connect to {}: {}", t.name, redact_uri(t.uri), reason));
}

}  // namespace hvctl::libvirt
