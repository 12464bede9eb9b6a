// A logged-in vim25 session: RetrieveServiceContent, Login (once, lazily,
// thread-safe), and one transparent re-login when the server forgets the
// session (NotAuthenticated).
//
// With a SessionCache, the first use resumes the session a previous run kept
// (one RetrievePropertiesEx of SessionManager.currentSession proves it alive;
// the ServiceContent comes from the cache) and a fresh login is written back.
// Such a session outlives the object: no Logout at the end (it would end the
// session for the next run), only the ContainerViews made here are destroyed.
// Without a cache, or when it cannot be written, the session is logged out.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hvctl/target.hpp"
#include "service_content.hpp"
#include "session_cache.hpp"
#include "soap_client.hpp"

namespace hvctl::vsphere {

class VimSession {
public:
  VimSession(Target target, ClientOptions options, SessionCache cache = {});
  ~VimSession();  // logs out, or destroys its views when the session is kept; never throws

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
  // Counts sessions taken up (logins and resumes); objects made in an
  // older session (views) are gone.
  int generation() const { return generation_.load(); }
  // Login requests sent so far (0 when a cached session was resumed).
  int logins() const { return logins_.load(); }
  // Whether the session is kept for the next run (no Logout at the end).
  bool kept() const;

  // A ContainerView made on this session, to destroy at the end when the
  // session is kept (a Logout would have removed it with the session).
  void track_view(const Moref& view);

private:
  void login_locked();
  bool resume_locked();
  bool session_alive(const ServiceContent& content);
  void end_session() noexcept;

  Target target_;
  SoapClient client_;
  SessionCache cache_;
  mutable std::mutex mutex_;
  std::optional<ServiceContent> content_;
  bool logged_in_ = false;
  bool cache_tried_ = false;
  bool kept_ = false;
  std::vector<std::pair<Moref, int>> views_;  // view, generation it was made in
  std::atomic<int> generation_{0};
  std::atomic<int> logins_{0};
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
