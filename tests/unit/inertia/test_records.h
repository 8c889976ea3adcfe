// Sample peers for the inertia tests.
#pragma once

#include "daemon/inertia/peer_file.h"

namespace ikevpn::inertia {

inline PeerRecord SamplePeer(int n, bool nat = false) {
  PeerRecord r;
  r.connection = "rw";
  r.id_type = 2;  // ID_FQDN
  r.id_text = "client" + std::to_string(n) + ".example.org";
  r.id_data = Bytes(r.id_text.begin(), r.id_text.end());
  r.address = Endpoint{*IpAddress::Parse("192.0.2." + std::to_string(n)), static_cast<uint16_t>(nat ? 40000 + n : 500)};
  r.behind_nat = nat;
  if (n % 2 == 0) r.virtual_ip = IpAddress::Parse("10.99.0." + std::to_string(n));
  r.seen = 1700000000 + n;
  return r;
}

// A file main wrote before the journal existed: version 1, EncodePeerFile
// of SamplePeer(1) and SamplePeer(2, true) by that version's code.
constexpr std::string_view kVersion1File =
    "ikevpn-inertia 1\n"
    "peer 7277 2 636c69656e74312e6578616d706c652e6f7267 636c69656e74312e6578616d706c652e6f7267 192.0.2.1 500 0 - "
    "1700000001\n"
    "peer 7277 2 636c69656e74322e6578616d706c652e6f7267 636c69656e74322e6578616d706c652e6f7267 192.0.2.2 40002 1 "
    "10.99.0.2 1700000002\n"
    "end 2 992fdb68876eb1d4\n";

}  // namespace ikevpn::inertia
