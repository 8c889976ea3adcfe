#include "daemon/ike/crypto/ossl.h"

#include <openssl/err.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ikevpn::crypto::internal {

Status OsslError(Code code, std::string_view what) {
  unsigned long err = ERR_get_error();
  std::string message(what);
  if (err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  ERR_clear_error();
  return Status(code, std::move(message));
}

namespace {

// Fetching is slow in OpenSSL 3 (a locked method-store lookup), so each
// algorithm is fetched once and kept until exit, when the caches free them
// (so LeakSanitizer sees no leak).
template <typename T, T* (*FetchFn)(OSSL_LIB_CTX*, const char*, const char*), void (*FreeFn)(T*)>
T* FetchOnce(std::string_view name) {
  struct Free {
    void operator()(T* p) const { FreeFn(p); }
  };
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<T, Free>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  T* fetched = FetchFn(nullptr, std::string(name).c_str(), nullptr);
  if (fetched != nullptr) cache.emplace(std::string(name), std::unique_ptr<T, Free>(fetched));
  return fetched;
}

}  // namespace

const EVP_MD* FetchedMd(std::string_view name) { return FetchOnce<EVP_MD, EVP_MD_fetch, EVP_MD_free>(name); }

EVP_MAC* HmacMac() {
  struct Free {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
  };
  static std::unique_ptr<EVP_MAC, Free> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return mac.get();
}

const EVP_CIPHER* FetchedCipher(std::string_view name) {
  return FetchOnce<EVP_CIPHER, EVP_CIPHER_fetch, EVP_CIPHER_free>(name);
}

const char* DigestName(ike::HashAlgorithm alg) {
  switch (alg) {
    case ike::HashAlgorithm::kSha1: return "SHA1";
    case ike::HashAlgorithm::kSha2_256: return "SHA256";
    case ike::HashAlgorithm::kSha2_384: return "SHA384";
    case ike::HashAlgorithm::kSha2_512: return "SHA512";
    case ike::HashAlgorithm::kIdentity: return nullptr;
  }
  return nullptr;
}

}  // namespace ikevpn::crypto::internal
