#include "daemon/kernel/xfrm/owned_objects.h"

#include <string>

#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

OwnedObjects::SaKey OwnedObjects::KeyOf(const SaId& id) {
  // The mark only keys an SA when the kernel compares it (a non-zero mask).
  uint32_t mask = id.mark_mask;
  return {id.dst, id.spi, id.proto, id.mark & mask, mask};
}

OwnedObjects::PolicyKey OwnedObjects::KeyOf(const PolicyId& id) {
  auto ts = [](const TrafficSelector& raw) {
    TrafficSelector t = Normalized(raw);
    return TsKey{t.start, t.end, t.ip_protocol, t.start_port, t.end_port};
  };
  return {ts(id.src), ts(id.dst), id.dir, id.if_id, id.mark & id.mark_mask, id.mark_mask};
}

void OwnedObjects::AddSa(const SaId& id, bool larval) { sas_[KeyOf(id)] = {id, larval}; }

void OwnedObjects::RemoveSa(const SaId& id) { sas_.erase(KeyOf(id)); }

bool OwnedObjects::IsLarval(const SaId& id) const {
  auto it = sas_.find(KeyOf(id));
  return it != sas_.end() && it->second.larval;
}

std::optional<SaId> OwnedObjects::FindSa(const SaId& key) const {
  auto it = sas_.find(KeyOf(key));
  if (it != sas_.end()) return it->second.id;
  // Events (MAPPING) do not carry the mark: fall back to dst/spi/proto.
  for (const auto& [k, tracked] : sas_) {
    const SaId& s = tracked.id;
    if (s.dst == key.dst && s.spi == key.spi && s.proto == key.proto) return s;
  }
  return std::nullopt;
}

void OwnedObjects::AddPolicy(const PolicyId& id) { policies_[KeyOf(id)] = id; }

void OwnedObjects::RemovePolicy(const PolicyId& id) { policies_.erase(KeyOf(id)); }

bool OwnedObjects::HasPolicy(const PolicyId& id) const { return policies_.count(KeyOf(id)) != 0; }

std::vector<SaId> OwnedObjects::sas() const {
  std::vector<SaId> out;
  for (const auto& [k, tracked] : sas_) out.push_back(tracked.id);
  return out;
}

std::vector<PolicyId> OwnedObjects::policies() const {
  std::vector<PolicyId> out;
  for (const auto& [k, id] : policies_) out.push_back(id);
  return out;
}

void OwnedObjects::Clear() {
  sas_.clear();
  policies_.clear();
}

}  // namespace ikevpn::kernel::xfrm

