#include "daemon/ike/exchange/cert_auth.h"

#include <algorithm>
#include <vector>

#include "daemon/base/log.h"
#include "daemon/ike/crypto/cert_validator.h"
#include "daemon/ike/crypto/signature_auth.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike {

namespace {

// More CERT payloads than any sane chain has; the message size bounds it
// anyway, this keeps path building cheap.
constexpr size_t kMaxPeerCerts = 8;

const ConnectionCredentials* Credentials(Engine& engine, const IkeSa& sa) {
  return engine.env().credentials.Find(sa.connection());
}

std::span<const HashAlgorithm> HashPreference(crypto::KeyType key) {
  using H = HashAlgorithm;
  static constexpr H kP256[] = {H::kSha2_256, H::kSha2_384, H::kSha2_512};
  static constexpr H kP521[] = {H::kSha2_512, H::kSha2_384, H::kSha2_256};
  static constexpr H kOthers[] = {H::kSha2_384, H::kSha2_256, H::kSha2_512};
  static constexpr H kEdDsa[] = {H::kIdentity};
  switch (key) {
    case crypto::KeyType::kEcdsaP256: return kP256;
    case crypto::KeyType::kEcdsaP521: return kP521;
    case crypto::KeyType::kRsa:
    case crypto::KeyType::kEcdsaP384: return kOthers;
    case crypto::KeyType::kEd25519: return kEdDsa;
  }
  return {};
}

}  // namespace

Result<SignatureChoice> ChooseSignature(crypto::KeyType key, std::span<const HashAlgorithm> peer_hashes,
                                        bool rsa_sha1) {
  for (HashAlgorithm h : HashPreference(key)) {
    if (std::ranges::find(peer_hashes, h) == peer_hashes.end()) continue;
    auto scheme = crypto::SchemeFor(key, h);
    if (scheme.ok()) return SignatureChoice{AuthMethod::kDigitalSignature, *scheme};
  }
  auto legacy = crypto::LegacyAuthMethodFor(key);
  if (!legacy.ok()) {
    return Status(Code::kUnsupported, "the peer announced no RFC 7427 hash for our " +
                                          std::string(crypto::ToString(key)) + " key");
  }
  if (*legacy == AuthMethod::kRsaSig && !rsa_sha1) {
    return Status(Code::kUnsupported,
                  "the peer announced no RFC 7427 hash for our RSA key, and RSA with SHA-1 is not allowed");
  }
  return SignatureChoice{*legacy, std::nullopt};
}

const crypto::Certificate* OwnCertificate(Engine& engine, const IkeSa& sa) {
  if (sa.connection().auth != config::AuthMethod::kPubkey) return nullptr;
  const ConnectionCredentials* c = Credentials(engine, sa);
  return c && !c->chain.empty() ? &c->chain.front() : nullptr;
}

Status AppendOwnCerts(Engine& engine, const IkeSa& sa, Payloads& out) {
  if (sa.connection().auth != config::AuthMethod::kPubkey) return Status::Ok();
  const ConnectionCredentials* c = Credentials(engine, sa);
  if (!c || c->chain.empty()) {
    return Status(Code::kInvalidArgument, "no certificate loaded (cert = " + sa.connection().cert + ")");
  }
  for (const crypto::Certificate& cert : c->chain) out.push_back(CertPayload{CertEncoding::kX509Signature, cert.der()});
  return Status::Ok();
}

std::optional<CertReqPayload> OwnCertReq(Engine& engine, const IkeSa& sa) {
  if (sa.connection().remote_auth != config::AuthMethod::kPubkey) return std::nullopt;
  const ConnectionCredentials* c = Credentials(engine, sa);
  if (!c || !c->validator) return std::nullopt;  // reported when the peer's certificate is checked
  auto authorities = c->validator->CertReqAuthorities();
  if (!authorities.ok()) {
    IKEVPN_LOG(kIke, kWarn) << "connection " << sa.connection().name
                            << ": no CERTREQ: " << authorities.status().message();
    return std::nullopt;
  }
  return CertReqPayload{CertEncoding::kX509Signature, std::move(authorities).value()};
}

