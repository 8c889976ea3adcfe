#include <charconv>

#include "daemon/base/if_id.h"
#include "daemon/base/log.h"
#include "daemon/config/connection_keys.h"
#include "daemon/config/key_helpers.h"

namespace ikevpn::config {
namespace {

using G = GlobalSettings;
using namespace keys;  // NOLINT: the helpers are made for these tables

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// Log::Configure() syntax ("info" or "debug,ike=trace"), checked without
// changing the running log levels.
Status CheckLogSpec(std::string_view spec) {
  if (spec.empty()) return Invalid("empty log level");
  while (true) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    size_t eq = item.find('=');
    bool subsys_ok = eq == std::string_view::npos || ParseSubsys(item.substr(0, eq)).has_value();
    std::string_view level = eq == std::string_view::npos ? item : item.substr(eq + 1);
    if (!subsys_ok || !ParseLogLevel(level)) {
      return Invalid("bad item '" + std::string(item) +
                     "' (want LEVEL or SUBSYS=LEVEL; levels error,warn,info,debug,trace; "
                     "subsystems daemon,ike,net,cfg,knl,esp,if,ctl)");
    }
    if (comma == std::string_view::npos) return Status::Ok();
    spec = spec.substr(comma + 1);
  }
}

// "ipsec100-ipsec199".
Result<InterfacePool> ParseInterfacePool(std::string_view v) {
  size_t dash = v.rfind('-');
  if (dash == std::string_view::npos)
    return Invalid("expected NAME<first>-NAME<last>, e.g. ipsec100-ipsec199");
  std::string_view a = v.substr(0, dash), b = v.substr(dash + 1);
  IKEVPN_RETURN_IF_ERROR(CheckInterfaceName(a));
  IKEVPN_RETURN_IF_ERROR(CheckInterfaceName(b));
  size_t da = a.find_last_not_of("0123456789") + 1, db = b.find_last_not_of("0123456789") + 1;
  if (da == a.size() || db == b.size() || a.substr(0, da) != b.substr(0, db)) {
    return Invalid("both ends need the same name and a number, e.g. ipsec100-ipsec199");
  }
  // Pool interfaces take the if_id 0x10000 + N like any other (if_id.h).
  constexpr uint64_t kMaxNumber = kOwnedIfIds.last - kOwnedIfIds.first;
  auto first = ParseUint(a.substr(da), 0, kMaxNumber), last = ParseUint(b.substr(db), 0, kMaxNumber);
  if (!first.ok()) return first.status();
  if (!last.ok()) return last.status();
  if (*last < *first) return Invalid("pool ends before it starts");
  return InterfacePool{std::string(a.substr(0, da)), static_cast<uint32_t>(*first),
                       static_cast<uint32_t>(*last)};
}

Status SetBase(double* field, std::string_view v) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !(d >= 1.0 && d <= 4.0)) {
    return Invalid("expected a number from 1.0 to 4.0, got '" + std::string(v) + "'");
  }
  *field = d;
  return Status::Ok();
}

const KeyDef<G> kGlobalKeys[] = {
    {"secrets", [](G& g, std::string_view v) { return SetPath(&g.secrets_file, v); }},
    {"secrets-permissions",
     [](G& g, std::string_view v) {
       return SetEnum(&g.secrets_permissions, kPermissionPolicyNames, v);
     }},
    {"state-dir", [](G& g, std::string_view v) { return SetPath(&g.state_dir, v); }},
    {"half-open-limit",
     [](G& g, std::string_view v) { return SetUint(&g.half_open_limit, v, 1, 1'000'000); }},
    {"cookie-threshold",
     [](G& g, std::string_view v) { return SetUint(&g.cookie_threshold, v, 0, 1'000'000); }},
    {"log-level",
     [](G& g, std::string_view v) {
       IKEVPN_RETURN_IF_ERROR(CheckLogSpec(v));
       g.log_level = std::string(v);
       return Status::Ok();
     }},
    {"port", [](G& g, std::string_view v) { return SetUint(&g.port, v, 1, 65535); }},
    {"port-nat-t", [](G& g, std::string_view v) { return SetUint(&g.port_nat_t, v, 1, 65535); }},
    {"interface-pool",
     [](G& g, std::string_view v) { return Set(&g.interface_pool, ParseInterfacePool(v)); }},
    {"retransmit-timeout",
     [](G& g, std::string_view v) {
       auto d = ParseDuration(v);
       if (d.ok() && d->count() == 0) return Invalid("must be longer than 0s");
       return Set(&g.retransmit_timeout, std::move(d));
     }},
    {"retransmit-tries",
     [](G& g, std::string_view v) { return SetUint(&g.retransmit_tries, v, 0, 100); }},
    {"retransmit-base", [](G& g, std::string_view v) { return SetBase(&g.retransmit_base, v); }},
    {"retransmit-jitter",
     [](G& g, std::string_view v) { return SetUint(&g.retransmit_jitter, v, 0, 100); }},
};

}  // namespace

std::span<const KeyDef<GlobalSettings>> GlobalKeys() { return kGlobalKeys; }

}  // namespace ikevpn::config
