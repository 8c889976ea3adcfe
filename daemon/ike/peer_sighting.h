// PeerSighting: where an authenticated peer was seen, as the engine reports
// it for address inertia (an IKE_SA established, its first CHILD_SA up, the
// peer's address changed). A plain value; the daemon decides what to keep.
#pragma once

#include <optional>
#include <string>

#include "daemon/base/ip_address.h"
#include "daemon/config/connection.h"

namespace ikevpn::ike {

struct PeerSighting {
  uint64_t ike_sa_id = 0;
  std::string connection;
  config::Identity peer;  // authenticated, with its payload data
  Endpoint remote;        // where its messages come from
  bool behind_nat = false;  // a NAT is in front of it (IkeSa::natt.seen.remote)
  // The address leased to it (CP), else its CHILD_SA's remote traffic
  // selector when that is a single host.
  std::optional<IpAddress> virtual_ip;
};

}  // namespace ikevpn::ike
