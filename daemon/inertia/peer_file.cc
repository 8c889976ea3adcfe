#include "daemon/inertia/peer_file.h"

#include <charconv>

namespace ikevpn::inertia {

namespace {

constexpr std::string_view kMagic = "ikevpn-inertia 1";
// A record line is well under this; longer lines are not ours.
constexpr size_t kMaxLine = 4096;

uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

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

Result<PeerRecord> ParseRecord(const std::vector<std::string_view>& f, size_t line) {
  if (f.size() != 10) return LineError(line, "a peer record has 10 fields, not " + std::to_string(f.size()));
  PeerRecord r;
  if (!ParseHexText(f[1], &r.connection) || r.connection.empty()) return LineError(line, "bad connection name");
  unsigned type = 0;
  if (!ParseNumber(f[2], &type) || type == 0 || type > 255) return LineError(line, "bad identity type");
  r.id_type = static_cast<uint8_t>(type);
  if (!ParseHexField(f[3], &r.id_data) || r.id_data.empty()) return LineError(line, "bad identity data");
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

std::string EncodePeerFile(const std::vector<PeerRecord>& records) {
  std::string out(kMagic);
  out += '\n';
  for (const PeerRecord& r : records) {
    out += "peer " + HexField(r.connection) + " " + std::to_string(r.id_type) + " " +
           (r.id_data.empty() ? std::string("-") : ToHex(r.id_data)) + " " + HexField(r.id_text) + " " +
           r.address.address.ToString() + " " + std::to_string(r.address.port) + " " + (r.behind_nat ? "1" : "0") +
           " " + (r.virtual_ip ? r.virtual_ip->ToString() : std::string("-")) + " " + std::to_string(r.seen) + "\n";
  }
  char hash[17];
  std::to_chars_result res = std::to_chars(hash, hash + 16, Fnv1a64(out), 16);
  std::string h(hash, res.ptr);
  out += "end " + std::to_string(records.size()) + " " + std::string(16 - h.size(), '0') + h + "\n";
  return out;
}

Result<std::vector<PeerRecord>> ParsePeerFile(std::string_view text) {
  std::vector<PeerRecord> records;
  size_t pos = 0, line = 0;
  bool ended = false;
  while (pos < text.size()) {
    ++line;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return LineError(line, "unterminated line (truncated file?)");
    if (ended) return LineError(line, "data after the end line");
    std::string_view l = text.substr(pos, nl - pos);
    if (l.size() > kMaxLine) return LineError(line, "line too long");
    if (line == 1) {
      if (l != kMagic) return LineError(1, "not an ikevpn inertia file (want \"" + std::string(kMagic) + "\")");
      pos = nl + 1;
      continue;
    }
    std::vector<std::string_view> f = Split(l);
    if (f[0] == "peer") {
      IKEVPN_ASSIGN_OR_RETURN(PeerRecord r, ParseRecord(f, line));
      records.push_back(std::move(r));
    } else if (f[0] == "end") {
      size_t count = 0;
      uint64_t hash = 0;
      if (f.size() != 3 || !ParseNumber(f[1], &count) || f[2].size() != 16 || !ParseNumber(f[2], &hash, 16))
        return LineError(line, "bad end line");
      if (count != records.size())
        return LineError(line, "end line counts " + std::to_string(count) + " records, the file has " +
                                   std::to_string(records.size()));
      if (hash != Fnv1a64(text.substr(0, pos))) return LineError(line, "checksum mismatch (damaged file)");
      ended = true;
    } else {
      return LineError(line, "unknown record \"" + std::string(f[0].substr(0, 32)) + "\"");
    }
    pos = nl + 1;
  }
  if (line == 0) return LineError(1, "empty file");
  if (!ended) return LineError(line, "no end line (truncated file?)");
  return records;
}

}  // namespace ikevpn::inertia