Result<AuthPayload> BuildSignatureAuth(Engine& engine, const IkeSa& sa, ByteSpan signed_octets) {
  const ConnectionCredentials* c = Credentials(engine, sa);
  if (!c || !c->key) return Status(Code::kInvalidArgument, "no private key loaded (key = " + sa.connection().key + ")");
  IKEVPN_ASSIGN_OR_RETURN(SignatureChoice choice,
                          ChooseSignature(c->key->type(), sa.peer_hash_algorithms, engine.settings().rsa_sha1_auth));
  Result<Bytes> data = choice.scheme ? crypto::BuildDigitalSignatureAuth(*c->key, *choice.scheme, signed_octets)
                                     : crypto::BuildLegacySignatureAuth(*c->key, choice.method, signed_octets);
  if (!data.ok()) return data.status();
  IKEVPN_LOG(kIke, kDebug) << "connection " << sa.connection().name << ": signing with "
                           << ToString(choice.method)
                           << (choice.scheme ? " " + std::string(crypto::ToString(*choice.scheme)) : "");
  return AuthPayload{choice.method, std::move(data).value()};
}

Result<crypto::PublicKey> VerifyPeerCertificate(Engine& engine, const IkeSa& sa, const Message& m,
                                                const config::Identity& peer) {
  std::vector<crypto::Certificate> certs;
  for (const CertPayload* p : m.All<CertPayload>()) {
    if (p->encoding != CertEncoding::kX509Signature) {
      IKEVPN_LOG(kIke, kDebug) << "ignoring CERT payload with encoding " << static_cast<unsigned>(p->encoding);
      continue;
    }
    if (certs.size() == kMaxPeerCerts) {
      return Status(Code::kAuthFailed, "more than " + std::to_string(kMaxPeerCerts) + " certificates");
    }
    auto cert = crypto::Certificate::LoadDer(p->data);
    if (!cert.ok()) return Status(Code::kAuthFailed, "malformed CERT payload: " + cert.status().message());
    certs.push_back(std::move(cert).value());
  }
  if (certs.empty()) return Status(Code::kAuthFailed, "no X.509 certificate (CERT payload) sent");
  const config::Connection& conn = sa.connection();
  const ConnectionCredentials* c = Credentials(engine, sa);
  if (!c || !c->validator) return Status(Code::kAuthFailed, "no CA loaded (ca = " + conn.ca + ")");
  const crypto::Certificate& ee = certs.front();
  std::span<const crypto::Certificate> intermediates(certs.begin() + 1, certs.end());
  if (Status s = c->validator->Validate(ee, intermediates, engine.env().clock.WallSeconds()); !s.ok()) {
    return Status(Code::kAuthFailed, s.message() + " (CA in " + conn.ca + ")");
  }
  if (Status s = crypto::MatchIdentity(ee, peer.type, peer.data); !s.ok()) {
    return Status(Code::kAuthFailed, "ID " + peer.text + " does not match the certificate " + ee.SubjectText());
  }
  return ee.GetPublicKey();
}

Status VerifyPeerSignature(Engine& engine, const IkeSa& sa, const crypto::PublicKey& key, const AuthPayload& auth,
                           ByteSpan signed_octets) {
  if (auth.method == AuthMethod::kRsaSig && !engine.settings().rsa_sha1_auth) {
    return Status(Code::kAuthFailed, "RSA with SHA-1 (auth method 1) is not allowed");
  }
  auto scheme = crypto::VerifySignatureAuth(key, auth.method, auth.data, signed_octets);
  if (!scheme.ok()) return Status(Code::kAuthFailed, "signature check failed: " + scheme.status().message());
  IKEVPN_LOG(kIke, kDebug) << "connection " << sa.connection().name << ": peer signed with "
                           << ToString(auth.method) << " " << crypto::ToString(*scheme);
  return Status::Ok();
}

}  // namespace ikevpn::ike
