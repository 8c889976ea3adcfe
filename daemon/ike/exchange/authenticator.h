// Building and verifying AUTH payloads (RFC 7296 §2.15, RFC 7427), and the
// identities they bind: pre-shared keys here, signatures with certificates
// in cert_auth.h.
#pragma once

#include "daemon/base/status.h"
#include "daemon/config/connection.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// Our identity for the SA: the configured one (a DN written as text gets
// its DER), else our certificate's subject (auth = pubkey), else our IP
// address.
Result<config::Identity> OwnIdentity(Engine& engine, const IkeSa& sa);
// `id` with its ID payload data: a DN written as text gets its DER.
Result<config::Identity> WithPayloadData(config::Identity id);
// The identity in an IDi/IDr payload, as a config Identity (text filled in).
config::Identity IdentityOf(IdType type, const Bytes& data);
// True if the identity from an ID payload (`wire`) is the `configured` one
// (DNs compared as DER names, crypto::SameDn).
bool IdentityMatches(const config::Identity& configured, const config::Identity& wire);
// RestOfInitIDPayload / RestOfRespIDPayload (§2.15): type, 3 reserved, data.
Bytes IdBody(IdType type, const Bytes& data);

// The AUTH payload proving we are `id_body`'s owner (§2.15: the initiator
// signs its IKE_SA_INIT request and Nr; the responder its response and Ni).
Result<AuthPayload> BuildAuth(Engine& engine, IkeSa& sa, ByteSpan id_body);

// Authenticates the peer that sent `m` with its `auth` for its identity
// `peer` (from IDi/IDr): for signatures its certificate (CERT payloads of
// `m`) chains to our CA and names `peer`; `peer` is the configured
// remote-id, if any; then the AUTH data is checked. kAuthFailed with the
// reason otherwise.
Status VerifyAuth(Engine& engine, IkeSa& sa, const Message& m, const AuthPayload& auth,
                  const config::Identity& peer);

}  // namespace ikevpn::ike
