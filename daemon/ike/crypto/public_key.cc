#include "daemon/ike/crypto/public_key.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::OsslError;

namespace {

using BioPtr = std::unique_ptr<BIO, internal::Deleter<BIO, BIO_free_all>>;

Result<KeyType> TypeOf(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return KeyType::kRsa;
    case EVP_PKEY_ED25519: return KeyType::kEd25519;
    case EVP_PKEY_EC: {
      char group[64];
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &len) != 1) {
        return OsslError(Code::kUnsupported, "EC key without a named curve");
      }
      std::string_view name(group, len);
      if (name == "prime256v1" || name == "P-256") return KeyType::kEcdsaP256;
      if (name == "secp384r1" || name == "P-384") return KeyType::kEcdsaP384;
      if (name == "secp521r1" || name == "P-521") return KeyType::kEcdsaP521;
      return Status(Code::kUnsupported, "EC curve " + std::string(name) + " not supported");
    }
  }
  return Status(Code::kUnsupported, "key type not supported (RSA, ECDSA, Ed25519 only)");
}

BioPtr MemBio(ByteSpan data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

std::string_view ToString(KeyType type) {
  switch (type) {
    case KeyType::kRsa: return "RSA";
    case KeyType::kEcdsaP256: return "ECDSA-P256";
    case KeyType::kEcdsaP384: return "ECDSA-P384";
    case KeyType::kEcdsaP521: return "ECDSA-P521";
    case KeyType::kEd25519: return "Ed25519";
  }
  return "?";
}

Result<PublicKey> PublicKey::Adopt(evp_pkey_st* key) {
  IKEVPN_ASSIGN_OR_RETURN(KeyType type, TypeOf(key));
  if (EVP_PKEY_up_ref(key) != 1) return OsslError(Code::kInternal, "EVP_PKEY_up_ref");
  return PublicKey(std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free), type);
}

Result<PublicKey> PublicKey::FromSpkiDer(ByteSpan der) {
  const unsigned char* p = der.data();
  internal::PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != der.data() + der.size()) {
    return OsslError(Code::kInvalidArgument, "invalid SubjectPublicKeyInfo");
  }
  return Adopt(key.get());
}

Result<PublicKey> PublicKey::LoadPem(ByteSpan pem) {
  BioPtr bio = MemBio(pem);
  internal::PkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return OsslError(Code::kInvalidArgument, "invalid PEM public key");
  return Adopt(key.get());
}

size_t PublicKey::bits() const { return static_cast<size_t>(EVP_PKEY_get_bits(key_.get())); }

Result<Bytes> PublicKey::SpkiDer() const {
  int len = i2d_PUBKEY(key_.get(), nullptr);
  if (len <= 0) return OsslError(Code::kInternal, "i2d_PUBKEY");
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_PUBKEY(key_.get(), &p) != len) return OsslError(Code::kInternal, "i2d_PUBKEY");
  return out;
}

void PrivateKey::Free::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

Result<PrivateKey> PrivateKey::LoadPem(ByteSpan pem) {
  BioPtr bio = MemBio(pem);
  // A null password callback with no default password makes encrypted keys fail.
  static auto no_password = [](char*, int, int, void*) { return 0; };
  std::unique_ptr<evp_pkey_st, Free> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr) : nullptr);
  if (!key) return OsslError(Code::kInvalidArgument, "invalid or encrypted PEM private key");
  // The public half is a separate public-only key, so copies of it never
  // keep the private key alive.
  int len = i2d_PUBKEY(key.get(), nullptr);
  if (len <= 0) return OsslError(Code::kUnsupported, "private key without a public key");
  Bytes spki(static_cast<size_t>(len));
  unsigned char* p = spki.data();
  i2d_PUBKEY(key.get(), &p);
  IKEVPN_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::FromSpkiDer(spki));
  return PrivateKey(std::move(key), std::move(pub));
}

Result<PrivateKey> PrivateKey::LoadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot open private key " + path);
  Bytes pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<PrivateKey> key = LoadPem(pem);
  explicit_bzero(pem.data(), pem.size());
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

}  // namespace ikevpn::crypto
