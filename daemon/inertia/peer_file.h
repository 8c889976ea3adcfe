// The address-inertia state file: what a responder remembers about each
// authenticated peer, as text (one record per line) with a checksum.
//
//   ikevpn-inertia 1
//   peer CONN ID-TYPE ID-DATA ID-TEXT ADDRESS PORT NAT VIRTUAL-IP SEEN
//   ...
//   end COUNT FNV1A64
//
// Fields are separated by one space. CONN, ID-DATA and ID-TEXT are hex
// (names and identities may hold any byte); VIRTUAL-IP is "-" when none;
// SEEN is wall-clock seconds. The end line counts the records and carries
// the 64-bit FNV-1a hash of every byte before it, so a truncated or
// damaged file is recognised as such (WriteFileAtomically already keeps
// torn writes from replacing a good file; the hash catches everything
// else: disk damage, a hand edit, a file from elsewhere).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"

namespace ikevpn::inertia {

struct PeerRecord {
  std::string connection;
  // The authenticated identity (RFC 7296 §3.5): ID type, payload data and
  // its printable form.
  uint8_t id_type = 0;
  Bytes id_data;
  std::string id_text;
  Endpoint address;          // where its IKE messages came from last
  bool behind_nat = false;   // NAT detected: reach it from the NAT-T port
  std::optional<IpAddress> virtual_ip;  // its lease, or its single-host TS
  int64_t seen = 0;          // wall-clock seconds

  friend bool operator==(const PeerRecord&, const PeerRecord&) = default;
};

std::string EncodePeerFile(const std::vector<PeerRecord>& records);

// The records, or kInvalidArgument naming the line and what is wrong.
// Never crashes on any input.
Result<std::vector<PeerRecord>> ParsePeerFile(std::string_view text);

}  // namespace ikevpn::inertia
