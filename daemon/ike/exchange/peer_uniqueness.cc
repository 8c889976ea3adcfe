#include "daemon/ike/exchange/peer_uniqueness.h"

#include <vector>

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike {

void ReplaceOlderSas(Engine& engine, IkeSa& sa, bool initial_contact) {
  // Without INITIAL_CONTACT only road-warrior connections replace: two
  // gateways may keep parallel IKE_SAs on purpose.
  if (!initial_contact && !sa.connection().remote.is_any()) return;
  std::vector<uint64_t> older;
  engine.sas().ForEachOf(sa.connection().name, [&](IkeSa& other) {
    if (other.id() != sa.id() && IsUsable(other.state()) && other.peer_id_text == sa.peer_id_text &&
        other.local_id.text == sa.local_id.text)
      older.push_back(other.id());
    return true;
  });
  for (uint64_t id : older) {
    IkeSa* other = engine.sas().FindById(id);
    if (!other) continue;
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << other->connection().name << "[" << id << "] of " << sa.peer_id_text
                            << " replaced by [" << sa.id() << "]"
                            << (initial_contact ? " (INITIAL_CONTACT)" : "");
    if (initial_contact) {
      engine.Destroy(*other, "replaced by a new IKE_SA of " + sa.peer_id_text + " (INITIAL_CONTACT)");
    } else {
      engine.StartDelete(*other, "replaced by a new IKE_SA of " + sa.peer_id_text);
    }
  }
}

}  // namespace ikevpn::ike
