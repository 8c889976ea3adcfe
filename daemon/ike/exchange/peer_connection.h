// Which connection a peer's IKE_SA belongs to, on the responder. IKE_SA_INIT
// only shows addresses, so the Engine takes the best candidate by address;
// IKE_AUTH shows who the peer is (IDi) and whom it wants to talk to (IDr),
// and the choice is made again (RFC 7296 §2.15: the responder picks its
// policy from the identities), so several connections may share the same
// addresses (remote = %any) and differ by remote-id, PSK or certificate.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "daemon/config/connection.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// What the responder knows of the peer at a point of the exchange.
struct PeerFacts {
  IpAddress local;                             // where the request arrived
  IpAddress remote;                            // where it came from
  const config::Identity* peer_id = nullptr;   // IDi (IKE_AUTH)
  const config::Identity* our_id = nullptr;    // IDr, if the peer sent one
  std::optional<bool> peer_uses_psk;           // the method of its AUTH
};

using ConnectionMap = std::map<std::string, std::shared_ptr<const config::Connection>>;

// The connection that fits `facts` best, or null if none accepts the peer.
// A candidate must accept both addresses (the address itself or %any of
// any/the right family), the peer's identity (remote-id, if set), the
// identity asked of us (local-id, if set and IDr was sent) and the peer's
// way of authenticating (remote-auth). Among candidates a configured
// remote-id that matches weighs most, then a local-id matching IDr, then a
// literal remote address, then a literal local address; on a tie `current`
// stays, else the first by name.
std::shared_ptr<const config::Connection> SelectResponderConnection(const ConnectionMap& connections,
                                                                    const PeerFacts& facts,
                                                                    const config::Connection* current);

// IKE_AUTH on the responder, after reading IDi: moves the SA to the
// connection that fits the peer's identities best (a no-op if that is its
// connection already, or if none fits: authentication then fails on the
// current one with its reason).
void ReselectByIdentity(Engine& engine, IkeSa& sa, const Message& request, const config::Identity& peer);

}  // namespace ikevpn::ike
