// SHA-256, from OpenSSL's libcrypto, loaded when first used (dlopen), so that
// hvctl starts without OpenSSL (tests/e2e/startup_libraries.sh): only a move
// hashes disks, and its backends bring libcrypto anyway.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace hvctl {

class Sha256 {
public:
  Sha256();  // throws Error when libcrypto cannot be loaded
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(const void* data, std::size_t size);
  std::string hex();  // the digest so far's end: lower-case hex; the object is then spent
private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(const std::string& data);

}  // namespace hvctl
