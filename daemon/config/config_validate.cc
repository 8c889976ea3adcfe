#include "daemon/config/config_validate.h"

#include <map>

#include "daemon/config/values.h"

namespace ikevpn::config {
namespace {

std::string Secs(Seconds s) { return std::to_string(s.count()) + "s"; }

// The first of the keys that is set, else the section header.
int LineOfAny(const IniSection& section, const SeenKeys& seen,
              std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    if (int l = seen.LineOf(k)) return l;
  }
  return section.line;
}

void CheckLifetime(const IniSection& section, const SeenKeys& seen, const std::string& file,
                   const std::string& prefix, const Lifetime& l, Diagnostics* diags) {
  if (l.rekey_margin + l.jitter < l.lifetime) return;
  std::string lifetime = prefix + "-lifetime", margin = prefix + "-rekey-margin",
              jitter = prefix + "-rekey-jitter";
  diags->Error(file, LineOfAny(section, seen, {margin, jitter, lifetime}),
               margin + " (" + Secs(l.rekey_margin) + ") plus " + jitter + " (" + Secs(l.jitter) +
                   ") must be shorter than " + lifetime + " (" + Secs(l.lifetime) + ")");
}

void CheckAuth(const IniSection& section, const SeenKeys& seen, const std::string& file,
               const Connection& c, Diagnostics* diags) {
  const std::string conn = "connection '" + c.name + "': ";
  bool uses_psk = c.auth == AuthMethod::kPsk || c.remote_auth == AuthMethod::kPsk;
  if (c.psk) WarnIfWeakPsk(c.psk->value, file, seen.LineOf("psk"), diags);
  if (c.psk && !uses_psk) {
    diags->Error(file, seen.LineOf("psk"), "psk is set but neither auth nor remote-auth is psk");
  }
  if (c.auth == AuthMethod::kPubkey) {
    for (std::string_view k : {"cert", "key"}) {
      if (!seen.Has(k))
        diags->Error(file, section.line, conn + "auth = pubkey needs " + std::string(k));
    }
  } else {
    for (std::string_view k : {"cert", "key"}) {
      if (seen.Has(k))
        diags->Error(file, seen.LineOf(k), std::string(k) + " is set but auth = psk");
    }
  }
  if (c.remote_auth == AuthMethod::kPubkey && !seen.Has("ca")) {
    diags->Error(file, section.line, conn + "remote-auth = pubkey needs ca");
  }
  if (c.remote_auth == AuthMethod::kPsk && seen.Has("ca")) {
    diags->Error(file, seen.LineOf("ca"), "ca is set but remote-auth = psk");
  }
}

void CheckEndpoints(const IniSection& section, const SeenKeys& seen, const std::string& file,
                    const Connection& c, Diagnostics* diags) {
  if (c.start_action != StartAction::kNone && c.remote.is_any()) {
    std::string action = c.start_action == StartAction::kStart ? "start" : "trap";
    if (!seen.Has("remote")) {
      diags->Error(file, section.line,
                   "connection '" + c.name + "': remote is required when start-action = " + action);
    } else {
      diags->Error(
          file, seen.LineOf("remote"),
          "remote = " + c.remote.text + " cannot be initiated to (start-action = " + action + ")");
    }
  }
  IpAddress::Family lf = c.local.address.family(), rf = c.remote.address.family();
  if (lf != IpAddress::Family::kNone && rf != IpAddress::Family::kNone && lf != rf) {
    diags->Error(
        file, seen.LineOf("remote"),
        "remote " + c.remote.text + " and local " + c.local.text + " are of different IP versions");
  }
}

void CheckInterface(const SeenKeys& seen, const std::string& file, Connection& c,
                    Diagnostics* diags) {
  if (c.interface.empty()) {
    if (c.if_id) {
      diags->Error(file, seen.LineOf("if-id"),
                   "if-id needs interface (pool interfaces get their if_id with the interface)");
    }
    return;
  }
  if (c.if_id) return;
  auto derived = IfIdFromInterfaceName(c.interface);
  if (derived.ok()) {
    c.if_id = *derived;
  } else {
    diags->Error(file, seen.LineOf("interface"), "interface: " + derived.status().message());
  }
}

void CheckRoadWarrior(const SeenKeys& seen, const std::string& file, const Connection& c,
                      Diagnostics* diags) {
  if (c.virtual_ip && !c.pools.empty()) {
    diags->Error(file, seen.LineOf("virtual-ip"),
                 "virtual-ip = yes (request an address) and pool (hand out addresses) "
                 "exclude each other");
  }
  if (!c.dns.empty() && c.pools.empty()) {
    diags->Warning(file, seen.LineOf("dns"),
                   "dns is only sent along with a pool address; set pool");
  }
  if (seen.Has("reauth-interval") && !c.reauth) {
    diags->Warning(file, seen.LineOf("reauth-interval"),
                   "reauth-interval has no effect without reauth = yes");
  }
}

// The identity a side uses when no *-id is set: its address, if literal.
std::optional<Identity> EffectiveId(const std::optional<Identity>& id, const Host& host) {
  if (id) return id;
  if (host.kind != Host::Kind::kAddress) return std::nullopt;
  auto b = host.address.bytes();
  return Identity{host.address.is_v4() ? ike::IdType::kIpv4Addr : ike::IdType::kIpv6Addr,
                  Bytes(b.begin(), b.end()), host.text};
}

TsSpec DefaultTs(Mode mode) {
  if (mode == Mode::kTransport) return TsSpec{true, {}};
  return TsSpec{
      false,
      {TrafficSelector::All(IpAddress::Family::kV4), TrafficSelector::All(IpAddress::Family::kV6)}};
}

}  // namespace

