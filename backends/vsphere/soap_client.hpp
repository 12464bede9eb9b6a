// The vim25 SOAP transport: libcurl over HTTPS with keep-alive, a small
// pool of handles (one request per handle at a time, so the pool size bounds
// concurrency per vCenter), one shared cookie store carrying the
// vmware_soap_session cookie to every handle, envelope building and fault
// parsing. Knows nothing about VMs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "hvctl/diagnostics.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

struct Moref {
  std::string type, value;
  bool empty() const { return value.empty(); }
  bool operator==(const Moref&) const = default;
  auto operator<=>(const Moref&) const = default;
};

// Reads <x type="T">v</x>.
Moref read_moref(const xmlNode* n);

struct TlsOptions {
  bool insecure = false;   // no verification at all
  std::string ca_file;     // CA bundle to verify the server against
  std::string thumbprint;  // SHA-256 of the server certificate, hex with or without colons
};

struct ClientOptions {
  std::string url;            // https://host/sdk
  TlsOptions tls;
  int max_connections = 8;    // concurrent requests (curl handles)
  std::string target;         // the target's name, for warnings
  Diagnostics* diagnostics = &no_diagnostics();  // -vv: one line per call and the redacted request
  long timeout_seconds = 120; // per request (the target's `timeout` option)
};

// A SOAP fault: `type` is the vim25 fault type ("InvalidLogin"), `text`
// the faultstring, `detail` the fault's simple fields ("obj=vm-69").
class SoapFault : public std::runtime_error {
public:
  SoapFault(std::string type, std::string text, std::string detail);
  const std::string& type() const { return type_; }

private:
  std::string type_;
};

// The server could not be reached or spoke something other than SOAP.
class TransportError : public std::runtime_error {
public:
  TransportError(const std::string& what, bool tls) : std::runtime_error(what), tls_(tls) {}
  bool tls() const { return tls_; }  // a certificate problem

private:
  bool tls_;
};

// "Login failure (InvalidLogin)": the fault's words and its type. vcsim's
// task faults carry a Go type name ("*types.InvalidPowerState") as their
// message, so such text is replaced by the fault's fields.
std::string describe_fault(const std::string& type, const std::string& text, const std::string& detail);
// Fault type and fields of a fault object (<fault xsi:type="..."> or <XFault>).
std::string fault_type(const xmlNode* fault);
std::string fault_fields(const xmlNode* fault);

// A parsed response; `body` is the <MethodResponse> element.
struct Response {
  xml::DocPtr doc;
  const xmlNode* body = nullptr;
  const xmlNode* returnval() const { return xml::child(body, "returnval"); }
};

// Parses a response body; throws SoapFault for a <Fault> (HTTP 500), and
// std::runtime_error when it is no SOAP envelope.
Response parse_response(const std::string& text, long http_status);

class SoapClient {
public:
  explicit SoapClient(ClientOptions options);
  ~SoapClient();
  SoapClient(const SoapClient&) = delete;
  SoapClient& operator=(const SoapClient&) = delete;

  // Sends one request and parses the answer. Thread-safe; blocks while every
  // handle is busy. Throws TransportError or SoapFault. After one transport
  // failure (timeout, connection refused or reset, TLS) every later call
  // throws TransportError at once without sending anything: a server that
  // stopped answering fails the rest of the run fast instead of costing a
  // timeout per request.
  Response call(const xml::Builder& request, const std::string& method);

  // A GET of `url` (on this server: datastore file access, /folder/...)
  // with the session's cookie, reading at most `max_bytes` (a Range request;
  // the rest is not read even when the server ignores the range). Not a
  // SOAP call: calls() does not count it. Throws TransportError.
  struct FileAnswer {
    long status = 0;  // 200, 206; 404 when there is no such file
    std::string body;
  };
  FileAnswer get(const std::string& url, std::size_t max_bytes);

  // A new curl handle (a CURL*), outside the pool, set up as every SOAP
  // handle is: TLS (no verification, the CA file or the pinned thumbprint),
  // the shared cookie store (the session's cookie), user agent, connect
  // timeout. For long transfers on this server (datastore files): the caller
  // sets URL, method and callbacks, and cleans it up before this client goes.
  void* transfer_handle();
  // What a failed curl transfer says: curl's error buffer, else the code's
  // words, and when a thumbprint is pinned, that a TLS failure may be it.
  std::string describe_curl_error(int curl_code, const char* error_buffer) const;
  static bool is_tls_failure(int curl_code);

  // Whether a transport failure has stopped this client.
  bool down() const { return down_.load(); }

  // SOAP calls made so far (successful or not).
  std::uint64_t calls() const { return calls_.load(); }

  // The cookie named `name` in the shared store as one Netscape cookie-file
  // line, or "" when there is none: what a session cache keeps.
  std::string cookie(const std::string& name);
  // Puts a line cookie() returned back into the store, for every handle.
  void set_cookie(const std::string& netscape_line);
  const ClientOptions& options() const { return options_; }

private:
  struct Impl;
  void* acquire();
  void release(void* handle);
  std::string post(void* handle, const std::string& body, long& status);
  [[noreturn]] void fail_down(const TransportError& e);


  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<void*> free_;
  int created_ = 0;
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<bool> down_{false};
  std::string down_reason_;  // guarded by pool_mutex_
  bool down_tls_ = false;
};

}  // namespace hvctl::vsphere
