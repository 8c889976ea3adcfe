#include "daemon/base/if_id.h"

#include <cstdio>

namespace ikevpn {

std::string IfIdRange::ToString() const {
  char text[32];
  std::snprintf(text, sizeof text, "0x%x-0x%x", first, last);
  return text;
}

std::optional<uint32_t> IfIdOfInterfaceNumber(uint64_t n) {
  if (n > kOwnedIfIds.last - kOwnedIfIds.first) return std::nullopt;
  return static_cast<uint32_t>(kOwnedIfIds.first + n);
}

}  // namespace ikevpn
