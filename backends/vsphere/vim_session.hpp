// A logged-in vim25 session: RetrieveServiceContent, Login (once, lazily,
// thread-safe), Logout on destruction, and one transparent re-login when the
// server forgets the session (NotAuthenticated).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "hvctl/target.hpp"
#include "soap_client.hpp"

namespace hvctl::vsphere {

struct ServiceContent {
  Moref root_folder, property_collector, view_manager, session_manager;
  std::string full_name;  // "VMware vCenter Server 6.5.0 build-5973321"
  std::string api_type;   // VirtualCenter | HostAgent
};

// Reads RetrieveServiceContent's returnval.
ServiceContent parse_service_content(const xmlNode* returnval);

class VimSession {
public:
  VimSession(Target target, ClientOptions options);
  ~VimSession();  // logs out when logged in; never throws

  // Connects and logs in on first use. Throws BackendError naming the target.
  const ServiceContent& content();

  // One SOAP call on the session (logging in first if needed); after a
  // NotAuthenticated fault it logs in again and retries once.
  // Throws SoapFault or TransportError; callers add what they were doing.
  Response call(const xml::Builder& request, const std::string& method);

  // Logs in again, unless another thread already did since `seen_generation`.
  // For callers that find the session gone in an answer rather than a fault
  // (vcsim's per-property NotAuthenticated, a view that died with its session).
  void renew(int seen_generation);

  const Target& target() const { return target_; }
  SoapClient& client() { return client_; }
  // Counts logins; objects made in an older session (views) are gone.
  int generation() const { return generation_.load(); }

private:
  void login_locked();

  Target target_;
  SoapClient client_;
  std::mutex mutex_;
  std::optional<ServiceContent> content_;
  bool logged_in_ = false;
  std::atomic<int> generation_{0};
};

// Calls `fn` and turns any SoapFault, TransportError or other std::exception
// that is not already an hvctl::Error into a BackendError
// "target 'T': <what>: <reason>".
template <typename F>
auto with_context(const Target& t, const std::string& what, F&& fn) -> decltype(fn());
[[noreturn]] void rethrow_with_context(const Target& t, const std::string& what);

template <typename F>
auto with_context(const Target& t, const std::string& what, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    rethrow_with_context(t, what);
  }
}

}  // namespace hvctl::vsphere
