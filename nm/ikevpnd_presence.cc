#include "nm/ikevpnd_presence.h"

#include "nm/ikevpnd_client.h"

namespace ikevpn::nm {

void IkevpndPresence::Pin(std::string owner) {
  owner_ = std::move(owner);
  gone_ = false;
}

void IkevpndPresence::Unpin() {
  owner_.clear();
  gone_ = false;
}

std::string IkevpndPresence::OnOwnerChanged(const std::string& name, const std::string& new_owner) {
  if (name != kIkevpndService || owner_.empty() || gone_ || new_owner == owner_) return "";
  gone_ = true;
  if (new_owner.empty()) return "ikevpnd (" + owner_ + ") left the bus";
  // Another process took the name over (a replacement, or a restart whose
  // release we did not see): it does not have our connection.
  return "ikevpnd was replaced: " + std::string(kIkevpndService) + " is now owned by " + new_owner +
         ", not by " + owner_;
}

}  // namespace ikevpn::nm
