#include "daemon/inertia/peer_file.h"

#include <charconv>

namespace ikevpn::inertia {

namespace {

constexpr std::string_view kMagic1 = "ikevpn-inertia 1";
constexpr std::string_view kMagic2 = "ikevpn-inertia 2";
// A record line is well under this; longer lines are not ours.
constexpr size_t kMaxLine = 4096;

std::string HexOf(std::string_view s) {
  return ToHex(ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

std::string HexField(const std::string& s) { return s.empty() ? "-" : HexOf(s); }

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t sp = line.find(' ', start);
    out.push_back(line.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

template <typename T>
bool ParseNumber(std::string_view s, T* out, int base = 10) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseHexField(std::string_view s, Bytes* out) {
  out->clear();
  if (s == "-") return true;
  // FromHex ignores whitespace; a field has none (split on spaces).
  return !s.empty() && FromHex(s, out);
}

bool ParseHexText(std::string_view s, std::string* out) {
  Bytes b;
  if (!ParseHexField(s, &b)) return false;
  out->assign(b.begin(), b.end());
  return true;
}

Status LineError(size_t line, const std::string& what) {
  return Status(Code::kInvalidArgument, "line " + std::to_string(line) + ": " + what);
}

// Fields 1-3: connection and identity, the key of a record.
Status ParseKey(const std::vector<std::string_view>& f, size_t line, PeerRecord* r) {
  if (!ParseHexText(f[1], &r->connection) || r->connection.empty()) return LineError(line, "bad connection name");
  unsigned type = 0;
  if (!ParseNumber(f[2], &type) || type == 0 || type > 255) return LineError(line, "bad identity type");
  r->id_type = static_cast<uint8_t>(type);
  if (!ParseHexField(f[3], &r->id_data) || r->id_data.empty()) return LineError(line, "bad identity data");
  return Status::Ok();
}

Result<PeerRecord> ParseRecord(const std::vector<std::string_view>& f, size_t line) {
  if (f.size() != 10) return LineError(line, "a peer record has 10 fields, not " + std::to_string(f.size()));
  PeerRecord r;
  IKEVPN_RETURN_IF_ERROR(ParseKey(f, line, &r));
  if (!ParseHexText(f[4], &r.id_text)) return LineError(line, "bad identity text");
  auto addr = IpAddress::Parse(f[5]);
  if (!addr) return LineError(line, "bad address");
  r.address.address = *addr;
  if (!ParseNumber(f[6], &r.address.port) || r.address.port == 0) return LineError(line, "bad port");
  if (f[7] != "0" && f[7] != "1") return LineError(line, "bad NAT flag");
  r.behind_nat = f[7] == "1";
  if (f[8] != "-") {
    auto vip = IpAddress::Parse(f[8]);
    if (!vip) return LineError(line, "bad virtual IP");
    r.virtual_ip = *vip;
  }
  if (!ParseNumber(f[9], &r.seen) || r.seen < 0) return LineError(line, "bad time");
  return r;
}

}  // namespace

uint64_t PeerFileHash(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string PeerFileHashHex(std::string_view data) {
  char hash[16];
  std::to_chars_result res = std::to_chars(hash, hash + 16, PeerFileHash(data), 16);
  std::string h(hash, res.ptr);
  return std::string(16 - h.size(), '0') + h;
}

bool ParsePeerFileHash(std::string_view hex, uint64_t* out) { return hex.size() == 16 && ParseNumber(hex, out, 16); }

namespace {

std::string KeyFields(const PeerRecord& r) {
  return HexField(r.connection) + " " + std::to_string(r.id_type) + " " +
         (r.id_data.empty() ? std::string("-") : ToHex(r.id_data));
}

std::string PeerLine(const PeerRecord& r) {
  return "peer " + KeyFields(r) + " " + HexField(r.id_text) + " " + r.address.address.ToString() + " " +
         std::to_string(r.address.port) + " " + (r.behind_nat ? "1" : "0") + " " +
         (r.virtual_ip ? r.virtual_ip->ToString() : std::string("-")) + " " + std::to_string(r.seen) + "\n";
}

}  // namespace

std::string EncodePeerOp(const PeerOp& op) {
  return op.forget ? "forget " + KeyFields(op.record) + "\n" : PeerLine(op.record);
}

Result<PeerOp> ParsePeerOp(std::string_view text, size_t line) {
  if (text.size() > kMaxLine) return LineError(line, "line too long");
  std::vector<std::string_view> f = Split(text);
  PeerOp op;
  if (f[0] == "peer") {
    IKEVPN_ASSIGN_OR_RETURN(op.record, ParseRecord(f, line));
    return op;
  }
  if (f[0] == "forget") {
    if (f.size() != 4) return LineError(line, "a forget record has 4 fields, not " + std::to_string(f.size()));
    op.forget = true;
    IKEVPN_RETURN_IF_ERROR(ParseKey(f, line, &op.record));
    return op;
  }
  return LineError(line, "unknown record \"" + std::string(f[0].substr(0, 32)) + "\"");
}

namespace {

// `get` gives the record of an element of `records`.
template <typename Records, typename Get>
std::string EncodeSnapshot(const Records& records, Get get) {
  std::string out(kMagic2);
  out += '\n';
  for (const auto& e : records) out += PeerLine(get(e));
  out += "end " + std::to_string(records.size()) + " " + PeerFileHashHex(out) + "\n";
  return out;
}

}  // namespace

std::string EncodePeerFile(const std::vector<PeerRecord>& records) {
  return EncodeSnapshot(records, [](const PeerRecord& r) -> const PeerRecord& { return r; });
}

std::string EncodeSharedPeerFile(const std::vector<std::shared_ptr<const PeerRecord>>& records) {
  return EncodeSnapshot(records, [](const std::shared_ptr<const PeerRecord>& r) -> const PeerRecord& { return *r; });
}

Result<PeerSnapshot> ParsePeerSnapshot(std::string_view text) {
  PeerSnapshot snap;
  size_t pos = 0, line = 0;
  while (pos < text.size()) {
    ++line;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return LineError(line, "unterminated line (truncated file?)");
    std::string_view l = text.substr(pos, nl - pos);
    if (l.size() > kMaxLine) return LineError(line, "line too long");
    if (line == 1) {
      if (l == kMagic1) {
        snap.version = 1;
      } else if (l == kMagic2) {
        snap.version = 2;
      } else {
        return LineError(1, "not an ikevpn inertia file (want \"" + std::string(kMagic2) + "\")");
      }
      pos = nl + 1;
      continue;
    }
    std::vector<std::string_view> f = Split(l);
    if (f[0] == "end") {
      size_t count = 0;
      uint64_t hash = 0;
      if (f.size() != 3 || !ParseNumber(f[1], &count) || !ParsePeerFileHash(f[2], &hash))
        return LineError(line, "bad end line");
      if (count != snap.records.size())
        return LineError(line, "end line counts " + std::to_string(count) + " records, the file has " +
                                   std::to_string(snap.records.size()));
      if (hash != PeerFileHash(text.substr(0, pos))) return LineError(line, "checksum mismatch (damaged file)");
      snap.bytes = nl + 1;
      snap.lines = line;
      return snap;
    }
    if (f[0] != "peer") return LineError(line, "unknown record \"" + std::string(f[0].substr(0, 32)) + "\"");
    IKEVPN_ASSIGN_OR_RETURN(PeerRecord r, ParseRecord(f, line));
    snap.records.push_back(std::move(r));
    pos = nl + 1;
  }
  if (line == 0) return LineError(1, "empty file");
  return LineError(line, "no end line (truncated file?)");
}

Result<std::vector<PeerRecord>> ParsePeerFile(std::string_view text) {
  IKEVPN_ASSIGN_OR_RETURN(PeerSnapshot snap, ParsePeerSnapshot(text));
  if (snap.bytes != text.size()) return LineError(snap.lines + 1, "data after the end line");
  return std::move(snap.records);
}

}  // namespace ikevpn::inertia
