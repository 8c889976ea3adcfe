// Cipher::Create: checks the transform combination and key lengths, then
// hands over to the AEAD or CBC+HMAC implementation.
#include "daemon/ike/crypto/cipher.h"

#include <string>

#include "daemon/ike/crypto/cipher_impl.h"

namespace ikevpn::crypto {

namespace {

struct IntegInfo {
  const char* digest;  // nullptr: unsupported
  size_t key_size;
  size_t icv_size;
};

IntegInfo InfoFor(ike::IntegId integ) {
  switch (integ) {
    case ike::IntegId::kNone: return {nullptr, 0, 0};
    case ike::IntegId::kHmacSha1_96: return {"SHA1", 20, 12};           // RFC 2404
    case ike::IntegId::kHmacSha2_256_128: return {"SHA256", 32, 16};    // RFC 4868
    case ike::IntegId::kHmacSha2_384_192: return {"SHA384", 48, 24};
    case ike::IntegId::kHmacSha2_512_256: return {"SHA512", 64, 32};
    case ike::IntegId::kHmacMd5_96:
    case ike::IntegId::kAesXcbc96:
    case ike::IntegId::kAesCmac96:
      return {nullptr, 0, 0};
  }
  return {nullptr, 0, 0};
}

Status Unsupported(std::string_view what, unsigned id) {
  return Status(Code::kUnsupported, std::string(what) + " " + std::to_string(id) + " not supported");
}

struct CipherName {
  ike::EncrId encr;
  uint16_t key_bits;  // 0: the transform has no Key Length attribute
  const char* openssl;
};
constexpr CipherName kCipherNames[] = {
    {ike::EncrId::kAesGcm16, 128, "AES-128-GCM"},
    {ike::EncrId::kAesGcm16, 192, "AES-192-GCM"},
    {ike::EncrId::kAesGcm16, 256, "AES-256-GCM"},
    {ike::EncrId::kAesCbc, 128, "AES-128-CBC"},
    {ike::EncrId::kAesCbc, 192, "AES-192-CBC"},
    {ike::EncrId::kAesCbc, 256, "AES-256-CBC"},
    // RFC 7634 §2: no Key Length attribute; the key is always 256 bits.
    {ike::EncrId::kChaCha20Poly1305, 0, "ChaCha20-Poly1305"},
    {ike::EncrId::kChaCha20Poly1305, 256, "ChaCha20-Poly1305"},
};

// The OpenSSL cipher name for the spec, after checking the key length.
Result<const char*> OpenSslCipher(const CipherSpec& spec) {
  bool known = false;
  for (const CipherName& c : kCipherNames) {
    if (c.encr != spec.encr) continue;
    known = true;
    if (c.key_bits == spec.key_bits) return c.openssl;
  }
  if (!known) return Unsupported("encryption transform", static_cast<unsigned>(spec.encr));
  return Status(Code::kInvalidArgument,
                "key length " + std::to_string(spec.key_bits) + " invalid for encryption transform " +
                    std::to_string(static_cast<unsigned>(spec.encr)));
}

bool IsAead(ike::EncrId encr) {
  return encr == ike::EncrId::kAesGcm16 || encr == ike::EncrId::kChaCha20Poly1305;
}

// Keeps the keys; a keyed context exists only during Seal/Open.
class OnDemandCipher final : public Cipher {
 public:
  OnDemandCipher(const CipherSpec& spec, const SecretBytes& encr_key, const SecretBytes& integ_key,
                 size_t icv_size)
      : spec_(spec), encr_key_(encr_key), integ_key_(integ_key), icv_size_(icv_size) {}

  bool aead() const override { return IsAead(spec_.encr); }
  size_t iv_size() const override { return aead() ? internal::kAeadIvSize : internal::kCbcIvSize; }
  size_t block_size() const override { return aead() ? 1 : internal::kCbcIvSize; }
  size_t icv_size() const override { return icv_size_; }

  Status Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv, ByteSpan aad_tail) override {
    IKEVPN_ASSIGN_OR_RETURN(std::unique_ptr<Cipher> c, Create(spec_, encr_key_, integ_key_));
    return c->Seal(aad, iv, data, icv, aad_tail);
  }
  Status Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv, ByteSpan aad_tail) override {
    IKEVPN_ASSIGN_OR_RETURN(std::unique_ptr<Cipher> c, Create(spec_, encr_key_, integ_key_));
    return c->Open(aad, iv, data, icv, aad_tail);
  }

