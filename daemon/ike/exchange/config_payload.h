// Virtual IPs over the configuration payload (RFC 7296 §3.15, §2.19) in
// IKE_AUTH, and what they put on the interface.
//
//   client:   CP(CFG_REQUEST) {INTERNAL_IP4_ADDRESS(), INTERNAL_IP4_DNS(), [IP6 likewise]} -->
//   gateway:  <-- CP(CFG_REPLY) {INTERNAL_IP4_ADDRESS(a), INTERNAL_IP4_NETMASK, INTERNAL_IP4_DNS(d)*,
//                               INTERNAL_IP4_SUBNET(local TS)*, [IP6 likewise]}
//             or, no address left: <-- N(INTERNAL_ADDRESS_FAILURE), no CHILD_SA
//
// The gateway leases addresses from its pool (pool::LeaseRegistry) by the
// peer's authenticated identity and narrows the peer's TSi to them; the
// client puts them on its ipsecN. Which side an SA is on follows its
// connection: `pool` makes a gateway, `virtual-ip` a client.
#pragma once

#include "daemon/base/status.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// Client: the CFG_REQUEST for the connection's `virtual-ip` families
// (nothing if it asks for none).
void AppendConfigRequest(const IkeSa& sa, Payloads& out);
// Client: takes the addresses and DNS servers of the CFG_REPLY into
// sa.virtual_ips / sa.dns. An error if an address was asked for and none
// came (the peer's INTERNAL_ADDRESS_FAILURE, or no CP at all).
Status ProcessConfigReply(IkeSa& sa, const Message& response);

// Gateway: answers a CFG_REQUEST with leased addresses (into
// sa.virtual_ips) and appends the CFG_REPLY; with no address to give,
// appends N(INTERNAL_ADDRESS_FAILURE) and returns the error. A request to a
// connection without a pool, or no request, is OK and adds nothing.
Status RespondConfigRequest(Engine& engine, IkeSa& sa, const Message& request, Payloads& out);

// Address inertia, gateway as initiator (TSr = the peer's remembered
// virtual IP): once the peer is authenticated, the leases its identity
// holds for the host selectors of `peer_ts` pass to this SA
// (sa.virtual_ips), so the gateway routes them and keeps them leased.
void ClaimPeerLeases(Engine& engine, IkeSa& sa, const TrafficSelectors& peer_ts);
// Address inertia, client as responder (its restarted gateway initiates):
// the new IKE_SA takes the virtual IPs of the stale IKE_SA with the same
// gateway, so TSr may name them. Before the CHILD_SA is negotiated.
void AdoptVirtualIps(Engine& engine, IkeSa& sa);

// After IKE_AUTH: the client adds its virtual IPs to its interface (or takes
// them over from a stale IKE_SA that has them there, AdoptVirtualIps), the
// gateway a host route per client virtual IP.
void InstallVirtualIps(Engine& engine, IkeSa& sa);
// The SA is gone: undo InstallVirtualIps; the gateway's leases become
// reserved for the peer's identity.
void ReleaseVirtualIps(Engine& engine, IkeSa& sa);
// An IKE rekey replaced `from` by `to` (§2.18): `to` now owns the virtual
// IPs, their routes and leases.
void HandOverVirtualIps(Engine& engine, IkeSa& from, IkeSa& to);

}  // namespace ikevpn::ike
