#include "tls_pin.hpp"

#include <cctype>
#include <stdexcept>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace hvctl::vsphere {
namespace {

std::string hex(const unsigned char* data, unsigned int size) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

// Replaces the chain verification: only the leaf's digest matters.
int verify_leaf(X509_STORE_CTX* store, void* arg) {
  const auto* expected = static_cast<const std::string*>(arg);
  X509* cert = X509_STORE_CTX_get0_cert(store);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (cert && X509_digest(cert, EVP_sha256(), md, &size) == 1 && hex(md, size) == *expected) return 1;
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

CURLcode install(CURL*, void* ssl_ctx, void* arg) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_cert_verify_callback(ctx, verify_leaf, arg);
  // curl set VERIFY_NONE (verifypeer off); the callback only aborts with PEER.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return CURLE_OK;
}

}  // namespace

std::string normalize_thumbprint(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw std::invalid_argument("thumbprint '" + text + "' is not hex");
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (out.size() != 64)
    throw std::invalid_argument("thumbprint '" + text + "' is not a SHA-256 digest (64 hex digits)");
  return out;
}

void pin_thumbprint(void* handle, const std::string* normalized) {
  CURL* h = static_cast<CURL*>(handle);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);  // every handshake runs the check
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, install);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, const_cast<std::string*>(normalized));
}

}  // namespace hvctl::vsphere
