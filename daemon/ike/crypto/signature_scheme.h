// Signature schemes for IKE authentication and their RFC 7427
// AlgorithmIdentifier encodings (RFC 7427 Appendix A, RFC 8420 for
// Ed25519).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/public_key.h"

namespace ikevpn::crypto {

enum class SignatureScheme : uint8_t {
  kRsaPkcs1Sha1,  // auth method 1 only
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,  // MGF1 with the same hash, salt length = hash length
  kRsaPssSha384,
  kRsaPssSha512,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kEd25519,  // pure Ed25519; "identity" hash (RFC 8420)
};

std::string_view ToString(SignatureScheme scheme);

// The hash that goes into SIGNATURE_HASH_ALGORITHMS for the scheme.
ike::HashAlgorithm HashOf(SignatureScheme scheme);

// True if a key of `type` can make/check signatures of `scheme`.
bool SchemeFitsKey(SignatureScheme scheme, KeyType type);

// The scheme for a key and a hash (RFC 7427), e.g. (kEcdsaP384, kSha2_384)
// -> kEcdsaSha384. RSA keys use PKCS#1 v1.5 unless rsa_pss. Ed25519 needs
// kIdentity. Code::kUnsupported for combinations that do not exist.
Result<SignatureScheme> SchemeFor(KeyType type, ike::HashAlgorithm hash, bool rsa_pss = false);

// The DER AlgorithmIdentifier carried in method-14 AUTH data.
ByteSpan AlgorithmIdentifierDer(SignatureScheme scheme);

// Parses a peer's AlgorithmIdentifier. Code::kAuthFailed for anything we do
// not support (unknown OID, PSS with other MGF/salt parameters, trailing
// bytes).
Result<SignatureScheme> ParseAlgorithmIdentifier(ByteSpan der);

}  // namespace ikevpn::crypto
