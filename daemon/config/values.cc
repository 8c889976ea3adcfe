#include "daemon/config/values.h"

#include <algorithm>
#include <charconv>

#include "daemon/base/if_id.h"

namespace ikevpn::config {
namespace {

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// RFC 1123 host name: dot-separated labels of letters, digits and '-'.
bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);
  while (true) {
    size_t dot = s.find('.');
    std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    s = s.substr(dot + 1);
  }
}

Result<Bytes> ParseHex(std::string_view what, std::string_view hex) {
  Bytes out;
  if (hex.empty() || !FromHex(hex, &out)) return Invalid("bad hex in " + std::string(what));
  return out;
}

}  // namespace

// Comma-separated items, each parsed by `parse` (returning an optional).
template <typename Parse>
static auto ParseEach(std::string_view text, std::string_view error, Parse parse)
    -> Result<std::vector<typename decltype(parse(text))::value_type>> {
  IKEVPN_ASSIGN_OR_RETURN(auto items, SplitList(text));
  std::vector<typename decltype(parse(text))::value_type> out;
  for (const std::string& item : items) {
    auto v = parse(item);
    if (!v) return Invalid(std::string(error) + Quoted(item));
    out.push_back(*v);
  }
  return out;
}

Result<std::string> Unquote(std::string_view text) {
  if (text.empty() || text.front() != '"') return std::string(text);
  if (text.size() < 2 || text.back() != '"') return Invalid("unterminated quote");
  std::string out;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c == '"') return Invalid("unescaped '\"' inside quotes (write \\\")");
    if (c == '\\') {
      if (i + 2 >= text.size()) return Invalid("'\\' at the end of a quoted value");
      c = text[++i];
      if (c != '"' && c != '\\') return Invalid("unknown escape '\\" + std::string(1, c) + "'");
    }
    out += c;
  }
  return out;
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "yes" || text == "true" || text == "on" || text == "1") return true;
  if (text == "no" || text == "false" || text == "off" || text == "0") return false;
  return Invalid("expected yes or no, got " + Quoted(text));
}

Result<uint64_t> ParseUint(std::string_view text, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  bool whole = !text.empty() && p == text.data() + text.size();
  if (!whole || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return Invalid("expected a number, got " + Quoted(text));
  }
  if (ec == std::errc::result_out_of_range || v < min || v > max) {
    return Invalid(Quoted(text) + " is out of range " + std::to_string(min) + ".." +
                   std::to_string(max));
  }
  return v;
}

Result<Millis> ParseDuration(std::string_view text) {
  constexpr uint64_t kMaxMs = 10ull * 366 * 24 * 3600 * 1000;
  struct Unit {
    std::string_view suffix;
    uint64_t ms;
  };
  static constexpr Unit kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  std::string_view digits = text;
  uint64_t scale = 1000;
  for (const Unit& u : kUnits) {
    if (text.size() > u.suffix.size() && text.ends_with(u.suffix)) {
      digits = text.substr(0, text.size() - u.suffix.size());
      scale = u.ms;
      break;
    }
  }
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) {
    return Invalid("expected a duration such as 30s, 5m, 2h or 7d, got " + Quoted(text));
  }
  if (n > kMaxMs / scale) return Invalid("duration " + Quoted(text) + " is longer than ten years");
  return Millis(n * scale);
}

Result<Seconds> ParseSeconds(std::string_view text) {
  IKEVPN_ASSIGN_OR_RETURN(Millis ms, ParseDuration(text));
  if (ms.count() % 1000 != 0) return Invalid("duration " + Quoted(text) + " must be whole seconds");
  return std::chrono::duration_cast<Seconds>(ms);
}

Result<std::vector<std::string>> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    if (item.empty()) return Invalid("empty item in list");
    items.emplace_back(item);
    if (comma == std::string_view::npos) return items;
    text = text.substr(comma + 1);
  }
}

Result<Host> ParseHost(std::string_view text) {
  if (text == "%any") return Host{Host::Kind::kAny, "%any", IpAddress()};
  if (text == "%any4")
    return Host{Host::Kind::kAny, "%any4", IpAddress::Any(IpAddress::Family::kV4)};
  if (text == "%any6")
    return Host{Host::Kind::kAny, "%any6", IpAddress::Any(IpAddress::Family::kV6)};
  if (auto a = IpAddress::Parse(text)) return Host{Host::Kind::kAddress, std::string(text), *a};
  if (IsHostname(text)) return Host{Host::Kind::kHostname, std::string(text), IpAddress()};
  return Invalid("expected %any, an IP address or a host name, got " + Quoted(text));
}

