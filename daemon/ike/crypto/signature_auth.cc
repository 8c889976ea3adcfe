#include "daemon/ike/crypto/signature_auth.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string>

#include "daemon/ike/crypto/ossl.h"

namespace ikevpn::crypto {

using internal::BignumPtr;
using internal::OsslError;

namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, internal::Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

struct LegacyMethod {
  ike::AuthMethod method;
  KeyType key;
  SignatureScheme scheme;
};
constexpr LegacyMethod kLegacy[] = {
    {ike::AuthMethod::kRsaSig, KeyType::kRsa, SignatureScheme::kRsaPkcs1Sha1},
    {ike::AuthMethod::kEcdsaSha256P256, KeyType::kEcdsaP256, SignatureScheme::kEcdsaSha256},
    {ike::AuthMethod::kEcdsaSha384P384, KeyType::kEcdsaP384, SignatureScheme::kEcdsaSha384},
    {ike::AuthMethod::kEcdsaSha512P521, KeyType::kEcdsaP521, SignatureScheme::kEcdsaSha512},
};

const LegacyMethod* FindLegacy(ike::AuthMethod method) {
  for (const LegacyMethod& m : kLegacy) {
    if (m.method == method) return &m;
  }
  return nullptr;
}

// RFC 4754 §7: r and s are each the size of the field (P-521: 66 bytes).
size_t EcdsaHalfSize(KeyType key) {
  return key == KeyType::kEcdsaP256 ? 32 : key == KeyType::kEcdsaP384 ? 48 : 66;
}

bool IsPss(SignatureScheme s) {
  return s == SignatureScheme::kRsaPssSha256 || s == SignatureScheme::kRsaPssSha384 ||
         s == SignatureScheme::kRsaPssSha512;
}

// Starts a DigestSign/DigestVerify context for the scheme.
Result<internal::MdCtxPtr> StartContext(evp_pkey_st* key, SignatureScheme scheme, bool sign) {
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OsslError(Code::kInternal, "EVP_MD_CTX_new");
  const char* md = internal::DigestName(HashOf(scheme));
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  int ok = sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr)
                : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr);
  if (ok != 1) return OsslError(Code::kInternal, "signature init");
  if (IsPss(scheme) &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr) != 1)) {
    return OsslError(Code::kInternal, "RSASSA-PSS parameters");
  }
  return ctx;
}

Result<Bytes> Sign(const PrivateKey& key, SignatureScheme scheme, ByteSpan data) {
  IKEVPN_ASSIGN_OR_RETURN(internal::MdCtxPtr ctx, StartContext(key.native(), scheme, true));
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) {
    return OsslError(Code::kInternal, "signature size");
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) {
    return OsslError(Code::kInternal, "signing");
  }
  sig.resize(len);
  return sig;
}

Status Verify(const PublicKey& key, SignatureScheme scheme, ByteSpan sig, ByteSpan data) {
  IKEVPN_ASSIGN_OR_RETURN(internal::MdCtxPtr ctx, StartContext(key.native(), scheme, false));
  if (EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) != 1) {
    ERR_clear_error();
    return Status(Code::kAuthFailed, std::string(ToString(scheme)) + " signature does not verify");
  }
  return Status::Ok();
}

// DER ECDSA-Sig-Value -> r | s (RFC 4754).
Result<Bytes> EcdsaDerToRaw(ByteSpan der, size_t half) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return OsslError(Code::kInternal, "ECDSA signature");
  Bytes raw(2 * half);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), static_cast<int>(half)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + half, static_cast<int>(half)) < 0) {
    return OsslError(Code::kInternal, "ECDSA signature");
  }
  return raw;
}

