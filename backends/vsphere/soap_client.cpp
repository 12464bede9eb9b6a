#include "soap_client.hpp"

#include <array>
#include <chrono>
#include <sstream>

#include <curl/curl.h>
#include <fmt/format.h>

#include "tls_pin.hpp"

namespace hvctl::vsphere {

Moref read_moref(const xmlNode* n) { return {xml::attr(n, "type"), xml::text(n)}; }

SoapFault::SoapFault(std::string type, std::string text, std::string detail)
    : std::runtime_error(describe_fault(type, text, detail)), type_(std::move(type)) {}

std::string describe_fault(const std::string& type, const std::string& text, const std::string& detail) {
  const bool go_name = text.rfind("*types.", 0) == 0;  // vcsim's localizedMessage
  std::string words = (text.empty() || go_name) ? detail : text;
  if (type.empty()) return words.empty() ? "unknown fault" : words;
  return words.empty() ? type : fmt::format("{} ({})", words, type);
}

std::string fault_type(const xmlNode* fault) {
  std::string type = xml::xsi_type(fault);
  if (type.empty()) {  // <InvalidLoginFault> without a type attribute
    type = xml::local_name(fault);
    if (type.size() > 5 && type.ends_with("Fault")) type.resize(type.size() - 5);
  }
  return type;
}

std::string fault_fields(const xmlNode* fault) {
  std::string out;
  for (const xmlNode* f : xml::children(fault)) {
    if (xml::first_element(f)) continue;  // nested objects: too much for one line
    const std::string name = xml::local_name(f);
    if (name == "faultMessage" || name == "faultCause") continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : ", ", name, xml::text(f));
  }
  return out;
}

Response parse_response(const std::string& text, long http_status) {
  Response r;
  r.doc = xml::parse(text);
  const xmlNode* env = xmlDocGetRootElement(r.doc.get());
  const xmlNode* body = xml::child(env, "Body");
  if (xml::local_name(env) != "Envelope" || !body)
    throw std::runtime_error(fmt::format("HTTP {}: the answer is no SOAP envelope", http_status));
  r.body = xml::first_element(body);
  if (xml::local_name(r.body) == "Fault") {
    const xmlNode* detail = xml::first_element(xml::child(r.body, "detail"));
    throw SoapFault(detail ? fault_type(detail) : xml::child_text(r.body, "faultcode"),
                    xml::child_text(r.body, "faultstring"), fault_fields(detail));
  }
  if (http_status != 200) throw std::runtime_error(fmt::format("HTTP {} without a SOAP fault", http_status));
  return r;
}

// Process-wide curl state lives in curl; this holds what the handles share.
struct SoapClient::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  curl_slist* headers = nullptr;
  std::string thumbprint;  // normalized; pinned handles point at it

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Impl*>(self)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) { static_cast<Impl*>(self)->locks[data].unlock(); }
};

namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct Limited {
  std::string* out;
  std::size_t max;
};

size_t collect_limited(char* data, size_t size, size_t count, void* sink) {
  auto* l = static_cast<Limited*>(sink);
  const std::size_t n = size * count, room = l->max - std::min(l->max, l->out->size());
  l->out->append(data, std::min(n, room));
  return n <= room ? n : 0;  // 0 ends the transfer: enough read
}

bool is_tls_error(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
         code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR ||
         code == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

}  // namespace

SoapClient::SoapClient(ClientOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  if (!options_.tls.thumbprint.empty()) impl_->thumbprint = normalize_thumbprint(options_.tls.thumbprint);
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  impl_->headers = curl_slist_append(nullptr, "Content-Type: text/xml; charset=utf-8");
  impl_->headers = curl_slist_append(impl_->headers, "SOAPAction: \"urn:vim25/6.5\"");
  impl_->headers = curl_slist_append(impl_->headers, "Expect:");
}

SoapClient::~SoapClient() {
  for (void* h : free_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_share_cleanup(impl_->share);
  curl_slist_free_all(impl_->headers);
  options_.diagnostics->log(LogLevel::protocol, fmt::format("soap: {} calls to {}", calls_.load(), options_.url));
}

void* SoapClient::acquire() {
  std::unique_lock lock(pool_mutex_);
  pool_cv_.wait(lock, [&] { return !free_.empty() || created_ < options_.max_connections; });
  if (!free_.empty()) {
    void* h = free_.back();
    free_.pop_back();
    return h;
  }
  ++created_;
  lock.unlock();
  CURL* h = static_cast<CURL*>(transfer_handle());
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, impl_->headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  return h;
}

void* SoapClient::transfer_handle() {
  CURL* h = curl_easy_init();
  if (!h) throw TransportError("curl_easy_init failed", false);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");  // the cookie engine, shared by every handle
  curl_easy_setopt(h, CURLOPT_USERAGENT, "hvctl/" HVCTL_VERSION);  // how vCenter's session list names us
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
  if (options_.tls.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!impl_->thumbprint.empty()) {
    pin_thumbprint(h, &impl_->thumbprint);
  } else if (!options_.tls.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options_.tls.ca_file.c_str());
  }
  return h;
}

