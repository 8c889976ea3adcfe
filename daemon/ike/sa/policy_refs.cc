#include "daemon/ike/sa/policy_refs.h"

#include "daemon/base/log.h"

namespace ikevpn::ike {

PolicyRefs::Key PolicyRefs::KeyOf(const kernel::PolicyId& id) {
  return {id.src.ToString(), id.dst.ToString(), static_cast<uint8_t>(id.dir), id.if_id, id.mark};
}

Status PolicyRefs::Acquire(const kernel::PolicyId& id, const kernel::PolicyData& data) {
  Key key = KeyOf(id);
  auto it = refs_.find(key);
  if (it != refs_.end()) {
    ++it->second;
    return Status::Ok();
  }
  Status s = kernel_.AddPolicy(id, data);
  if (!s.ok() && s.code() != Code::kExists) return s;
  refs_.emplace(std::move(key), 1);
  return Status::Ok();
}

void PolicyRefs::Release(const kernel::PolicyId& id) {
  auto it = refs_.find(KeyOf(id));
  if (it == refs_.end()) return;
  if (--it->second > 0) return;
  refs_.erase(it);
  Status s = kernel_.DeletePolicy(id);
  if (!s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kKnl, kWarn) << "deleting policy " << id.src.ToString() << " -> " << id.dst.ToString()
                            << ": " << s.ToString();
}

}  // namespace ikevpn::ike
