// Certificate pinning by SHA-256 thumbprint (what vSphere shows in its UI and
// `govc about.cert` prints). CURLOPT_PINNEDPUBLICKEY pins the public key, not
// the certificate, so this installs an OpenSSL verification callback through
// CURLOPT_SSL_CTX_FUNCTION that accepts exactly the certificate whose digest
// matches, before any request byte is sent.
#pragma once

#include <string>

namespace hvctl::vsphere {

// "AB:cd:..." or "abcd..." -> "ABCD..."; throws std::invalid_argument unless
// it is 32 bytes of hex.
std::string normalize_thumbprint(const std::string& text);

// Pins `handle` (a CURL*) to the certificate with thumbprint `*normalized`,
// which must outlive the handle. Turns curl's own peer and host checks off.
void pin_thumbprint(void* handle, const std::string* normalized);

}  // namespace hvctl::vsphere
