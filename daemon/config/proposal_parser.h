// Proposal strings <-> ike::Proposals.
//
//   "aes256gcm16-prfsha384-x25519, aes256-sha256-modp2048"
//
// ',' separates proposals (in preference order), '-' separates algorithms
// within one; several algorithms of one kind in a proposal are alternatives
// (RFC 7296 §3.3). Tokens may come in any order and are case-insensitive.
//
// Rules:
//   - every proposal needs an encryption algorithm;
//   - AEAD (aes*gcm16, chacha20poly1305) takes no integrity algorithm, and
//     may not share a proposal with CBC encryption;
//   - CBC (aes128/192/256) needs an integrity algorithm;
//   - IKE: needs a key exchange group; the PRF, if none is given, is derived
//     from the integrity algorithms (sha256 -> prfsha256, ...), or is
//     prfsha256 for AEAD proposals; esn/noesn are not allowed;
//   - ESP: no PRF; a group is optional and means PFS; without esn/noesn the
//     proposal gets noesn (ESN is a mandatory ESP transform type).
#pragma once

#include <string>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/ike/proposal.h"

namespace ikevpn::config {

inline constexpr std::string_view kDefaultIkeProposals =
    "aes256gcm16-prfsha384-x25519-ecp384-ecp256, "
    "chacha20poly1305-prfsha256-x25519-ecp256, "
    "aes256-sha256-modp3072-modp2048";
inline constexpr std::string_view kDefaultEspProposals =
    "aes256gcm16, chacha20poly1305, aes256-sha256";

// `protocol` is kIke or kEsp. Proposals are numbered from 1.
Result<ike::Proposals> ParseProposals(std::string_view text, ike::ProtocolId protocol);

ike::Proposals DefaultIkeProposals();
ike::Proposals DefaultEspProposals();

// "aes256gcm16-prfsha384-x25519"; ParseProposals(ToString(p)) gives p back
// for anything ParseProposals made. Transforms without a name print as
// "encr12/128". An ESP proposal's lone noesn is left out.
std::string ToString(const ike::Proposal& proposal);
// Proposals joined by ", ".
std::string ToString(const ike::Proposals& proposals);

}  // namespace ikevpn::config
