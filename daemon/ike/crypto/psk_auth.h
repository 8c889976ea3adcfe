// Shared-key authentication (RFC 7296 §2.15, auth method 2).
//
//   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets> )
//
// and the octets that AUTH (PSK or signature) covers:
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//   MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
//   (responder: RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload))
#pragma once

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/crypto/prf.h"

namespace ikevpn::crypto {

// The signed octets. real_message: the first message we sent (IKE_SA_INIT
// request for the initiator, response for the responder), as on the wire.
// peer_nonce: the other side's Nonce Data. sk_p: our SK_pi (initiator) or
// SK_pr (responder). id_body: our ID payload without its generic header
// (ID Type | RESERVED | Identification Data).
Result<Bytes> SignedOctets(Prf& prf, ByteSpan real_message, ByteSpan peer_nonce,
                           const SecretBytes& sk_p, ByteSpan id_body);

// AUTH Data for shared-key authentication. The result is what the AUTH
// payload carries after its method byte and reserved bytes; to check a
// peer's AUTH, compute it and compare with ConstantTimeEquals.
Result<SecretBytes> PskAuth(Prf& prf, ByteSpan shared_secret, ByteSpan signed_octets);
Result<SecretBytes> PskAuth(ike::PrfId prf_id, ByteSpan shared_secret, ByteSpan signed_octets);

}  // namespace ikevpn::crypto
