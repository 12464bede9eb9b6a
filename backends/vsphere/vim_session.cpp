#include "vim_session.hpp"

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"
#include "properties.hpp"

namespace hvctl::vsphere {

ServiceContent parse_service_content(const xmlNode* rv) {
  ServiceContent sc;
  sc.root_folder = read_moref(xml::child(rv, "rootFolder"));
  sc.property_collector = read_moref(xml::child(rv, "propertyCollector"));
  sc.view_manager = read_moref(xml::child(rv, "viewManager"));
  sc.session_manager = read_moref(xml::child(rv, "sessionManager"));
  sc.virtual_disk_manager = read_moref(xml::child(rv, "virtualDiskManager"));
  sc.file_manager = read_moref(xml::child(rv, "fileManager"));
  const xmlNode* about = xml::child(rv, "about");
  sc.full_name = xml::child_text(about, "fullName");
  sc.api_type = xml::child_text(about, "apiType");
  return sc;
}

VimSession::VimSession(Target target, ClientOptions options, SessionCache cache)
    : target_(std::move(target)), client_(std::move(options)), cache_(std::move(cache)) {}

VimSession::~VimSession() { end_session(); }

void VimSession::end_session() noexcept {
  if (!logged_in_ || !content_ || client_.down()) return;
  if (!kept_) {
    try {
      auto req = xml::Builder::soap("Logout");
      req.top().add_moref("_this", content_->session_manager.type, content_->session_manager.value);
      client_.call(req, "Logout");
    } catch (...) {  // the session expires on its own
    }
    return;
  }
  for (const auto& [view, generation] : views_) {
    if (generation != generation_.load()) continue;  // gone with its session
    try {
      auto req = xml::Builder::soap("DestroyView");
      req.top().add_moref("_this", view.type, view.value);
      client_.call(req, "DestroyView");
    } catch (...) {  // the server drops it when the session ends
    }
  }
}

// A cached cookie is only worth using when the server still knows it: vCenter
// answers NotAuthenticated, vcsim a missing currentSession (per property).
bool VimSession::session_alive(const ServiceContent& content) {
  PropertyQuery q;
  q.prop_sets = {{"SessionManager", {"currentSession"}}};
  q.objects = {content.session_manager};
  auto req = xml::Builder::soap("RetrievePropertiesEx");
  write_retrieve_request(req.top(), content.property_collector, q, 1);
  try {
    const Response res = client_.call(req, "RetrievePropertiesEx");
    for (const auto& o : parse_retrieve_result(res.returnval()).objects)
      if (!xml::child_text(o.prop("currentSession"), "key").empty()) return true;
  } catch (const SoapFault&) {
  }
  return false;
}

bool VimSession::resume_locked() {
  const auto cached = cache_.load();
  if (!cached) return false;
  client_.set_cookie(cached->cookie);
  if (!with_context(target_, "cannot reach " + redact_uri(target_.uri), [&] { return session_alive(cached->content); }))
    return false;
  content_ = cached->content;
  logged_in_ = kept_ = true;
  ++generation_;
  return true;
}

void VimSession::login_locked() {
  if (!cache_tried_) {
    cache_tried_ = true;
    if (resume_locked()) return;
  }
  if (!content_) {
    auto req = xml::Builder::soap("RetrieveServiceContent");
    req.top().add_moref("_this", "ServiceInstance", "ServiceInstance");
    content_ = with_context(target_, "cannot reach " + redact_uri(target_.uri), [&] {
      return parse_service_content(client_.call(req, "RetrieveServiceContent").returnval());
    });
  }
  const std::string password = target_.password ? target_.password() : "";
  auto req = xml::Builder::soap("Login");
  auto top = req.top();
  top.add_moref("_this", content_->session_manager.type, content_->session_manager.value);
  top.add("userName", target_.username);
  top.add("password", password);
  ++logins_;
  with_context(target_, fmt::format("login as '{}' failed", target_.username),
               [&] { client_.call(req, "Login"); });
  logged_in_ = true;
  ++generation_;
  if (cache_.enabled()) {
    const std::string cookie = client_.cookie("vmware_soap_session");
    kept_ = !cookie.empty() && cache_.store({cookie, *content_});
  }
}

bool VimSession::kept() const {
  std::lock_guard lock(mutex_);
  return kept_;
}

void VimSession::track_view(const Moref& view) {
  std::lock_guard lock(mutex_);
  views_.emplace_back(view, generation_.load());
}

const ServiceContent& VimSession::content() {
  std::lock_guard lock(mutex_);
  if (!logged_in_) login_locked();
  return *content_;
}

Response VimSession::call(const xml::Builder& request, const std::string& method) {
  content();
  const int generation = generation_.load();
  try {
    return client_.call(request, method);
  } catch (const SoapFault& f) {
    if (f.type() != "NotAuthenticated") throw;
  }
  renew(generation);
  return client_.call(request, method);
}

void VimSession::renew(int seen_generation) {
  std::lock_guard lock(mutex_);  // calls running in parallel all see the expired session; one logs in
  if (generation_.load() == seen_generation) login_locked();
}

void rethrow_with_context(const Target& t, const std::string& what) {
  try {
    throw;
  } catch (const TimeoutError& e) {
    throw TimeoutError(fmt::format("target '{}': {}: {}", t.name, what, e.what()));
  } catch (const Error&) {
    throw;
  } catch (const TransportError& e) {
    std::string hint;
    if (e.tls() && t.option("thumbprint").empty())
      hint = " (trust the server with ca_file or thumbprint in the target, or set insecure: true)";
    throw BackendError(fmt::format("target '{}': {}: {}{}", t.name, what, e.what(), hint));
  } catch (const std::exception& e) {
    throw BackendError(fmt::format("target '{}': {}: {}", t.name, what, e.what()));
  }
}

}  // namespace hvctl::vsphere
