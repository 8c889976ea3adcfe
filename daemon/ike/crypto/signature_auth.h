// Signature authentication: the AUTH Data of the AUTH payload (RFC 7296
// §3.8; the bytes after Auth Method and RESERVED) over the signed octets of
// §2.15 (see psk_auth.h: SignedOctets).
//
//   method 1  (RSA Digital Signature): RSASSA-PKCS1-v1_5 with SHA-1
//   methods 9/10/11 (RFC 4754): ECDSA P-256/SHA-256, P-384/SHA-384,
//             P-521/SHA-512; signature is r | s, each the field size
//   method 14 (RFC 7427): | ASN.1 Length (1) | AlgorithmIdentifier DER |
//             Signature |, with DER ECDSA-Sig-Value for ECDSA and the raw
//             signature for RSA and Ed25519 (RFC 8420)
#pragma once

#include "daemon/base/bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/public_key.h"
#include "daemon/ike/crypto/signature_scheme.h"

namespace ikevpn::crypto {

// The auth method (1, 9, 10 or 11) that fits `key` without RFC 7427, or
// Code::kUnsupported (Ed25519 needs method 14).
Result<ike::AuthMethod> LegacyAuthMethodFor(KeyType key);

// AUTH Data for methods 1, 9, 10, 11. Code::kInvalidArgument if the key does
// not fit the method (e.g. a P-384 key for method 9).
Result<Bytes> BuildLegacySignatureAuth(const PrivateKey& key, ike::AuthMethod method,
                                       ByteSpan signed_octets);

// AUTH Data for method 14 (Digital Signature). Code::kInvalidArgument if the
// scheme does not fit the key or is kRsaPkcs1Sha1.
Result<Bytes> BuildDigitalSignatureAuth(const PrivateKey& key, SignatureScheme scheme,
                                        ByteSpan signed_octets);

// Checks a peer's AUTH Data for methods 1, 9, 10, 11 or 14 against its
// public key and returns the scheme it used, so the caller can apply its
// policy (e.g. the hashes it announced). Code::kAuthFailed if the signature
// is wrong, malformed, or uses a scheme that does not fit the key;
// Code::kUnsupported for other methods.
Result<SignatureScheme> VerifySignatureAuth(const PublicKey& key, ike::AuthMethod method,
                                            ByteSpan auth_data, ByteSpan signed_octets);

}  // namespace ikevpn::crypto
