// Internal to daemon/ike/crypto: owning handles for OpenSSL objects, error
// reporting, and algorithm objects fetched once per process.
//
// Only .cc files of this directory include this header (it pulls in OpenSSL).
#pragma once

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/ike/constants.h"

namespace ikevpn::crypto::internal {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX, EVP_MAC_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

// A Status with `what` and the reason of the newest OpenSSL error (the
// error queue is cleared).
Status OsslError(Code code, std::string_view what);

// Fetched once per process and never freed; thread-safe.
const EVP_MD* FetchedMd(std::string_view name);  // "SHA1", "SHA256", ...
EVP_MAC* HmacMac();
const EVP_CIPHER* FetchedCipher(std::string_view name);  // "AES-256-GCM", ...

// The OpenSSL digest name for an RFC 7427 hash; nullptr for kIdentity.
const char* DigestName(ike::HashAlgorithm alg);

}  // namespace ikevpn::crypto::internal
