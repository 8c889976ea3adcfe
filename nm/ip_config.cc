#include "nm/ip_config.h"

#include <cstring>
#include <tuple>

namespace ikevpn::nm {
namespace {

std::vector<uint8_t> Bytes(const IpAddress& a) { return {a.bytes().begin(), a.bytes().end()}; }

const Prefix* FirstOf(const std::vector<Prefix>& prefixes, IpAddress::Family f) {
  for (const Prefix& p : prefixes) {
    if (p.address.family() == f) return &p;
  }
  return nullptr;
}

bool IsDefault(const Prefix& p) { return p.length == 0; }

}  // namespace

uint32_t NetworkOrder(const IpAddress& v4) {
  uint32_t v = 0;
  std::memcpy(&v, v4.bytes().data(), 4);
  return v;
}

VariantMap BuildConfig(const TunnelInfo& t) {
  VariantMap c;
  if (t.gateway.is_v4()) {
    c["gateway"] = sdbus::Variant(NetworkOrder(t.gateway));
  } else {
    c["gateway"] = sdbus::Variant(Bytes(t.gateway));
  }
  c["tundev"] = sdbus::Variant(t.tundev);
  c["mtu"] = sdbus::Variant(t.mtu);
  c["has-ip4"] = sdbus::Variant(FirstOf(t.addresses, IpAddress::Family::kV4) != nullptr);
  c["has-ip6"] = sdbus::Variant(FirstOf(t.addresses, IpAddress::Family::kV6) != nullptr);
  return c;
}

VariantMap BuildIp4Config(const TunnelInfo& t) {
  const Prefix* addr = FirstOf(t.addresses, IpAddress::Family::kV4);
  if (!addr) return {};
  VariantMap c;
  c["address"] = sdbus::Variant(NetworkOrder(addr->address));
  c["prefix"] = sdbus::Variant(uint32_t{addr->length});
  std::vector<std::vector<uint32_t>> routes;
  bool full = false;
  for (const Prefix& r : t.routes) {
    if (!r.address.is_v4()) continue;
    if (IsDefault(r)) {
      full = true;  // NetworkManager makes the default route itself
      continue;
    }
    routes.push_back({NetworkOrder(r.First()), uint32_t{r.length}, 0, 0});
  }
  c["routes"] = sdbus::Variant(routes);
  c["never-default"] = sdbus::Variant(!full);
  std::vector<uint32_t> dns;
  for (const IpAddress& d : t.dns) {
    if (d.is_v4()) dns.push_back(NetworkOrder(d));
  }
  if (!dns.empty()) c["dns"] = sdbus::Variant(dns);
  return c;
}

VariantMap BuildIp6Config(const TunnelInfo& t) {
  const Prefix* addr = FirstOf(t.addresses, IpAddress::Family::kV6);
  if (!addr) return {};
  VariantMap c;
  c["address"] = sdbus::Variant(Bytes(addr->address));
  c["prefix"] = sdbus::Variant(uint32_t{addr->length});
  using Route = sdbus::Struct<std::vector<uint8_t>, uint32_t, std::vector<uint8_t>, uint32_t>;
  std::vector<Route> routes;
  bool full = false;
  for (const Prefix& r : t.routes) {
    if (!r.address.is_v6()) continue;
    if (IsDefault(r)) {
      full = true;
      continue;
    }
    routes.push_back(Route(std::make_tuple(Bytes(r.First()), uint32_t{r.length},
                                           Bytes(IpAddress::Any(IpAddress::Family::kV6)), 0u)));
  }
  c["routes"] = sdbus::Variant(routes);
  c["never-default"] = sdbus::Variant(!full);
  std::vector<std::vector<uint8_t>> dns;
  for (const IpAddress& d : t.dns) {
    if (d.is_v6()) dns.push_back(Bytes(d));
  }
  if (!dns.empty()) c["dns"] = sdbus::Variant(dns);
  return c;
}

}  // namespace ikevpn::nm