// r | s -> DER ECDSA-Sig-Value.
Result<Bytes> EcdsaRawToDer(ByteSpan raw) {
  const int half = static_cast<int>(raw.size() / 2);
  BignumPtr r(BN_bin2bn(raw.data(), half, nullptr));
  BignumPtr s(BN_bin2bn(raw.data() + half, half, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OsslError(Code::kInternal, "ECDSA signature");
  }
  r.release();  // owned by sig now
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return OsslError(Code::kInternal, "ECDSA signature");
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

}  // namespace

Result<ike::AuthMethod> LegacyAuthMethodFor(KeyType key) {
  for (const LegacyMethod& m : kLegacy) {
    if (m.key == key) return m.method;
  }
  return Status(Code::kUnsupported, std::string(ToString(key)) + " keys need auth method 14");
}

Result<Bytes> BuildLegacySignatureAuth(const PrivateKey& key, ike::AuthMethod method,
                                       ByteSpan signed_octets) {
  const LegacyMethod* m = FindLegacy(method);
  if (m == nullptr) return Status(Code::kInvalidArgument, "not a legacy signature auth method");
  if (m->key != key.type()) {
    return Status(Code::kInvalidArgument, std::string(ToString(key.type())) +
                                              " key does not fit auth method " +
                                              std::to_string(static_cast<unsigned>(method)));
  }
  IKEVPN_ASSIGN_OR_RETURN(Bytes sig, Sign(key, m->scheme, signed_octets));
  if (m->key == KeyType::kRsa) return sig;
  return EcdsaDerToRaw(sig, EcdsaHalfSize(m->key));
}

Result<Bytes> BuildDigitalSignatureAuth(const PrivateKey& key, SignatureScheme scheme,
                                        ByteSpan signed_octets) {
  if (scheme == SignatureScheme::kRsaPkcs1Sha1 || !SchemeFitsKey(scheme, key.type())) {
    return Status(Code::kInvalidArgument, std::string(ToString(scheme)) + " not usable with a " +
                                              std::string(ToString(key.type())) + " key");
  }
  IKEVPN_ASSIGN_OR_RETURN(Bytes sig, Sign(key, scheme, signed_octets));
  ByteSpan alg = AlgorithmIdentifierDer(scheme);
  Bytes out;
  out.reserve(1 + alg.size() + sig.size());
  out.push_back(static_cast<uint8_t>(alg.size()));
  out.insert(out.end(), alg.begin(), alg.end());
  out.insert(out.end(), sig.begin(), sig.end());
  return out;
}

Result<SignatureScheme> VerifySignatureAuth(const PublicKey& key, ike::AuthMethod method,
                                            ByteSpan auth_data, ByteSpan signed_octets) {
  if (method == ike::AuthMethod::kDigitalSignature) {
    ByteReader r(auth_data);
    uint8_t alg_len = 0;
    ByteSpan alg;
    if (!r.ReadU8(&alg_len) || !r.ReadSpan(alg_len, &alg) || r.empty()) {
      return Status(Code::kAuthFailed, "malformed Digital Signature AUTH data");
    }
    IKEVPN_ASSIGN_OR_RETURN(SignatureScheme scheme, ParseAlgorithmIdentifier(alg));
    if (!SchemeFitsKey(scheme, key.type())) {
      return Status(Code::kAuthFailed, std::string(ToString(scheme)) + " does not fit the peer's " +
                                           std::string(ToString(key.type())) + " key");
    }
    IKEVPN_RETURN_IF_ERROR(Verify(key, scheme, r.rest(), signed_octets));
    return scheme;
  }
  const LegacyMethod* m = FindLegacy(method);
  if (m == nullptr) {
    return Status(Code::kUnsupported,
                  "auth method " + std::to_string(static_cast<unsigned>(method)) + " not supported");
  }
  if (m->key != key.type()) {
    return Status(Code::kAuthFailed, "peer's " + std::string(ToString(key.type())) +
                                         " key does not fit auth method " +
                                         std::to_string(static_cast<unsigned>(method)));
  }
  if (m->key == KeyType::kRsa) {
    IKEVPN_RETURN_IF_ERROR(Verify(key, m->scheme, auth_data, signed_octets));
    return m->scheme;
  }
  if (auth_data.size() != 2 * EcdsaHalfSize(m->key)) {
    return Status(Code::kAuthFailed, "ECDSA AUTH data has the wrong length");
  }
  IKEVPN_ASSIGN_OR_RETURN(Bytes der, EcdsaRawToDer(auth_data));
  IKEVPN_RETURN_IF_ERROR(Verify(key, m->scheme, der, signed_octets));
  return m->scheme;
}

}  // namespace ikevpn::crypto
