#include "daemon/ike/exchange/authenticator.h"

#include <algorithm>

#include "daemon/base/secret_bytes.h"
#include "daemon/ike/crypto/distinguished_name.h"
#include "daemon/ike/crypto/psk_auth.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/cert_auth.h"

namespace ikevpn::ike {

namespace {

// The IKE_SA_INIT message a side signs and the nonce of the other side.
struct SignedParts {
  ByteSpan message;
  ByteSpan nonce;
  const SecretBytes* sk_p;
};

SignedParts PartsFor(const IkeSa& sa, bool by_initiator) {
  const AuthInputs& a = *sa.auth_inputs;
  if (by_initiator) return {a.init_request, a.nr, &sa.keys->sk_pi};
  return {a.init_response, a.ni, &sa.keys->sk_pr};
}

Result<Bytes> OctetsOf(IkeSa& sa, ByteSpan id_body, bool by_initiator) {
  SignedParts p = PartsFor(sa, by_initiator);
  return crypto::SignedOctets(*sa.keys->prf, p.message, p.nonce, *p.sk_p, id_body);
}

std::optional<SecretBytes> Psk(Engine& engine, const IkeSa& sa) {
  const config::Identity* peer = !sa.peer_id_text.empty() ? &sa.peer_id
                                 : sa.connection().remote_id ? &*sa.connection().remote_id
                                                             : nullptr;
  return engine.env().secrets.FindPsk(sa.connection(), &sa.local_id, peer);
}

Result<Bytes> PskAuthData(Engine& engine, IkeSa& sa, ByteSpan id_body, bool by_initiator) {
  auto psk = Psk(engine, sa);
  if (!psk) return Status(Code::kAuthFailed, "no pre-shared key for " + sa.local_id.text + " - " + sa.peer_id_text);
  IKEVPN_ASSIGN_OR_RETURN(Bytes octets, OctetsOf(sa, id_body, by_initiator));
  IKEVPN_ASSIGN_OR_RETURN(SecretBytes auth, crypto::PskAuth(*sa.keys->prf, psk->span(), octets));
  return Bytes(auth.span().begin(), auth.span().end());
}

// The peer's identity must be the configured one, if one is configured.
Status CheckRemoteId(const IkeSa& sa, const config::Identity& peer) {
  const auto& want = sa.connection().remote_id;
  if (!want || IdentityMatches(*want, peer)) return Status::Ok();
  return Status(Code::kAuthFailed, "peer identity " + peer.text + " is not the configured " + want->text);
}

}  // namespace

bool IdentityMatches(const config::Identity& configured, const config::Identity& wire) {
  if (configured.type == IdType::kDerAsn1Dn && wire.type == IdType::kDerAsn1Dn) {
    auto der = WithPayloadData(configured);
    return der.ok() && crypto::SameDn(der->data, wire.data);
  }
  return configured.Matches(wire);
}

// RFC 7296 §3.5: ID_DER_ASN1_DN carries the DER Name.
Result<config::Identity> WithPayloadData(config::Identity id) {
  if (id.type != IdType::kDerAsn1Dn || !id.data.empty()) return id;
  auto der = crypto::DnFromText(id.text);
  if (!der.ok()) return Status(Code::kInvalidArgument, "identity \"" + id.text + "\": " + der.status().message());
  id.data = std::move(der).value();
  return id;
}

Bytes IdBody(IdType type, const Bytes& data) {
  Bytes b(4 + data.size(), 0);
  b[0] = static_cast<uint8_t>(type);
  std::copy(data.begin(), data.end(), b.begin() + 4);
  return b;
}

config::Identity IdentityOf(IdType type, const Bytes& data) {
  config::Identity id;
  id.type = type;
  id.data = data;
  switch (type) {
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr:
      if (auto a = IpAddress::FromBytes(data)) id.text = a->ToString();
      break;
    case IdType::kFqdn:
      id.text = "@" + std::string(data.begin(), data.end());
      break;
    case IdType::kRfc822Addr:
      id.text = std::string(data.begin(), data.end());
      break;
    case IdType::kKeyId:
      id.text = "keyid:" + ToHex(data);
      break;
    case IdType::kDerAsn1Dn:
      id.text = crypto::DnToText(data);
      if (id.text.empty()) id.text = "asn1:" + ToHex(data);
      break;
    case IdType::kDerAsn1Gn:
      id.text = "asn1gn:" + ToHex(data);
      break;
  }
  return id;
}

Result<config::Identity> OwnIdentity(Engine& engine, const IkeSa& sa) {
  if (sa.connection().local_id) return WithPayloadData(*sa.connection().local_id);
  if (const crypto::Certificate* cert = OwnCertificate(engine, sa)) {
    return IdentityOf(IdType::kDerAsn1Dn, cert->SubjectDer());
  }
  const IpAddress& a = sa.local.address;
  return IdentityOf(a.is_v6() ? IdType::kIpv6Addr : IdType::kIpv4Addr, Bytes(a.bytes().begin(), a.bytes().end()));
}

Result<AuthPayload> BuildAuth(Engine& engine, IkeSa& sa, ByteSpan id_body) {
  switch (sa.connection().auth) {
    case config::AuthMethod::kPsk: {
      IKEVPN_ASSIGN_OR_RETURN(Bytes data, PskAuthData(engine, sa, id_body, sa.initiator()));
      return AuthPayload{AuthMethod::kSharedKey, std::move(data)};
    }
    case config::AuthMethod::kPubkey: {
      IKEVPN_ASSIGN_OR_RETURN(Bytes octets, OctetsOf(sa, id_body, sa.initiator()));
      return BuildSignatureAuth(engine, sa, octets);
    }
  }
  return Status(Code::kInternal, "unknown auth method");
}

Status VerifyAuth(Engine& engine, IkeSa& sa, const Message& m, const AuthPayload& auth, const config::Identity& peer) {
  const Bytes id_body = IdBody(peer.type, peer.data);
  const bool pubkey = sa.connection().remote_auth == config::AuthMethod::kPubkey;
  switch (auth.method) {
    case AuthMethod::kSharedKey: {
      if (pubkey) return Status(Code::kAuthFailed, "peer used a pre-shared key, we require a signature");
      IKEVPN_RETURN_IF_ERROR(CheckRemoteId(sa, peer));
      IKEVPN_ASSIGN_OR_RETURN(Bytes expected, PskAuthData(engine, sa, id_body, !sa.initiator()));
      if (!ConstantTimeEquals(expected, auth.data)) return Status(Code::kAuthFailed, "pre-shared key mismatch");
      return Status::Ok();
    }
    case AuthMethod::kRsaSig:
    case AuthMethod::kEcdsaSha256P256:
    case AuthMethod::kEcdsaSha384P384:
    case AuthMethod::kEcdsaSha512P521:
    case AuthMethod::kDigitalSignature: {
      if (!pubkey) return Status(Code::kAuthFailed, "peer used a signature, we require a pre-shared key");
      // Certificate first (chain, then does it speak for the ID), then
      // policy on the ID, then the signature itself.
      IKEVPN_ASSIGN_OR_RETURN(crypto::PublicKey key, VerifyPeerCertificate(engine, sa, m, peer));
      IKEVPN_RETURN_IF_ERROR(CheckRemoteId(sa, peer));
      IKEVPN_ASSIGN_OR_RETURN(Bytes octets, OctetsOf(sa, id_body, !sa.initiator()));
      return VerifyPeerSignature(engine, sa, key, auth, octets);
    }
    case AuthMethod::kDss:
    case AuthMethod::kNull:
      break;
  }
  return Status(Code::kAuthFailed, "authentication method " + std::string(ToString(auth.method)) + " not accepted");
}

}  // namespace ikevpn::ike
