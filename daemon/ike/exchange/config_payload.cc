// RFC 7296 §3.15 configuration payload: the client's CFG_REQUEST, the
// gateway's CFG_REPLY from its address pool, and the interface addresses
// and host routes that follow from them.
//
// §3.15.1 attribute values used here:
//   INTERNAL_IP4_ADDRESS, _NETMASK, _DNS  4 octets (0 in a request)
//   INTERNAL_IP6_ADDRESS                  16 octets + 1 octet prefix length
//   INTERNAL_IP6_DNS                      16 octets
//   INTERNAL_IP4_SUBNET                   4 octets address + 4 octets netmask
//   INTERNAL_IP6_SUBNET                   16 octets + 1 octet prefix length
#include "daemon/ike/exchange/config_payload.h"

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/child_negotiation.h"
#include "daemon/pool/lease_registry.h"

namespace ikevpn::ike {

namespace {

using Family = IpAddress::Family;

bool IsGateway(const IkeSa& sa) { return !sa.connection().pools.empty(); }
bool IsClient(const IkeSa& sa) { return sa.connection().virtual_ip; }

CfgAttribute Attr(CfgAttr type, Bytes value = {}) { return {static_cast<uint16_t>(type), std::move(value)}; }

Bytes AddressBytes(const IpAddress& a) { return Bytes(a.bytes().begin(), a.bytes().end()); }

Bytes V4Mask(unsigned length) {
  return AddressBytes(IpAddress::Max(Family::kV4).Masked(length));
}

Bytes WithLength(const IpAddress& a, uint8_t length) {
  Bytes b = AddressBytes(a);
  b.push_back(length);
  return b;
}

uint8_t HostLength(Family f) { return f == Family::kV4 ? 32 : 128; }

// INTERNAL_IP4_SUBNET / INTERNAL_IP6_SUBNET for one of our selectors.
CfgAttribute SubnetAttr(const Prefix& p) {
  if (p.address.is_v4()) {
    Bytes b = AddressBytes(p.First());
    Bytes mask = V4Mask(p.length);
    b.insert(b.end(), mask.begin(), mask.end());
    return Attr(CfgAttr::kInternalIp4Subnet, std::move(b));
  }
  return Attr(CfgAttr::kInternalIp6Subnet, WithLength(p.First(), p.length));
}

const CpPayload* FindCp(const Message& m, CfgType type) {
  for (const CpPayload* cp : m.All<CpPayload>())
    if (cp->type == type) return cp;
  return nullptr;
}

bool Asked(const CpPayload& cp, CfgAttr attr) {
  for (const CfgAttribute& a : cp.attributes)
    if (a.type == static_cast<uint16_t>(attr)) return true;
  return false;
}

std::vector<Family> RequestedFamilies(const IkeSa& sa) {
  const auto& f = sa.connection().virtual_ip_families;
  return f.empty() ? std::vector<Family>{Family::kV4} : f;
}

}  // namespace

void AppendConfigRequest(const IkeSa& sa, Payloads& out) {
  if (!IsClient(sa)) return;
  // HDR, SK {IDi, AUTH, CP(CFG_REQUEST), SAi2, TSi, TSr} -->
  CpPayload cp{CfgType::kRequest, {}};
  for (Family f : RequestedFamilies(sa)) {
    const bool v4 = f == Family::kV4;
    cp.attributes.push_back(Attr(v4 ? CfgAttr::kInternalIp4Address : CfgAttr::kInternalIp6Address));
    cp.attributes.push_back(Attr(v4 ? CfgAttr::kInternalIp4Dns : CfgAttr::kInternalIp6Dns));
  }
  out.push_back(std::move(cp));
}

Status ProcessConfigReply(IkeSa& sa, const Message& m) {
  if (!IsClient(sa)) return Status::Ok();
  sa.virtual_ips.clear();
  sa.dns.clear();
  const CpPayload* cp = FindCp(m, CfgType::kReply);
  if (cp) {
    size_t subnets = 0;
    for (const CfgAttribute& a : cp->attributes) {
      // Attributes of an unexpected length are ignored, not fatal (§3.15.1
      // defines each length; a peer's extra attributes are its business).
      switch (static_cast<CfgAttr>(a.type)) {
        case CfgAttr::kInternalIp4Address:
        case CfgAttr::kInternalIp6Address: {
          const bool v4 = a.type == static_cast<uint16_t>(CfgAttr::kInternalIp4Address);
          if (a.value.size() != (v4 ? 4u : 17u)) break;
          auto ip = IpAddress::FromBytes(ByteSpan(a.value.data(), v4 ? 4 : 16));
          if (!ip || ip->is_unspecified()) break;
          bool have_family = false;
          for (const Prefix& p : sa.virtual_ips) have_family |= p.address.family() == ip->family();
          if (!have_family) sa.virtual_ips.push_back(Prefix{*ip, HostLength(ip->family())});
          break;
        }
        case CfgAttr::kInternalIp4Dns:
        case CfgAttr::kInternalIp6Dns:
          if (auto ip = IpAddress::FromBytes(a.value); ip && !ip->is_unspecified()) sa.dns.push_back(*ip);
          break;
        case CfgAttr::kInternalIp4Subnet:
        case CfgAttr::kInternalIp6Subnet:
          ++subnets;  // the routes come from remote-ts; these are only logged
          break;
        default:
          break;
      }
    }
    for (const Prefix& p : sa.virtual_ips)
      IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.connection().name << "[" << sa.id() << "]: virtual IP "
                              << p.ToString() << " assigned";
    if (subnets > 0)
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.connection().name << "[" << sa.id() << "]: gateway protects "
                               << subnets << " subnet(s)";
  }
  if (!sa.virtual_ips.empty()) return Status::Ok();
  if (m.HasNotify(NotifyType::kInternalAddressFailure))
    return Status(Code::kRetry, "no virtual IP: the gateway answered INTERNAL_ADDRESS_FAILURE");
  if (m.HasNotify(NotifyType::kFailedCpRequired))
    return Status(Code::kRetry, "no virtual IP: the gateway answered FAILED_CP_REQUIRED");
  return Status(Code::kRetry, "no virtual IP: the gateway sent no address");
}

Status RespondConfigRequest(Engine& engine, IkeSa& sa, const Message& m, Payloads& out) {
  const CpPayload* request = FindCp(m, CfgType::kRequest);
  pool::LeaseRegistry* leases = engine.leases();
  const config::Connection& c = sa.connection();
  if (!request || !IsGateway(sa) || !leases || !leases->HasPool(c.name)) return Status::Ok();
  const int64_t now = engine.env().clock.WallSeconds();
  std::string why;
  sa.virtual_ips.clear();
  for (Family f : {Family::kV4, Family::kV6}) {
    const bool v4 = f == Family::kV4;
    if (!Asked(*request, v4 ? CfgAttr::kInternalIp4Address : CfgAttr::kInternalIp6Address)) continue;
    auto address = leases->Acquire(c.name, sa.peer_id_text, f, sa.id(), now);
    if (address.ok()) {
      sa.virtual_ips.push_back(Prefix{*address, HostLength(f)});
    } else if (address.status().code() != Code::kNotFound) {
      why = address.status().message();
    }
  }
  if (sa.virtual_ips.empty()) {
    if (why.empty()) why = "no pool of the requested address family";
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << c.name << "[" << sa.id() << "]: no virtual IP for " << sa.peer_id_text
                            << ": " << why;
    out.push_back(MakeNotify(NotifyType::kInternalAddressFailure));
    return Status(Code::kRetry, "INTERNAL_ADDRESS_FAILURE: " + why);
  }
  // <-- HDR, SK {IDr, AUTH, CP(CFG_REPLY), SAr2, TSi, TSr}
  CpPayload reply{CfgType::kReply, {}};
  for (const Prefix& p : sa.virtual_ips) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << c.name << "[" << sa.id() << "]: leased " << p.address.ToString()
                            << " to " << sa.peer_id_text;
    if (p.address.is_v4()) {
      reply.attributes.push_back(Attr(CfgAttr::kInternalIp4Address, AddressBytes(p.address)));
      reply.attributes.push_back(Attr(CfgAttr::kInternalIp4Netmask, V4Mask(32)));
    } else {
      reply.attributes.push_back(Attr(CfgAttr::kInternalIp6Address, WithLength(p.address, 128)));
    }
  }
  for (const IpAddress& d : c.dns)
    reply.attributes.push_back(Attr(d.is_v4() ? CfgAttr::kInternalIp4Dns : CfgAttr::kInternalIp6Dns, AddressBytes(d)));
  for (const TrafficSelector& t : LocalSelectors(sa)) reply.attributes.push_back(SubnetAttr(t.CoveringPrefix()));
  out.push_back(std::move(reply));
  return Status::Ok();
}

