// Public and private keys for IKE signature authentication: RSA, ECDSA
// (P-256/384/521) and Ed25519.
//
// PublicKey is cheap to copy (shared, immutable). PrivateKey is move-only;
// OpenSSL wipes the key material when the last handle goes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"

struct evp_pkey_st;

namespace ikevpn::crypto {

enum class KeyType : uint8_t {
  kRsa,
  kEcdsaP256,
  kEcdsaP384,
  kEcdsaP521,
  kEd25519,
};

std::string_view ToString(KeyType type);

class PublicKey {
 public:
  // A DER SubjectPublicKeyInfo.
  static Result<PublicKey> FromSpkiDer(ByteSpan der);
  // "-----BEGIN PUBLIC KEY-----".
  static Result<PublicKey> LoadPem(ByteSpan pem);

  KeyType type() const { return type_; }
  // Modulus or field size in bits.
  size_t bits() const;
  // DER SubjectPublicKeyInfo.
  Result<Bytes> SpkiDer() const;

  // The OpenSSL key, for daemon/ike/crypto only. Valid while this lives.
  evp_pkey_st* native() const { return key_.get(); }

  // Takes one reference on `key`; kUnsupported for other key types.
  static Result<PublicKey> Adopt(evp_pkey_st* key);

 private:
  PublicKey(std::shared_ptr<evp_pkey_st> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<evp_pkey_st> key_;
  KeyType type_;
};

class PrivateKey {
 public:
  // An unencrypted PEM private key (PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY"
  // or "EC PRIVATE KEY").
  static Result<PrivateKey> LoadPem(ByteSpan pem);
  static Result<PrivateKey> LoadPemFile(const std::string& path);

  KeyType type() const { return public_key_.type(); }
  const PublicKey& public_key() const { return public_key_; }

  // The OpenSSL key, for daemon/ike/crypto only. Valid while this lives.
  evp_pkey_st* native() const { return key_.get(); }

 private:
  struct Free {
    void operator()(evp_pkey_st* key) const;
  };
  PrivateKey(std::unique_ptr<evp_pkey_st, Free> key, PublicKey pub)
      : key_(std::move(key)), public_key_(std::move(pub)) {}
  std::unique_ptr<evp_pkey_st, Free> key_;
  PublicKey public_key_;
};

}  // namespace ikevpn::crypto
