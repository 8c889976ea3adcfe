#include "daemon/ike/crypto/signature_scheme.h"

#include <algorithm>
#include <array>

namespace ikevpn::crypto {

namespace {

// RFC 7427 Appendix A (RSA PKCS#1 v1.5 and ECDSA), RFC 8420 §2 (Ed25519).
constexpr uint8_t kSha1WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                    0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00};
constexpr uint8_t kSha256WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                      0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
constexpr uint8_t kSha384WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                      0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
constexpr uint8_t kSha512WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                      0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00};
constexpr uint8_t kEcdsaWithSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                        0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kEcdsaWithSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                        0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kEcdsaWithSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                        0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

// RSASSA-PSS (id-RSASSA-PSS, 1.2.840.113549.1.1.10) with
//   hashAlgorithm [0] = SHA-2 (NULL parameters), maskGenAlgorithm [1] =
//   MGF1 with the same hash, saltLength [2] = hash length, default trailer.
#define IKEVPN_PSS_DER(hash_id, salt)                                                           \
  {0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34,    \
   0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, hash_id, \
   0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,    \
   0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, hash_id, \
   0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, salt}
constexpr uint8_t kPssSha256[] = IKEVPN_PSS_DER(0x01, 32);
constexpr uint8_t kPssSha384[] = IKEVPN_PSS_DER(0x02, 48);
constexpr uint8_t kPssSha512[] = IKEVPN_PSS_DER(0x03, 64);
#undef IKEVPN_PSS_DER

// DER object identifier contents.
constexpr uint8_t kOidRsassaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr uint8_t kOidMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr uint8_t kOidSha2Prefix[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};

constexpr uint8_t kTagInteger = 0x02;
constexpr uint8_t kTagNull = 0x05;
constexpr uint8_t kTagOid = 0x06;
constexpr uint8_t kTagSequence = 0x30;
constexpr uint8_t kTagContext0 = 0xa0;

constexpr SignatureScheme kAll[] = {
    SignatureScheme::kRsaPkcs1Sha1,  SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPkcs1Sha384,
    SignatureScheme::kRsaPkcs1Sha512, SignatureScheme::kRsaPssSha256,  SignatureScheme::kRsaPssSha384,
    SignatureScheme::kRsaPssSha512,  SignatureScheme::kEcdsaSha256,    SignatureScheme::kEcdsaSha384,
    SignatureScheme::kEcdsaSha512,   SignatureScheme::kEd25519,
};

bool Equal(ByteSpan a, ByteSpan b) { return std::ranges::equal(a, b); }

// One DER TLV with the expected tag; definite lengths up to 2 length octets.
bool ReadTlv(ByteReader& r, uint8_t tag, ByteReader* content) {
  uint8_t t = 0;
  uint8_t len8 = 0;
  ByteReader probe = r;
  if (!probe.ReadU8(&t) || t != tag || !probe.ReadU8(&len8)) return false;
  size_t len = len8;
  if (len8 & 0x80) {
    size_t n = len8 & 0x7f;
    if (n < 1 || n > 2) return false;
    len = 0;
    for (size_t i = 0; i < n; ++i) {
      uint8_t b = 0;
      if (!probe.ReadU8(&b)) return false;
      len = len << 8 | b;
    }
  }
  if (!probe.ReadSub(len, content)) return false;
  r = probe;
  return true;
}

// AlgorithmIdentifier { OID sha256/384/512, NULL or absent } -> SHA-2 id byte.
bool ReadSha2AlgId(ByteReader& r, uint8_t* sha2_id) {
  ByteReader alg;
  ByteReader oid;
  ByteReader null;
  if (!ReadTlv(r, kTagSequence, &alg) || !ReadTlv(alg, kTagOid, &oid)) return false;
  ByteSpan o = oid.rest();
  if (o.size() != sizeof(kOidSha2Prefix) + 1 || !Equal(o.first(sizeof(kOidSha2Prefix)), kOidSha2Prefix)) {
    return false;
  }
  *sha2_id = o.back();
  if (!alg.empty() && (!ReadTlv(alg, kTagNull, &null) || !null.empty())) return false;
  return alg.empty();
}

// RSASSA-PSS-params (RFC 4055 §3.1), accepting only SHA-2 with MGF1 of the
// same hash and salt length = hash length.
Result<SignatureScheme> ParsePssParams(ByteReader params) {
  const Status bad(Code::kAuthFailed, "unsupported RSASSA-PSS parameters");
  ByteReader field;
  uint8_t hash_id = 0;
  uint8_t mgf_hash_id = 0;
  if (!ReadTlv(params, kTagContext0, &field) || !ReadSha2AlgId(field, &hash_id) || !field.empty()) {
    return bad;
  }
  ByteReader mgf;
  ByteReader mgf_oid;
  if (!ReadTlv(params, kTagContext0 + 1, &field) || !ReadTlv(field, kTagSequence, &mgf) ||
      !field.empty() || !ReadTlv(mgf, kTagOid, &mgf_oid) || !Equal(mgf_oid.rest(), kOidMgf1) ||
      !ReadSha2AlgId(mgf, &mgf_hash_id) || !mgf.empty() || mgf_hash_id != hash_id) {
    return bad;
  }
  ByteReader salt;
  if (!ReadTlv(params, kTagContext0 + 2, &field) || !ReadTlv(field, kTagInteger, &salt) ||
      !field.empty() || salt.remaining() != 1) {
    return bad;
  }
  ByteReader trailer;
  if (!params.empty()) {
    uint8_t one = 0;
    if (!ReadTlv(params, kTagContext0 + 3, &field) || !ReadTlv(field, kTagInteger, &trailer) ||
        !trailer.ReadU8(&one) || one != 1 || !trailer.empty() || !params.empty()) {
      return bad;
    }
  }
  const uint8_t salt_len = salt.rest()[0];
  if (hash_id == 0x01 && salt_len == 32) return SignatureScheme::kRsaPssSha256;
  if (hash_id == 0x02 && salt_len == 48) return SignatureScheme::kRsaPssSha384;
  if (hash_id == 0x03 && salt_len == 64) return SignatureScheme::kRsaPssSha512;
  return bad;
}

}  // namespace

