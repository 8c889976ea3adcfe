#include "daemon/pool/lease_registry.h"

#include <optional>

#include "daemon/base/atomic_file.h"
#include "daemon/base/log.h"

namespace ikevpn::pool {

namespace {

constexpr std::string_view kHeader = "# ikevpn address leases v1\n";
constexpr size_t kMaxFileBytes = 8u << 20;

std::vector<std::string_view> SplitTabs(std::string_view line, size_t max_fields) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_fields) {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) break;
    out.push_back(line.substr(0, tab));
    line.remove_prefix(tab + 1);
  }
  out.push_back(line);
  return out;
}

// Identities come from peers: any byte may appear. Tabs, newlines and
// backslashes are escaped so every lease stays one line of four fields.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::optional<std::string> Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    switch (s[i]) {
      case '\\': out += '\\'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      default: return std::nullopt;
    }
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

LeaseRegistry::LeaseRegistry(std::string path) : path_(std::move(path)) {}

std::string LeaseRegistry::Serialize(const std::multimap<std::string, Lease>& leases) {
  std::string out(kHeader);
  for (const auto& [conn, l] : leases) {
    out += Escape(conn) + "\t" + l.address.ToString() + "\t" + std::to_string(l.last_seen) + "\t" + Escape(l.identity) +
           "\n";
  }
  return out;
}

Result<std::multimap<std::string, Lease>> LeaseRegistry::Parse(std::string_view text) {
  std::multimap<std::string, Lease> out;
  if (text.substr(0, kHeader.size()) != kHeader)
    return Status(Code::kInvalidArgument, "1: not an ikevpn lease file (bad header)");
  text.remove_prefix(kHeader.size());
  size_t line_no = 1;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos)
      return Status(Code::kInvalidArgument, std::to_string(line_no) + ": truncated (no end of line)");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto bad = [&](const std::string& what) {
      return Status(Code::kInvalidArgument, std::to_string(line_no) + ": " + what);
    };
    std::vector<std::string_view> f = SplitTabs(line, 4);
    if (f.size() != 4) return bad("want 4 tab-separated fields");
    Lease l;
    auto address = IpAddress::Parse(f[1]);
    if (!address) return bad("bad address '" + std::string(f[1]) + "'");
    l.address = *address;
    if (!ParseInt(f[2], &l.last_seen)) return bad("bad time '" + std::string(f[2]) + "'");
    auto conn = Unescape(f[0]);
    auto identity = Unescape(f[3]);
    if (!conn || !identity) return bad("bad escape sequence");
    if (conn->empty() || identity->empty()) return bad("empty connection or identity");
    l.identity = std::move(*identity);
    out.emplace(std::move(*conn), std::move(l));
  }
  return out;
}

Status LeaseRegistry::Load() {
  if (path_.empty()) return Status::Ok();
  auto text = ReadSmallFile(path_, kMaxFileBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return Status::Ok();
    IKEVPN_LOG(kDaemon, kError) << "lease file " << path_ << ": " << text.status().message()
                                << "; starting with no leases";
    return text.status();
  }
  auto parsed = Parse(*text);
  if (!parsed.ok()) {
    IKEVPN_LOG(kDaemon, kError) << "lease file " << path_ << ":" << parsed.status().message()
                                << "; it is corrupt, starting with no leases";
    return Status(parsed.status().code(), path_ + ":" + parsed.status().message());
  }
  parked_ = std::move(parsed).value();
  IKEVPN_LOG(kDaemon, kInfo) << "lease file " << path_ << ": " << parked_.size() << " lease(s)";
  return Status::Ok();
}

void LeaseRegistry::Configure(const std::vector<std::shared_ptr<const config::Connection>>& connections) {
  std::map<std::string, Entry> next;
  const bool had_pools = !pools_.empty();
  for (const auto& c : connections) {
    if (c->pools.empty()) continue;
    std::vector<IpAddress> excluded;
    for (const Prefix& p : c->interface_addresses) excluded.push_back(p.address);
    auto old = pools_.find(c->name);
    if (old != pools_.end() && old->second.ranges == c->pools && old->second.excluded == excluded) {
      next.emplace(c->name, std::move(old->second));
      continue;
    }
    Entry e{c->pools, excluded, AddressPool(c->pools, excluded)};
    if (old != pools_.end()) {
      for (const Lease& l : old->second.pool.Leases()) e.pool.Restore(l);
    }
    auto range = parked_.equal_range(c->name);
    for (auto it = range.first; it != range.second; ++it) e.pool.Restore(it->second);
    parked_.erase(range.first, range.second);
    next.emplace(c->name, std::move(e));
  }
  // Pools that went away park their leases.
  for (auto& [name, e] : pools_) {
    if (next.count(name)) continue;
    for (const Lease& l : e.pool.Leases()) parked_.emplace(name, l);
  }
  pools_ = std::move(next);
  // No pools before or now: nothing to write (no file on hosts without road warriors).
  if (had_pools || !pools_.empty()) Save();
}

Result<IpAddress> LeaseRegistry::Acquire(const std::string& connection, const std::string& identity,
                                         IpAddress::Family family, uint64_t owner, int64_t now) {
  auto it = pools_.find(connection);
  if (it == pools_.end()) return Status(Code::kNotFound, "connection " + connection + " has no address pool");
  auto address = it->second.pool.Acquire(identity, family, owner, now);
  if (address.ok()) Save();
  return address;
}

std::vector<IpAddress> LeaseRegistry::Release(const std::string& connection, const std::string& identity,
                                              uint64_t owner, int64_t now) {
  auto it = pools_.find(connection);
  if (it == pools_.end()) return {};
  std::vector<IpAddress> out = it->second.pool.Release(identity, owner, now);
  if (!out.empty()) Save();
  return out;
}

std::vector<Lease> LeaseRegistry::Leases(const std::string& connection) const {
  auto it = pools_.find(connection);
  return it == pools_.end() ? std::vector<Lease>{} : it->second.pool.Leases();
}

std::multimap<std::string, Lease> LeaseRegistry::All() const {
  std::multimap<std::string, Lease> all = parked_;
  for (const auto& [name, e] : pools_)
    for (const Lease& l : e.pool.Leases()) all.emplace(name, l);
  return all;
}

void LeaseRegistry::Save() {
  if (path_.empty()) return;
  if (Status s = WriteFileAtomically(path_, Serialize(All())); !s.ok())
    IKEVPN_LOG(kDaemon, kError) << "lease file " << path_ << ": " << s.ToString();
}

}  // namespace ikevpn::pool
