#include "daemon/ike/exchange/peer_uniqueness.h"

#include <optional>
#include <vector>

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike {

namespace {

bool IsOlder(const IkeSa& other, const IkeSa& fresh, ReplaceWhen when) {
  if (&other == &fresh || !IsUsable(other.state())) return false;
  if (!other.peer_id.Matches(fresh.peer_id) || !other.local_id.Matches(fresh.local_id)) return false;
  // Part of a rekey: the rekey decides which one stays.
  if (other.successor != 0 || other.rekey_of != 0 || fresh.rekey_of == other.id()) return false;
  // Once `fresh` is established: simultaneous initiations (the same
  // second) keep both.
  if (when == ReplaceWhen::kChildMade) return other.established != 0 && other.established < fresh.established;
  return true;
}

}  // namespace

std::optional<ReplaceHow> ReplacementAt(ReplaceWhen when, bool road_warrior_gateway, bool initial_contact) {
  if (road_warrior_gateway) {
    if (when != ReplaceWhen::kAuthenticated) return std::nullopt;
    return initial_contact ? ReplaceHow::kSilently : ReplaceHow::kWithDelete;
  }
  if (when != ReplaceWhen::kChildMade || !initial_contact) return std::nullopt;
  return ReplaceHow::kSilently;
}

void ReplaceOlderSas(Engine& engine, IkeSa& fresh, ReplaceWhen when, bool initial_contact) {
  if (fresh.peer_id.data.empty()) return;
  const std::optional<ReplaceHow> how = ReplacementAt(when, fresh.connection().remote.is_any(), initial_contact);
  if (!how) return;
  std::vector<uint64_t> older;
  engine.sas().ForEachOf(fresh.connection().name, [&](IkeSa& other) {
    if (IsOlder(other, fresh, when)) older.push_back(other.id());
    return true;
  });
  const std::string why = fresh.peer_id_text + (initial_contact ? " sent INITIAL_CONTACT" : " connected again");
  const std::string reason = "replaced by a new IKE_SA: " + why;
  for (uint64_t id : older) {
    IkeSa* other = engine.sas().FindById(id);
    if (!other) continue;
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << other->connection().name << "[" << id << "] replaced by ["
                            << fresh.id() << "]: " << why;
    switch (*how) {
      case ReplaceHow::kSilently:
        engine.Destroy(*other, api::DownCause::kReplaced, reason);
        break;
      case ReplaceHow::kWithDelete:
        engine.StartDelete(*other, api::DownCause::kReplaced, reason);
        break;
    }
  }
}

}  // namespace ikevpn::ike
