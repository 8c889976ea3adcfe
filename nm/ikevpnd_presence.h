// Whether the ikevpnd that holds the plugin's connection is still on the bus.
//
// ikevpnd keeps connections added with AddConnection in memory only, so the
// plugin's connection (and its tunnel) ends with the ikevpnd process. The
// plugin pins the unique bus name (":1.42") that owned net.ikevpn.Daemon1
// when it handed over the connection; from then on every NameOwnerChanged
// for net.ikevpn.Daemon1 is checked against the pin. The pinned ikevpnd is
// gone when the name has no owner (crash, SIGKILL, exit) and equally when
// it has another owner: an ikevpnd that restarted under the same name does
// not know the connection.
//
// Pure logic; the bus side is IkevpndClient::WatchOwner/Owner.
#pragma once

#include <string>

namespace ikevpn::nm {

class IkevpndPresence {
 public:
  // `owner`: the unique name that owns the daemon's well-known name now.
  void Pin(std::string owner);
  // Forget the pin (the connection was torn down).
  void Unpin();
  bool pinned() const { return !owner_.empty(); }
  // True once the pinned ikevpnd was seen gone (until Unpin/Pin).
  bool gone() const { return gone_; }

  // NameOwnerChanged(name, old_owner, new_owner) as the bus sends it
  // (old_owner does not matter: only who owns the name now).
  // Returns why the pinned ikevpnd is gone, the first time this is seen;
  // "" otherwise (not our name, nothing pinned, still the same owner, or
  // already reported).
  std::string OnOwnerChanged(const std::string& name, const std::string& new_owner);

 private:
  std::string owner_;
  bool gone_ = false;
};

}  // namespace ikevpn::nm