void FinishConnection(const IniSection& section, const SeenKeys& seen, const std::string& file,
                      Connection& c, Diagnostics* diags) {
  if (!seen.Has("auth")) {
    diags->Error(file, section.line,
                 "connection '" + c.name + "': auth is required (psk or pubkey)");
  }
  if (!seen.Has("remote-auth")) c.remote_auth = c.auth;
  if (!seen.Has("local-ts")) c.local_ts = c.virtual_ip ? TsSpec{true, {}} : DefaultTs(c.mode);
  if (!seen.Has("remote-ts")) c.remote_ts = DefaultTs(c.mode);
  CheckAuth(section, seen, file, c, diags);
  CheckEndpoints(section, seen, file, c, diags);
  CheckInterface(seen, file, c, diags);
  CheckRoadWarrior(seen, file, c, diags);
  CheckLifetime(section, seen, file, "ike", c.ike_lifetime, diags);
  CheckLifetime(section, seen, file, "child", c.child_lifetime, diags);
}

void CheckGlobals(const SeenKeys& seen, const std::string& file, const GlobalSettings& g,
                  Diagnostics* diags) {
  if (g.cookie_threshold > g.half_open_limit) {
    diags->Error(file,
                 seen.LineOf("cookie-threshold") ? seen.LineOf("cookie-threshold")
                                                 : seen.LineOf("half-open-limit"),
                 "cookie-threshold (" + std::to_string(g.cookie_threshold) +
                     ") must not exceed half-open-limit (" + std::to_string(g.half_open_limit) +
                     ")");
  }
  if (g.port == g.port_nat_t) {
    diags->Error(file, seen.LineOf("port-nat-t") ? seen.LineOf("port-nat-t") : seen.LineOf("port"),
                 "port and port-nat-t must differ (both " + std::to_string(g.port) + ")");
  }
}

void CheckConnections(const std::vector<Connection>& conns,
                      const std::vector<ConnectionSource>& sources, const std::string& file,
                      Diagnostics* diags) {
  std::map<uint32_t, size_t> by_if_id;         // if_id -> first connection
  std::map<std::string, size_t> by_interface;  // interface -> first connection
  for (size_t i = 0; i < conns.size(); ++i) {
    const Connection& c = conns[i];
    if (c.interface.empty() || !c.if_id) continue;
    auto where = [&](size_t j) {
      return "connection '" + conns[j].name + "', line " + std::to_string(sources[j].if_id_line);
    };
    auto [it, fresh] = by_interface.emplace(c.interface, i);
    if (!fresh && conns[it->second].if_id != c.if_id) {
      diags->Error(file, sources[i].if_id_line,
                   "interface " + c.interface + " has if_id " + std::to_string(*c.if_id) +
                       " here but " + std::to_string(*conns[it->second].if_id) + " in " +
                       where(it->second));
      continue;
    }
    auto [jt, id_fresh] = by_if_id.emplace(*c.if_id, i);
    if (!id_fresh && conns[jt->second].interface != c.interface) {
      diags->Error(file, sources[i].if_id_line,
                   "if_id " + std::to_string(*c.if_id) + " of interface " + c.interface +
                       " is already used by interface " + conns[jt->second].interface + " (" +
                       where(jt->second) + ")");
    }
  }
}

std::optional<std::string> MissingPsk(const Connection& c, const Secrets& secrets) {
  bool uses_psk = c.auth == AuthMethod::kPsk || c.remote_auth == AuthMethod::kPsk;
  if (!uses_psk || c.psk) return std::nullopt;
  auto local = EffectiveId(c.local_id, c.local);
  auto remote = EffectiveId(c.remote_id, c.remote);
  if (secrets.FindPsk(local ? &*local : nullptr, remote ? &*remote : nullptr)) return std::nullopt;
  return "connection '" + c.name + "': no psk for local-id " + (local ? local->text : "(any)") +
         " and remote-id " + (remote ? remote->text : "(any)") +
         " (set psk, or add one to the secrets file)";
}

}  // namespace ikevpn::config
