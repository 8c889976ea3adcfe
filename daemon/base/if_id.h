// The if_ids ikevpnd uses, one scheme for the whole daemon.
//
// An xfrm interface, its SAs and its policies are tied together by an
// interface id (if_id). ikevpnd owns one range of if_ids: the xfrm backend
// installs SAs and policies only with an if_id from it, and at start and
// shutdown removes whatever carries one (docs/config-keys.md, `if-id`). The
// configuration gives interface ipsecN the if_id kOwnedIfIds.first + N, or
// takes an explicit `if-id` from the same range. 0 means "no if_id" to the
// kernel and is never used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ikevpn {

struct IfIdRange {
  uint32_t first = 0;
  uint32_t last = 0;
  bool Contains(uint32_t if_id) const { return if_id != 0 && first <= if_id && if_id <= last; }
  std::string ToString() const;  // "0x10000-0x1ffff"
};

// Above the small if_ids people configure by hand for other IKE daemons
// (strongSwan and Libreswan examples use 1, 2, 42, …).
inline constexpr IfIdRange kOwnedIfIds{0x10000, 0x1ffff};

// The if_id of the interface numbered n (ipsec<n>): kOwnedIfIds.first + n,
// nullopt when that falls outside kOwnedIfIds (n > 65535).
std::optional<uint32_t> IfIdOfInterfaceNumber(uint64_t n);

}  // namespace ikevpn
