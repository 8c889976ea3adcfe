#include "daemon/config/connection_keys.h"

#include <algorithm>

#include "daemon/config/key_helpers.h"
#include "daemon/config/proposal_parser.h"

namespace ikevpn::config {
namespace {

using C = Connection;
using namespace keys;  // NOLINT: the helpers are made for these tables

// virtual-ip = yes | no | %any4 | %any6 | %any4, %any6
Status SetVirtualIp(C& c, std::string_view v) {
  if (v.find('%') == std::string_view::npos) {
    IKEVPN_RETURN_IF_ERROR(Set(&c.virtual_ip, ParseBool(v)));
    c.virtual_ip_families.clear();
    if (c.virtual_ip) c.virtual_ip_families.push_back(IpAddress::Family::kV4);
    return Status::Ok();
  }
  IKEVPN_ASSIGN_OR_RETURN(auto items, SplitList(v));
  std::vector<IpAddress::Family> families;
  for (const std::string& item : items) {
    IpAddress::Family f = item == "%any4"   ? IpAddress::Family::kV4
                          : item == "%any6" ? IpAddress::Family::kV6
                                            : IpAddress::Family::kNone;
    if (f == IpAddress::Family::kNone)
      return Status(Code::kInvalidArgument, "unknown value '" + item + "' (valid: yes, no, %any4, %any6)");
    if (std::find(families.begin(), families.end(), f) == families.end()) families.push_back(f);
  }
  c.virtual_ip = true;
  c.virtual_ip_families = std::move(families);
  return Status::Ok();
}

const KeyDef<C> kConnectionKeys[] = {
    {"local", [](C& c, std::string_view v) { return Set(&c.local, ParseHost(v)); }},
    {"remote", [](C& c, std::string_view v) { return Set(&c.remote, ParseHost(v)); }},
    {"remote-port", [](C& c, std::string_view v) { return SetUint(&c.remote_port, v, 1, 65535); }},
    {"local-id", [](C& c, std::string_view v) { return Set(&c.local_id, ParseIdentity(v)); }},
    {"remote-id",
     [](C& c, std::string_view v) {
       if (v == "%any") {
         c.remote_id.reset();
         return Status::Ok();
       }
       return Set(&c.remote_id, ParseIdentity(v));
     }},
    {"auth", [](C& c, std::string_view v) { return SetEnum(&c.auth, kAuthMethodNames, v); }},
    {"remote-auth",
     [](C& c, std::string_view v) { return SetEnum(&c.remote_auth, kAuthMethodNames, v); }},
    {"psk",
     [](C& c, std::string_view v) {
       auto s = ParseSecret(v);
       if (!s.ok()) return s.status();
       c.psk = InlinePsk{std::move(s).value()};
       return Status::Ok();
     }},
    {"cert", [](C& c, std::string_view v) { return SetPath(&c.cert, v); }},
    {"key", [](C& c, std::string_view v) { return SetPath(&c.key, v); }},
    {"ca", [](C& c, std::string_view v) { return SetPath(&c.ca, v); }},
    {"ike",
     [](C& c, std::string_view v) {
       return Set(&c.ike_proposals, ParseProposals(v, ike::ProtocolId::kIke));
     }},
    {"esp",
     [](C& c, std::string_view v) {
       return Set(&c.esp_proposals, ParseProposals(v, ike::ProtocolId::kEsp));
     }},
    {"mode", [](C& c, std::string_view v) { return SetEnum(&c.mode, kModeNames, v); }},
    {"local-ts", [](C& c, std::string_view v) { return Set(&c.local_ts, ParseTsList(v)); }},
    {"remote-ts", [](C& c, std::string_view v) { return Set(&c.remote_ts, ParseTsList(v)); }},
    {"interface",
     [](C& c, std::string_view v) {
       IKEVPN_RETURN_IF_ERROR(CheckInterfaceName(v));
       c.interface = std::string(v);
       return Status::Ok();
     }},
    {"if-id",
     [](C& c, std::string_view v) { return Set(&c.if_id, ParseIfId(v)); }},
    {"interface-address",
     [](C& c, std::string_view v) { return Set(&c.interface_addresses, ParsePrefixList(v)); }},
    {"metric", [](C& c, std::string_view v) { return SetUint(&c.metric, v, 0, 0xffffffff); }},
    {"leak-guard", [](C& c, std::string_view v) { return Set(&c.leak_guard, ParseBool(v)); }},
    {"start-action",
     [](C& c, std::string_view v) { return SetEnum(&c.start_action, kStartActionNames, v); }},
    {"dpd-delay", [](C& c, std::string_view v) { return Set(&c.dpd_delay, ParseSeconds(v)); }},
    {"dpd-action",
     [](C& c, std::string_view v) { return SetEnum(&c.dpd_action, kDpdActionNames, v); }},
    {"ike-lifetime",
     [](C& c, std::string_view v) { return Set(&c.ike_lifetime.lifetime, PositiveSeconds(v)); }},
    {"ike-rekey-margin",
     [](C& c, std::string_view v) { return Set(&c.ike_lifetime.rekey_margin, ParseSeconds(v)); }},
    {"ike-rekey-jitter",
     [](C& c, std::string_view v) { return Set(&c.ike_lifetime.jitter, ParseSeconds(v)); }},
    {"child-lifetime",
     [](C& c, std::string_view v) { return Set(&c.child_lifetime.lifetime, PositiveSeconds(v)); }},
    {"child-rekey-margin",
     [](C& c, std::string_view v) { return Set(&c.child_lifetime.rekey_margin, ParseSeconds(v)); }},
    {"child-rekey-jitter",
     [](C& c, std::string_view v) { return Set(&c.child_lifetime.jitter, ParseSeconds(v)); }},
    {"reauth", [](C& c, std::string_view v) { return Set(&c.reauth, ParseBool(v)); }},
    {"reauth-interval",
     [](C& c, std::string_view v) { return Set(&c.reauth_interval, PositiveSeconds(v)); }},
    {"fragmentation",
     [](C& c, std::string_view v) { return SetEnum(&c.fragmentation, kFragmentationNames, v); }},
    {"encap", [](C& c, std::string_view v) { return SetEnum(&c.encap, kEncapNames, v); }},
    {"keepalive", [](C& c, std::string_view v) { return Set(&c.keepalive, ParseSeconds(v)); }},
    {"pool", [](C& c, std::string_view v) { return Set(&c.pools, ParsePools(v)); }},
    {"dns", [](C& c, std::string_view v) { return Set(&c.dns, ParseAddressList(v)); }},
    {"virtual-ip", [](C& c, std::string_view v) { return SetVirtualIp(c, v); }},
    {"inertia", [](C& c, std::string_view v) { return Set(&c.inertia, ParseBool(v)); }},
    {"inertia-max-age",
     [](C& c, std::string_view v) { return Set(&c.inertia_max_age, PositiveSeconds(v)); }},
    {"mobike", [](C& c, std::string_view v) { return Set(&c.mobike, ParseBool(v)); }},
};

}  // namespace

std::span<const KeyDef<Connection>> ConnectionKeys() { return kConnectionKeys; }

}  // namespace ikevpn::config
