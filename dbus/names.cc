#include "dbus/names.h"

namespace ikevpn::dbus {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (IsAsciiDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper-case hex is never produced, so it is not accepted
}

}  // namespace

std::string EscapePathElement(std::string_view s) {
  if (s.empty()) return "_";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 3);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsAsciiAlpha(c) || (IsAsciiDigit(c) && i > 0)) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '_';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out;
}

std::optional<std::string> UnescapePathElement(std::string_view s) {
  if (s == "_") return std::string();
  if (s.empty()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '_') {
      if (!IsAsciiAlpha(c) && !(IsAsciiDigit(c) && i > 0)) return std::nullopt;
      out += c;
      continue;
    }
    if (s.size() - i < 3) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::string ConnectionPath(std::string_view name) {
  return std::string(kDaemonPath) + "/connection/" + EscapePathElement(name);
}

std::string IkeSaPath(uint64_t id) { return std::string(kDaemonPath) + "/ike_sa/" + std::to_string(id); }

std::string ChildSaPath(uint64_t id) {
  return std::string(kDaemonPath) + "/child_sa/" + std::to_string(id);
}

}  // namespace ikevpn::dbus
