// The address-inertia state file: what a responder remembers about each
// authenticated peer, as text (one record per line) with checksums. It is a
// snapshot, optionally followed by a journal of changes (peer_journal.h):
//
//   ikevpn-inertia 2
//   peer CONN ID-TYPE ID-DATA ID-TEXT ADDRESS PORT NAT VIRTUAL-IP SEEN
//   ...
//   end COUNT FNV1A64
//   (journal batches, see peer_journal.h)
//
// Fields are separated by one space. CONN, ID-DATA and ID-TEXT are hex
// (names and identities may hold any byte); VIRTUAL-IP is "-" when none;
// SEEN is wall-clock seconds. The end line counts the records and carries
// the 64-bit FNV-1a hash of every byte before it, so a truncated or
// damaged snapshot is recognised as such (WriteFileAtomically already keeps
// torn writes from replacing a good file; the hash catches everything
// else: disk damage, a hand edit, a file from elsewhere).
//
// Version 1 (written before the journal existed) is the same snapshot under
// the header "ikevpn-inertia 1", with nothing after the end line; it is
// still read, and rewritten as version 2 on the next write.
#pragma once

#include <cstdint>
#include <memory>
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

// One change to the remembered peers: remember `record` (replacing what was
// known of its connection and identity), or, with `forget`, drop the peer
// named by record.connection, id_type and id_data (the other fields unused).
struct PeerOp {
  bool forget = false;
  PeerRecord record;

  friend bool operator==(const PeerOp&, const PeerOp&) = default;
};

// A snapshot file (the current version).
std::string EncodePeerFile(const std::vector<PeerRecord>& records);
// The same from records shared with the thread that owns them.
std::string EncodeSharedPeerFile(const std::vector<std::shared_ptr<const PeerRecord>>& records);

// The records of a snapshot file of either version with nothing after it,
// or kInvalidArgument naming the line and what is wrong. Never crashes on
// any input.
Result<std::vector<PeerRecord>> ParsePeerFile(std::string_view text);

struct PeerSnapshot {
  int version = 0;                  // 1 or 2
  std::vector<PeerRecord> records;
  size_t bytes = 0;                 // through the end line's newline
  size_t lines = 0;
};
// The snapshot at the start of `text`, which may go on after its end line.
Result<PeerSnapshot> ParsePeerSnapshot(std::string_view text);

// One change as one line, newline included: "peer ..." or
// "forget CONN ID-TYPE ID-DATA".
std::string EncodePeerOp(const PeerOp& op);
// A line (without its newline) made by EncodePeerOp; `line` numbers errors.
Result<PeerOp> ParsePeerOp(std::string_view text, size_t line);

// The checksum of the file's sections: FNV-1a 64, as 16 hex digits.
uint64_t PeerFileHash(std::string_view data);
std::string PeerFileHashHex(std::string_view data);
bool ParsePeerFileHash(std::string_view hex, uint64_t* out);

}  // namespace ikevpn::inertia