namespace {

// Another live IKE_SA of the connection with the same peer whose virtual
// IPs are on the interface (the stale one address inertia replaces).
IkeSa* VirtualIpHolder(Engine& engine, const IkeSa& sa) {
  IkeSa* holder = nullptr;
  engine.sas().ForEachOf(sa.connection().name, [&](IkeSa& other) {
    if (&other != &sa && IsUsable(other.state()) && other.virtual_ips_installed && !other.virtual_ips.empty() &&
        other.peer_id.Matches(sa.peer_id))
      holder = &other;
    return holder == nullptr;
  });
  return holder;
}

bool HeldBy(const std::vector<pool::Lease>& leases, const std::string& identity, const IpAddress& a) {
  for (const pool::Lease& l : leases)
    if (l.identity == identity && l.address == a) return true;
  return false;
}

}  // namespace

void ClaimPeerLeases(Engine& engine, IkeSa& sa, const TrafficSelectors& peer_ts) {
  pool::LeaseRegistry* leases = engine.leases();
  const config::Connection& c = sa.connection();
  if (!IsGateway(sa) || !sa.initiator() || !sa.virtual_ips.empty() || !leases || !leases->HasPool(c.name)) return;
  const std::vector<pool::Lease> held = leases->Leases(c.name);
  const int64_t now = engine.env().clock.WallSeconds();
  for (const TrafficSelector& t : peer_ts) {
    if (t.start != t.end) continue;
    if (!HeldBy(held, sa.peer_id_text, t.start)) {
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << c.name << "[" << sa.id() << "]: " << t.start.ToString()
                              << " is not leased to " << sa.peer_id_text << ": no route to it";
      continue;
    }
    auto address = leases->Acquire(c.name, sa.peer_id_text, t.family(), sa.id(), now);
    if (!address.ok() || *address != t.start) continue;
    sa.virtual_ips.push_back(Prefix{*address, HostLength(t.family())});
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << c.name << "[" << sa.id() << "]: " << sa.peer_id_text << " keeps "
                            << address->ToString();
  }
}