std::string SoapClient::describe_curl_error(int code, const char* error_buffer) const {
  const auto c = static_cast<CURLcode>(code);
  std::string why = error_buffer && error_buffer[0] ? error_buffer : curl_easy_strerror(c);
  if (!impl_->thumbprint.empty() && is_tls_error(c)) why += " (the server's certificate does not match the pinned thumbprint)";
  return why;
}

bool SoapClient::is_tls_failure(int code) { return is_tls_error(static_cast<CURLcode>(code)); }

void SoapClient::release(void* handle) {
  {
    std::lock_guard lock(pool_mutex_);
    free_.push_back(handle);
  }
  pool_cv_.notify_one();
}

std::string SoapClient::post(void* handle, const std::string& body, long& status) {
  CURL* h = static_cast<CURL*>(handle);
  std::string answer;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    std::string why = describe_curl_error(code, error);
    if (code == CURLE_OPERATION_TIMEDOUT)
      why = fmt::format("no answer within {} s (the target's timeout option); the server may still carry the "
                        "request out, so re-run to converge",
                        options_.timeout_seconds);
    throw TransportError(why, is_tls_error(code));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return answer;
}

SoapClient::FileAnswer SoapClient::get(const std::string& url, std::size_t max_bytes) {
  CURL* h = static_cast<CURL*>(acquire());
  FileAnswer a;
  Limited sink{&a.body, max_bytes};
  char error[CURL_ERROR_SIZE] = "";
  const std::string range = fmt::format("0-{}", max_bytes ? max_bytes - 1 : 0);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_limited);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
  // Back to what post() expects (POSTFIELDS makes the next request a POST again).
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_RANGE, nullptr);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  release(h);
  options_.diagnostics->log(LogLevel::protocol, fmt::format("http GET {}: HTTP {}, {} bytes", url, a.status, a.body.size()));
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && a.body.size() >= max_bytes))
    throw TransportError(fmt::format("GET {}: {}", url, error[0] ? error : curl_easy_strerror(code)), is_tls_error(code));
  return a;
}

void SoapClient::fail_down(const TransportError& e) {
  std::lock_guard lock(pool_mutex_);
  if (!down_) {
    down_reason_ = fmt::format("{} stopped answering earlier in this run ({})", options_.url, e.what());
    down_tls_ = e.tls();
    down_ = true;
  }
  throw e;
}

std::string SoapClient::cookie(const std::string& name) {
  CURL* h = static_cast<CURL*>(acquire());
  curl_slist* cookies = nullptr;
  curl_easy_getinfo(h, CURLINFO_COOKIELIST, &cookies);
  std::string out;
  for (const curl_slist* c = cookies; c; c = c->next) {
    const std::string line = c->data;  // domain, tailmatch, path, secure, expires, name, value
    std::size_t field = 0, pos = 0;
    while (field < 5 && (pos = line.find('\t', pos)) != std::string::npos) ++field, ++pos;
    if (field == 5 && line.compare(pos, name.size() + 1, name + "\t") == 0) out = line;
  }
  curl_slist_free_all(cookies);
  release(h);
  return out;
}

void SoapClient::set_cookie(const std::string& netscape_line) {
  CURL* h = static_cast<CURL*>(acquire());
  curl_easy_setopt(h, CURLOPT_COOKIELIST, netscape_line.c_str());
  release(h);
}

Response SoapClient::call(const xml::Builder& request, const std::string& method) {
  const std::string body = request.str();
  const auto number = ++calls_;
  const auto start = std::chrono::steady_clock::now();
  void* h = acquire();
  long status = 0;
  std::string answer;
  try {
    if (down_) {
      std::lock_guard lock(pool_mutex_);
      throw TransportError("not sent: " + down_reason_, down_tls_);
    }
    if (options_.tls.insecure)  // said once per target and run, when something is really sent
      options_.diagnostics->warn_once("tls-off " + options_.target,
                                      fmt::format("target '{}': TLS verification is off (insecure: true)", options_.target));
    answer = post(h, body, status);
  } catch (const TransportError& e) {
    release(h);
    fail_down(e);
  } catch (...) {
    release(h);
    throw;
  }
  release(h);
  if (options_.diagnostics->shows(LogLevel::protocol)) {
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    options_.diagnostics->log(LogLevel::protocol, fmt::format("soap #{} {}: HTTP {}, {} bytes, {:.1f} ms\n{}", number,
                                                              method, status, answer.size(), ms, request.str(false, true)));
  }
  try {
    return parse_response(answer, status);
  } catch (const SoapFault&) {
    throw;
  } catch (const std::exception& e) {
    throw TransportError(fmt::format("{} answered {}: {}", options_.url, method, e.what()), false);
  }
}

}  // namespace hvctl::vsphere
