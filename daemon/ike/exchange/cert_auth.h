// Public-key authentication in IKE_AUTH (RFC 7296 §2.15, §3.6, §3.7;
// RFC 7427 Digital Signature; RFC 4754 ECDSA): our CERT and CERTREQ
// payloads, the signature AUTH we send, and the checks of the peer's
// certificate and signature. authenticator.cc decides when these apply
// and computes the signed octets.
#pragma once

#include <optional>
#include <span>

#include "daemon/base/status.h"
#include "daemon/config/connection.h"
#include "daemon/ike/crypto/certificate.h"
#include "daemon/ike/crypto/signature_scheme.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// How we sign: method 14 with `scheme`, or a legacy method (1, 9, 10, 11).
struct SignatureChoice {
  AuthMethod method = AuthMethod::kDigitalSignature;
  std::optional<crypto::SignatureScheme> scheme;  // method 14 only
};

// RFC 7427 §4: method 14 with a hash the peer announced in
// SIGNATURE_HASH_ALGORITHMS (the hash matching the key's strength first,
// then SHA-384, SHA-256, SHA-512; Ed25519 needs "identity"); without one,
// the key's legacy method, where RSA (method 1, SHA-1) needs `rsa_sha1`.
// Code::kUnsupported if nothing fits.
Result<SignatureChoice> ChooseSignature(crypto::KeyType key, std::span<const HashAlgorithm> peer_hashes,
                                        bool rsa_sha1);

// Our certificate, whose subject is our default identity (null: we do not
// authenticate with a certificate, or none is loaded).
const crypto::Certificate* OwnCertificate(Engine& engine, const IkeSa& sa);

// §3.6: CERT payloads (X.509 Signature) of our chain, end entity first.
// Nothing unless auth = pubkey; an error if no certificate is loaded.
Status AppendOwnCerts(Engine& engine, const IkeSa& sa, Payloads& out);

// §3.7: the CERTREQ naming our CAs (SHA-1 of each SubjectPublicKeyInfo)
// when the peer must authenticate with a certificate (remote-auth =
// pubkey) and a CA is loaded.
std::optional<CertReqPayload> OwnCertReq(Engine& engine, const IkeSa& sa);

// Our signature AUTH payload over `signed_octets`.
Result<AuthPayload> BuildSignatureAuth(Engine& engine, const IkeSa& sa, ByteSpan signed_octets);

// Checks the peer's end-entity certificate (the first X.509 CERT payload of
// `m`; the others are intermediates): it chains to the connection's CA at
// the current wall-clock time and names `peer` (its IDi/IDr). Returns its
// public key; Code::kAuthFailed with the reason otherwise.
Result<crypto::PublicKey> VerifyPeerCertificate(Engine& engine, const IkeSa& sa, const Message& m,
                                                const config::Identity& peer);

// Checks the peer's signature AUTH payload with its certificate's key.
Status VerifyPeerSignature(Engine& engine, const IkeSa& sa, const crypto::PublicKey& key,
                           const AuthPayload& auth, ByteSpan signed_octets);

}  // namespace ikevpn::ike