void AdoptVirtualIps(Engine& engine, IkeSa& sa) {
  if (!IsClient(sa) || sa.initiator() || !sa.virtual_ips.empty()) return;
  IkeSa* stale = VirtualIpHolder(engine, sa);
  if (!stale) return;
  sa.virtual_ips = stale->virtual_ips;
  sa.dns = stale->dns;
  for (const Prefix& p : sa.virtual_ips)
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.connection().name << "[" << sa.id() << "]: keeps virtual IP "
                            << p.ToString() << " of IKE_SA [" << stale->id() << "]";
}

void InstallVirtualIps(Engine& engine, IkeSa& sa) {
  const config::Connection& c = sa.connection();
  if (sa.virtual_ips.empty() || sa.virtual_ips_installed) return;
  if (IsClient(sa)) {
    // The addresses are there already: this SA owns them from now on.
    IkeSa* holder = VirtualIpHolder(engine, sa);
    if (holder && holder->virtual_ips == sa.virtual_ips) {
      HandOverVirtualIps(engine, *holder, sa);
      return;
    }
  }
  sa.virtual_ips_installed = true;
  if (!c.if_id) return;
  ifmgr::InterfaceManager& ifs = engine.env().interfaces;
  for (const Prefix& p : sa.virtual_ips) {
    Status s = IsGateway(sa) ? ifs.AddRoute(*c.if_id, {p, c.metric}) : ifs.AddAddress(*c.if_id, p);
    if (!s.ok())
      IKEVPN_LOG(kIf, kWarn) << "virtual IP " << p.ToString() << " on " << c.interface << ": " << s.ToString();
  }
}

void ReleaseVirtualIps(Engine& engine, IkeSa& sa) {
  if (!sa.virtual_ips_installed) return;
  sa.virtual_ips_installed = false;
  const config::Connection& c = sa.connection();
  if (c.if_id) {
    ifmgr::InterfaceManager& ifs = engine.env().interfaces;
    for (const Prefix& p : sa.virtual_ips) {
      Status s = IsGateway(sa) ? ifs.RemoveRoute(*c.if_id, {p, c.metric}) : ifs.RemoveAddress(*c.if_id, p);
      if (!s.ok() && s.code() != Code::kNotFound)
        IKEVPN_LOG(kIf, kWarn) << "virtual IP " << p.ToString() << " on " << c.interface << ": " << s.ToString();
    }
  }
  if (IsGateway(sa) && engine.leases()) {
    for (const IpAddress& a : engine.leases()->Release(c.name, sa.peer_id_text, sa.id(), engine.env().clock.WallSeconds()))
      IKEVPN_LOG(kIke, kInfo) << "lease " << a.ToString() << " of " << sa.peer_id_text << " released (kept reserved)";
  }
}

void HandOverVirtualIps(Engine& engine, IkeSa& from, IkeSa& to) {
  if (!from.virtual_ips_installed) return;
  from.virtual_ips_installed = false;
  to.virtual_ips_installed = true;
  if (!IsGateway(to) || !engine.leases()) return;
  const int64_t now = engine.env().clock.WallSeconds();
  for (const Prefix& p : to.virtual_ips)
    (void)engine.leases()->Acquire(to.connection().name, to.peer_id_text, p.address.family(), to.id(), now);
}

}  // namespace ikevpn::ike
