#include "daemon/inertia/peer_journal.h"

#include <charconv>

namespace ikevpn::inertia {

namespace {

constexpr std::string_view kCommit = "commit ";

struct Batch {
  std::vector<PeerOp> ops;
  std::string error;  // empty when the batch is complete and good
  bool at_end = false;  // nothing follows it in the file
};

// The batch starting at `*pos` (line `*line` before it); advances both past it.
Batch ReadBatch(std::string_view text, size_t* pos, size_t* line) {
  Batch b;
  const size_t start = *pos;
  const size_t first_line = *line + 1;
  std::vector<std::string_view> lines;
  std::string_view commit;
  size_t commit_at = 0;
  while (commit.empty()) {
    size_t nl = text.find('\n', *pos);
    if (nl == std::string_view::npos) {
      b.error = "batch from line " + std::to_string(first_line) + " has no complete commit line";
      b.at_end = true;
      *pos = text.size();
      return b;
    }
    std::string_view l = text.substr(*pos, nl - *pos);
    ++*line;
    if (l.substr(0, kCommit.size()) == kCommit) {
      commit = l;
      commit_at = *pos;
    } else {
      lines.push_back(l);
    }
    *pos = nl + 1;
  }
  b.at_end = *pos == text.size();
  const std::string where = "batch at lines " + std::to_string(first_line) + "-" + std::to_string(*line) + ": ";
  std::string_view count_text = commit.substr(kCommit.size());
  size_t sp = count_text.find(' ');
  size_t count = 0;
  uint64_t hash = 0;
  if (sp == std::string_view::npos ||
      std::from_chars(count_text.data(), count_text.data() + sp, count).ptr != count_text.data() + sp ||
      !ParsePeerFileHash(count_text.substr(sp + 1), &hash)) {
    b.error = where + "bad commit line";
    return b;
  }
  if (hash != PeerFileHash(text.substr(start, commit_at - start))) {
    b.error = where + "checksum mismatch";
    return b;
  }
  if (count != lines.size()) {
    b.error = where + "the commit line counts " + std::to_string(count) + " changes, the batch has " +
              std::to_string(lines.size());
    return b;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    Result<PeerOp> op = ParsePeerOp(lines[i], first_line + i);
    if (!op.ok()) {
      b.error = op.status().message();
      b.ops.clear();
      return b;
    }
    b.ops.push_back(std::move(*op));
  }
  return b;
}

}  // namespace

std::string EncodePeerBatch(const std::vector<PeerOp>& ops) {
  std::string out;
  for (const PeerOp& op : ops) out += EncodePeerOp(op);
  out += std::string(kCommit) + std::to_string(ops.size()) + " " + PeerFileHashHex(out) + "\n";
  return out;
}

Result<PeerLog> ParsePeerLog(std::string_view text) {
  PeerLog log;
  IKEVPN_ASSIGN_OR_RETURN(log.snapshot, ParsePeerSnapshot(text));
  log.valid_bytes = log.snapshot.bytes;
  if (log.snapshot.version == 1 && log.snapshot.bytes != text.size()) {
    return Status(Code::kInvalidArgument,
                  "line " + std::to_string(log.snapshot.lines + 1) + ": data after the end line");
  }
  size_t pos = log.snapshot.bytes, line = log.snapshot.lines;
  while (pos < text.size()) {
    Batch b = ReadBatch(text, &pos, &line);
    if (!b.error.empty()) {
      if (b.at_end) {
        log.torn_bytes = text.size() - log.valid_bytes;
      } else {
        log.damage = b.error;
      }
      return log;
    }
    for (PeerOp& op : b.ops) log.ops.push_back(std::move(op));
    ++log.batches;
    log.valid_bytes = pos;
  }
  return log;
}

}  // namespace ikevpn::inertia
