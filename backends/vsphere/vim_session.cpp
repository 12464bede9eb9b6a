#include "vim_session.hpp"

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl::vsphere {

ServiceContent parse_service_content(const xmlNode* rv) {
  ServiceContent sc;
  sc.root_folder = read_moref(xml::child(rv, "rootFolder"));
  sc.property_collector = read_moref(xml::child(rv, "propertyCollector"));
  sc.view_manager = read_moref(xml::child(rv, "viewManager"));
  sc.session_manager = read_moref(xml::child(rv, "sessionManager"));
  const xmlNode* about = xml::child(rv, "about");
  sc.full_name = xml::child_text(about, "fullName");
  sc.api_type = xml::child_text(about, "apiType");
  return sc;
}

VimSession::VimSession(Target target, ClientOptions options)
    : target_(std::move(target)), client_(std::move(options)) {}

VimSession::~VimSession() {
  if (!logged_in_ || !content_ || client_.down()) return;
  try {
    auto req = xml::Builder::soap("Logout");
    req.top().add_moref("_this", content_->session_manager.type, content_->session_manager.value);
    client_.call(req, "Logout");
  } catch (...) {  // the session expires on its own
  }
}

void VimSession::login_locked() {
  if (!content_) {
    auto req = xml::Builder::soap("RetrieveServiceContent");
    req.top().add_moref("_this", "ServiceInstance", "ServiceInstance");
    content_ = with_context(target_, "cannot reach " + target_.uri, [&] {
      return parse_service_content(client_.call(req, "RetrieveServiceContent").returnval());
    });
  }
  const std::string password = target_.password ? target_.password() : "";
  auto req = xml::Builder::soap("Login");
  auto top = req.top();
  top.add_moref("_this", content_->session_manager.type, content_->session_manager.value);
  top.add("userName", target_.username);
  top.add("password", password);
  with_context(target_, fmt::format("login as '{}' failed", target_.username),
               [&] { client_.call(req, "Login"); });
  logged_in_ = true;
  ++generation_;
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