Result<Identity> ParseIdentity(std::string_view text) {
  using ike::IdType;
  if (text.empty()) return Invalid("empty identity");
  std::string t(text);
  if (text.starts_with("keyid:")) {
    IKEVPN_ASSIGN_OR_RETURN(Bytes b, ParseHex("keyid", text.substr(6)));
    return Identity{IdType::kKeyId, std::move(b), t};
  }
  if (text.starts_with("asn1gn:")) {
    IKEVPN_ASSIGN_OR_RETURN(Bytes b, ParseHex("asn1gn", text.substr(7)));
    return Identity{IdType::kDerAsn1Gn, std::move(b), t};
  }
  if (auto a = IpAddress::Parse(text)) {
    Bytes b(a->bytes().begin(), a->bytes().end());
    return Identity{a->is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr, std::move(b), t};
  }
  if (text.front() == '@') {
    if (text.size() == 1) return Invalid("empty name after '@'");
    return Identity{IdType::kFqdn, Bytes(text.begin() + 1, text.end()), t};
  }
  size_t eq = text.find('=');
  if (eq != std::string_view::npos) {
    std::string_view attr = Trim(text.substr(0, eq));
    if (attr.empty() || attr.find_first_of(",/@ ") != std::string_view::npos) {
      return Invalid("distinguished name " + Quoted(text) + " must start with ATTR=value");
    }
    return Identity{IdType::kDerAsn1Dn, Bytes(), t};
  }
  if (text.find('@') != std::string_view::npos) {
    return Identity{IdType::kRfc822Addr, Bytes(text.begin(), text.end()), t};
  }
  if (text.find_first_of(" \t") != std::string_view::npos) {
    return Invalid("identity " + Quoted(text) + " contains spaces but is not a DN");
  }
  return Identity{IdType::kFqdn, Bytes(text.begin(), text.end()), t};
}

Result<TsSpec> ParseTsList(std::string_view text) {
  if (text == "dynamic") return TsSpec{true, {}};
  IKEVPN_ASSIGN_OR_RETURN(auto items, SplitList(text));
  TsSpec spec;
  for (const std::string& item : items) {
    if (item == "dynamic") {
      spec.dynamic = true;
      continue;
    }
    auto ts = TrafficSelector::Parse(item);
    if (!ts) {
      return Invalid("bad traffic selector " + Quoted(item) +
                     " (want 10.0.0.0/8, 10.0.0.1-10.0.0.9, 10.0.0.0/8[udp/53] or dynamic)");
    }
    spec.selectors.push_back(*ts);
  }
  return spec;
}

Result<std::vector<AddressRange>> ParsePools(std::string_view text) {
  IKEVPN_ASSIGN_OR_RETURN(auto items, SplitList(text));
  std::vector<AddressRange> pools;
  for (const std::string& item : items) {
    size_t dash = item.find('-');
    if (dash == std::string::npos) {
      auto p = Prefix::Parse(item);
      if (!p) return Invalid("bad pool " + Quoted(item) + " (want a CIDR prefix or first-last)");
      pools.push_back({p->First(), p->Last()});
      continue;
    }
    auto a = IpAddress::Parse(std::string_view(item).substr(0, dash));
    auto b = IpAddress::Parse(std::string_view(item).substr(dash + 1));
    if (!a || !b) return Invalid("bad pool range " + Quoted(item));
    if (a->family() != b->family())
      return Invalid("pool range " + Quoted(item) + " mixes IPv4 and IPv6");
    if (*b < *a) return Invalid("pool range " + Quoted(item) + " ends before it starts");
    pools.push_back({*a, *b});
  }
  return pools;
}

Result<std::vector<Prefix>> ParsePrefixList(std::string_view text) {
  return ParseEach(text, "bad address/prefix ",
                   [](std::string_view t) { return Prefix::Parse(t); });
}

Result<std::vector<IpAddress>> ParseAddressList(std::string_view text) {
  return ParseEach(text, "bad IP address ", [](std::string_view t) { return IpAddress::Parse(t); });
}

Result<SecretBytes> ParseSecret(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    IKEVPN_ASSIGN_OR_RETURN(Bytes b, ParseHex("secret", text.substr(2)));
    SecretBytes s{b};
    std::fill(b.begin(), b.end(), 0);
    return s;
  }
  if (text.empty()) return Invalid("empty secret");
  return SecretBytes(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Status CheckInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > 15) return Invalid("interface names have 1 to 15 characters");
  if (name == "." || name == "..") return Invalid("bad interface name " + Quoted(name));
  for (char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 127) {
      return Invalid("interface name " + Quoted(name) + " contains '/', ':' or whitespace");
    }
  }
  return Status::Ok();
}

Result<uint32_t> IfIdFromInterfaceName(std::string_view name) {
  size_t digits = name.find_last_not_of("0123456789") + 1;  // npos + 1 == 0
  if (digits == name.size()) {
    return Invalid("interface " + Quoted(name) + " has no number to derive if-id from; set if-id");
  }
  auto n = ParseUint(name.substr(digits), 0, kOwnedIfIds.last - kOwnedIfIds.first);
  if (!n.ok()) {
    return Invalid("interface number of " + Quoted(name) + " is above " +
                   std::to_string(kOwnedIfIds.last - kOwnedIfIds.first) + "; set if-id");
  }
  return *IfIdOfInterfaceNumber(*n);
}

Result<uint32_t> ParseIfId(std::string_view text) {
  bool hex = text.starts_with("0x") || text.starts_with("0X");
  std::string_view digits = hex ? text.substr(2) : text;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
  bool whole = !digits.empty() && ec == std::errc() && p == digits.data() + digits.size();
  if (!whole || v > kOwnedIfIds.last || !kOwnedIfIds.Contains(static_cast<uint32_t>(v))) {
    return Invalid("expected an if_id from " + std::to_string(kOwnedIfIds.first) + " to " +
                   std::to_string(kOwnedIfIds.last) + " (" + kOwnedIfIds.ToString() +
                   ", the range ikevpnd owns), got " + Quoted(text));
  }
  return static_cast<uint32_t>(v);
}

}  // namespace ikevpn::config