std::string_view ToString(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1: return "sha1WithRSAEncryption";
    case SignatureScheme::kRsaPkcs1Sha256: return "sha256WithRSAEncryption";
    case SignatureScheme::kRsaPkcs1Sha384: return "sha384WithRSAEncryption";
    case SignatureScheme::kRsaPkcs1Sha512: return "sha512WithRSAEncryption";
    case SignatureScheme::kRsaPssSha256: return "RSASSA-PSS-SHA256";
    case SignatureScheme::kRsaPssSha384: return "RSASSA-PSS-SHA384";
    case SignatureScheme::kRsaPssSha512: return "RSASSA-PSS-SHA512";
    case SignatureScheme::kEcdsaSha256: return "ecdsa-with-SHA256";
    case SignatureScheme::kEcdsaSha384: return "ecdsa-with-SHA384";
    case SignatureScheme::kEcdsaSha512: return "ecdsa-with-SHA512";
    case SignatureScheme::kEd25519: return "Ed25519";
  }
  return "?";
}

ike::HashAlgorithm HashOf(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1: return ike::HashAlgorithm::kSha1;
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPssSha256:
    case SignatureScheme::kEcdsaSha256: return ike::HashAlgorithm::kSha2_256;
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kRsaPssSha384:
    case SignatureScheme::kEcdsaSha384: return ike::HashAlgorithm::kSha2_384;
    case SignatureScheme::kRsaPkcs1Sha512:
    case SignatureScheme::kRsaPssSha512:
    case SignatureScheme::kEcdsaSha512: return ike::HashAlgorithm::kSha2_512;
    case SignatureScheme::kEd25519: return ike::HashAlgorithm::kIdentity;
  }
  return ike::HashAlgorithm::kIdentity;
}

bool SchemeFitsKey(SignatureScheme scheme, KeyType type) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1:
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kRsaPkcs1Sha512:
    case SignatureScheme::kRsaPssSha256:
    case SignatureScheme::kRsaPssSha384:
    case SignatureScheme::kRsaPssSha512:
      return type == KeyType::kRsa;
    case SignatureScheme::kEcdsaSha256:
    case SignatureScheme::kEcdsaSha384:
    case SignatureScheme::kEcdsaSha512:
      // RFC 7427 decouples the hash from the curve.
      return type == KeyType::kEcdsaP256 || type == KeyType::kEcdsaP384 ||
             type == KeyType::kEcdsaP521;
    case SignatureScheme::kEd25519:
      return type == KeyType::kEd25519;
  }
  return false;
}

Result<SignatureScheme> SchemeFor(KeyType type, ike::HashAlgorithm hash, bool rsa_pss) {
  for (SignatureScheme s : kAll) {
    if (s == SignatureScheme::kRsaPkcs1Sha1) continue;  // not for RFC 7427
    const bool pss = s == SignatureScheme::kRsaPssSha256 || s == SignatureScheme::kRsaPssSha384 ||
                     s == SignatureScheme::kRsaPssSha512;
    if (type == KeyType::kRsa && pss != rsa_pss) continue;
    if (HashOf(s) == hash && SchemeFitsKey(s, type)) return s;
  }
  return Status(Code::kUnsupported, std::string("no signature scheme for a ") +
                                        std::string(ToString(type)) + " key with hash " +
                                        std::to_string(static_cast<unsigned>(hash)));
}

ByteSpan AlgorithmIdentifierDer(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1: return kSha1WithRsa;
    case SignatureScheme::kRsaPkcs1Sha256: return kSha256WithRsa;
    case SignatureScheme::kRsaPkcs1Sha384: return kSha384WithRsa;
    case SignatureScheme::kRsaPkcs1Sha512: return kSha512WithRsa;
    case SignatureScheme::kRsaPssSha256: return kPssSha256;
    case SignatureScheme::kRsaPssSha384: return kPssSha384;
    case SignatureScheme::kRsaPssSha512: return kPssSha512;
    case SignatureScheme::kEcdsaSha256: return kEcdsaWithSha256;
    case SignatureScheme::kEcdsaSha384: return kEcdsaWithSha384;
    case SignatureScheme::kEcdsaSha512: return kEcdsaWithSha512;
    case SignatureScheme::kEd25519: return kEd25519;
  }
  return {};
}

Result<SignatureScheme> ParseAlgorithmIdentifier(ByteSpan der) {
  for (SignatureScheme s : kAll) {
    if (s != SignatureScheme::kRsaPkcs1Sha1 && Equal(der, AlgorithmIdentifierDer(s))) return s;
  }
  // Other encodings of PSS parameters (e.g. hash AlgorithmIdentifiers
  // without the NULL) are parsed field by field.
  ByteReader r(der);
  ByteReader alg;
  ByteReader oid;
  ByteReader params;
  if (ReadTlv(r, kTagSequence, &alg) && r.empty() && ReadTlv(alg, kTagOid, &oid) &&
      Equal(oid.rest(), kOidRsassaPss) && ReadTlv(alg, kTagSequence, &params) && alg.empty()) {
    return ParsePssParams(params);
  }
  return Status(Code::kAuthFailed, "unsupported signature AlgorithmIdentifier");
}

}  // namespace ikevpn::crypto
