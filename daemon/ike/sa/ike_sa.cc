#include "daemon/ike/sa/ike_sa.h"

#include <algorithm>

#include "daemon/base/log.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/message/fragmentation.h"

namespace ikevpn::ike {

IkeSa::IkeSa(uint64_t id, std::shared_ptr<const config::Connection> conn, bool initiator)
    : id_(id), conn_(std::move(conn)), initiator_(initiator) {}

IkeSa::~IkeSa() = default;

std::string IkeSa::LogName() const { return conn_->name + "[" + std::to_string(id_) + "]"; }

std::string IkeSa::ChildLogName(uint64_t child_id) const {
  return conn_->name + "{" + std::to_string(child_id) + "}";
}

void IkeSa::SetState(IkeSaState next) {
  if (next == state_) return;
  if (!IsValidTransition(state_, next)) {
    IKEVPN_LOG(kIke, kError) << "IKE_SA " << LogName() << ": invalid transition "
                             << ToString(state_) << " -> " << ToString(next);
  }
  IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << LogName() << " " << ToString(state_) << " -> "
                           << ToString(next);
  state_ = next;
}

ChildSa* IkeSa::FindChild(uint64_t child_id) {
  for (auto& c : children)
    if (c->id() == child_id) return c.get();
  return nullptr;
}

ChildSa* IkeSa::FindChildBySpi(uint32_t spi) {
  for (auto& c : children)
    if (c->spi_in == spi || c->spi_out == spi) return c.get();
  return nullptr;
}

std::unique_ptr<ChildSa> IkeSa::RemoveChild(uint64_t child_id) {
  auto it = std::find_if(children.begin(), children.end(),
                         [child_id](const auto& c) { return c->id() == child_id; });
  if (it == children.end()) return nullptr;
  std::unique_ptr<ChildSa> out = std::move(*it);
  children.erase(it);
  return out;
}

}  // namespace ikevpn::ike
