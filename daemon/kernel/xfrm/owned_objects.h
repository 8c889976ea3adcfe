// What the xfrm backend installed, and how it recognises what an earlier
// (crashed) run installed.
//
// Ownership marker: the if_id. Every SA and SPD policy this daemon installs
// carries an if_id from one reserved range (XfrmOptions::owned_if_ids,
// by default kOwnedIfIds of daemon/base/if_id.h, from which the
// configuration also takes the if_ids of the ipsecN interfaces).
// At start, FlushOwned() deletes every SA and policy in the kernel whose
// if_id lies in the range; at shutdown it deletes exactly what is tracked
// here, then sweeps the range again. Objects of other software (other
// if_ids, or none) are never touched.
//
// Larval SAs from ALLOCSPI carry no if_id (the kernel's ALLOCSPI takes none
// from us until the SA is completed); they are tracked here and, after a
// crash, expire in the kernel on their own (net.core.xfrm_acq_expires,
// 30 s by default).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/base/if_id.h"
#include "daemon/kernel/kernel_ipsec.h"

namespace ikevpn::kernel::xfrm {

// The daemon-wide range (daemon/base/if_id.h); tests may pick another.
inline constexpr IfIdRange kDefaultOwnedIfIds = kOwnedIfIds;

class OwnedObjects {
 public:
  // An SA is keyed as xfrm keys it: (dst, spi, proto, mark).
  void AddSa(const SaId& id, bool larval);
  void RemoveSa(const SaId& id);
  bool HasSa(const SaId& id) const { return FindSa(id).has_value(); }
  bool IsLarval(const SaId& id) const;
  // The tracked SaId (with if_id and mark) matching dst, spi and proto.
  std::optional<SaId> FindSa(const SaId& key) const;

  void AddPolicy(const PolicyId& id);
  void RemovePolicy(const PolicyId& id);
  bool HasPolicy(const PolicyId& id) const;

  std::vector<SaId> sas() const;
  std::vector<PolicyId> policies() const;
  void Clear();

 private:
  using SaKey = std::tuple<IpAddress, uint32_t, ike::ProtocolId, uint32_t, uint32_t>;
  using TsKey = std::tuple<IpAddress, IpAddress, uint8_t, uint16_t, uint16_t>;
  using PolicyKey = std::tuple<TsKey, TsKey, PolicyDir, uint32_t, uint32_t, uint32_t>;
  static SaKey KeyOf(const SaId& id);
  static PolicyKey KeyOf(const PolicyId& id);

  struct TrackedSa {
    SaId id;
    bool larval = false;
  };
  std::map<SaKey, TrackedSa> sas_;
  std::map<PolicyKey, PolicyId> policies_;
};

}  // namespace ikevpn::kernel::xfrm
