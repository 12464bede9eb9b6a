#include "hvctl/sha256.hpp"

#include <dlfcn.h>

#include <mutex>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

// The few EVP functions a digest needs, by name from libcrypto.so.3.
struct Evp {
  void* (*ctx_new)() = nullptr;
  void (*ctx_free)(void*) = nullptr;
  const void* (*sha256)() = nullptr;
  int (*init)(void*, const void*, void*) = nullptr;
  int (*update)(void*, const void*, std::size_t) = nullptr;
  int (*final)(void*, unsigned char*, unsigned int*) = nullptr;
};

const Evp& evp() {
  static Evp e;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      failure = fmt::format("cannot load OpenSSL's libcrypto for SHA-256 ({}); install libssl3", dlerror());
      return;
    }
    auto sym = [&](const char* name) { return dlsym(lib, name); };
    e.ctx_new = reinterpret_cast<void* (*)()>(sym("EVP_MD_CTX_new"));
    e.ctx_free = reinterpret_cast<void (*)(void*)>(sym("EVP_MD_CTX_free"));
    e.sha256 = reinterpret_cast<const void* (*)()>(sym("EVP_sha256"));
    e.init = reinterpret_cast<int (*)(void*, const void*, void*)>(sym("EVP_DigestInit_ex"));
    e.update = reinterpret_cast<int (*)(void*, const void*, std::size_t)>(sym("EVP_DigestUpdate"));
    e.final = reinterpret_cast<int (*)(void*, unsigned char*, unsigned int*)>(sym("EVP_DigestFinal_ex"));
    if (!e.ctx_new || !e.ctx_free || !e.sha256 || !e.init || !e.update || !e.final)
      failure = "OpenSSL's libcrypto lacks the EVP digest functions";
  });
  if (!failure.empty()) throw Error(ExitCode::internal, failure);
  return e;
}

}  // namespace

struct Sha256::Impl {
  void* ctx = nullptr;
  ~Impl() {
    if (ctx) evp().ctx_free(ctx);
  }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  const Evp& e = evp();
  impl_->ctx = e.ctx_new();
  if (!impl_->ctx || e.init(impl_->ctx, e.sha256(), nullptr) != 1) throw Error(ExitCode::internal, "SHA-256: cannot start a digest");
}

Sha256::~Sha256() = default;

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size && evp().update(impl_->ctx, data, size) != 1) throw Error(ExitCode::internal, "SHA-256: digest update failed");
}

std::string Sha256::hex() {
  unsigned char md[32];
  unsigned int n = 0;
  if (evp().final(impl_->ctx, md, &n) != 1 || n != 32) throw Error(ExitCode::internal, "SHA-256: digest failed");
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string sha256_hex(const std::string& data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

}  // namespace hvctl