 private:
  CipherSpec spec_;
  SecretBytes encr_key_;
  SecretBytes integ_key_;
  size_t icv_size_;
};

}  // namespace

Result<size_t> Cipher::EncrKeySize(const CipherSpec& spec) {
  IKEVPN_ASSIGN_OR_RETURN(const char* name, OpenSslCipher(spec));
  (void)name;
  size_t key = spec.encr == ike::EncrId::kChaCha20Poly1305 ? 32 : spec.key_bits / 8u;
  return IsAead(spec.encr) ? key + internal::kAeadSaltSize : key;
}

Result<size_t> Cipher::IntegKeySize(ike::IntegId integ) {
  if (integ == ike::IntegId::kNone) return size_t{0};
  IntegInfo info = InfoFor(integ);
  if (info.digest == nullptr) return Unsupported("integrity transform", static_cast<unsigned>(integ));
  return info.key_size;
}

namespace {

// The checks of Create without building anything; the ICV size on success.
Result<size_t> Check(const CipherSpec& spec, const SecretBytes& encr_key, const SecretBytes& integ_key) {
  IKEVPN_ASSIGN_OR_RETURN(size_t encr_size, Cipher::EncrKeySize(spec));
  if (encr_key.size() != encr_size) {
    return Status(Code::kInvalidArgument, "encryption key is " + std::to_string(encr_key.size()) +
                                              " bytes, expected " + std::to_string(encr_size));
  }
  if (IsAead(spec.encr)) {
    if (spec.integ != ike::IntegId::kNone || !integ_key.empty()) {
      return Status(Code::kInvalidArgument, "AEAD cipher with an integrity transform");
    }
    return internal::kAeadTagSize;
  }
  if (spec.integ == ike::IntegId::kNone) {
    return Status(Code::kInvalidArgument, "AES-CBC needs an integrity transform");
  }
  IntegInfo info = InfoFor(spec.integ);
  if (info.digest == nullptr) {
    return Unsupported("integrity transform", static_cast<unsigned>(spec.integ));
  }
  if (integ_key.size() != info.key_size) {
    return Status(Code::kInvalidArgument, "integrity key is " + std::to_string(integ_key.size()) +
                                              " bytes, expected " + std::to_string(info.key_size));
  }
  return info.icv_size;
}

}  // namespace

Result<std::unique_ptr<Cipher>> Cipher::CreateOnDemand(const CipherSpec& spec, const SecretBytes& encr_key,
                                                       const SecretBytes& integ_key) {
  IKEVPN_ASSIGN_OR_RETURN(size_t icv_size, Check(spec, encr_key, integ_key));
  return std::unique_ptr<Cipher>(new OnDemandCipher(spec, encr_key, integ_key, icv_size));
}

Result<std::unique_ptr<Cipher>> Cipher::Create(const CipherSpec& spec, const SecretBytes& encr_key,
                                               const SecretBytes& integ_key) {
  IKEVPN_ASSIGN_OR_RETURN(const char* name, OpenSslCipher(spec));
  IKEVPN_ASSIGN_OR_RETURN(size_t encr_size, EncrKeySize(spec));
  if (encr_key.size() != encr_size) {
    return Status(Code::kInvalidArgument, "encryption key is " + std::to_string(encr_key.size()) +
                                              " bytes, expected " + std::to_string(encr_size));
  }
  if (IsAead(spec.encr)) {
    if (spec.integ != ike::IntegId::kNone || !integ_key.empty()) {
      return Status(Code::kInvalidArgument, "AEAD cipher with an integrity transform");
    }
    return internal::CreateAeadCipher(name, encr_key);
  }
  if (spec.integ == ike::IntegId::kNone) {
    return Status(Code::kInvalidArgument, "AES-CBC needs an integrity transform");
  }
  IntegInfo info = InfoFor(spec.integ);
  if (info.digest == nullptr) {
    return Unsupported("integrity transform", static_cast<unsigned>(spec.integ));
  }
  if (integ_key.size() != info.key_size) {
    return Status(Code::kInvalidArgument, "integrity key is " + std::to_string(integ_key.size()) +
                                              " bytes, expected " + std::to_string(info.key_size));
  }
  return internal::CreateCbcHmacCipher(name, encr_key, info.digest, info.icv_size, integ_key);
}

}  // namespace ikevpn::crypto
