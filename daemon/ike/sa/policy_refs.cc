#include "daemon/ike/sa/policy_refs.h"

#include "daemon/base/log.h"

namespace ikevpn::ike {

PolicyRefs::Key PolicyRefs::KeyOf(const kernel::PolicyId& id) {
  return {id.src.ToString(), id.dst.ToString(), id.if_id, id.mark};
}

Status PolicyRefs::Acquire(const kernel::PolicyId& id, const kernel::PolicyData& data) {
  const size_t dir = static_cast<size_t>(id.dir);
  Key key = KeyOf(id);
  auto it = refs_.find(key);
  if (it != refs_.end() && it->second[dir] > 0) {
    ++it->second[dir];
    return Status::Ok();
  }
  Status s = kernel_.AddPolicy(id, data);
  if (!s.ok() && s.code() != Code::kExists) return s;
  if (it == refs_.end()) it = refs_.emplace(std::move(key), Counts{}).first;
  it->second[dir] = 1;
  ++size_;
  return Status::Ok();
}

void PolicyRefs::Release(const kernel::PolicyId& id) {
  const size_t dir = static_cast<size_t>(id.dir);
  auto it = refs_.find(KeyOf(id));
  if (it == refs_.end() || it->second[dir] == 0) return;
  if (--it->second[dir] > 0) return;
  --size_;
  if (it->second == Counts{}) refs_.erase(it);
  Status s = kernel_.DeletePolicy(id);
  if (!s.ok() && s.code() != Code::kNotFound)
    IKEVPN_LOG(kKnl, kWarn) << "deleting policy " << id.src.ToString() << " -> " << id.dst.ToString()
                            << ": " << s.ToString();
}

}  // namespace ikevpn::ike
