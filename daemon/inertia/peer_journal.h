// The journal that follows the snapshot in the inertia state file
// (peer_file.h): batches of changes, each closed by a commit line that
// counts its changes and hashes the batch's bytes before it (FNV-1a 64):
//
//   peer CONN ID-TYPE ID-DATA ID-TEXT ADDRESS PORT NAT VIRTUAL-IP SEEN
//   forget CONN ID-TYPE ID-DATA
//   ...
//   commit COUNT FNV1A64
//
// A batch is appended with one write and made durable with fdatasync, so a
// change costs one line instead of a rewrite of every peer. A batch counts
// as a whole or not at all: only once its commit line is complete and the
// hash matches. A crash in the middle of an append leaves a torn last batch
// (no complete commit line, or a hash that does not match because the
// blocks did not all reach the disk); it is ignored. A bad batch with more
// data after it is not a tear but damage: reading stops there and says so.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/inertia/peer_file.h"

namespace ikevpn::inertia {

// One batch, commit line included. `ops` must not be empty.
std::string EncodePeerBatch(const std::vector<PeerOp>& ops);

struct PeerLog {
  PeerSnapshot snapshot;
  std::vector<PeerOp> ops;  // the changes of the complete batches, in order
  size_t batches = 0;       // complete batches
  size_t valid_bytes = 0;   // the snapshot and the complete batches
  size_t torn_bytes = 0;    // an ignored torn last batch
  // Non-empty when a bad batch had data after it: what is wrong and where.
  // Neither it nor anything after it is in `ops`.
  std::string damage;
};

// The snapshot and the changes after it. kInvalidArgument (naming the line)
// when the snapshot itself is bad, or a version-1 file has anything after
// its end line: then nothing in the file can be trusted. Never crashes on
// any input.
Result<PeerLog> ParsePeerLog(std::string_view text);

}  // namespace ikevpn::inertia
