// States of IKE_SAs and CHILD_SAs, and the one place each changes.
//
// Every transition goes through SetState() on the SA (ike_sa.cc /
// child_sa.cc), which checks it against the tables here, logs
// "old -> new" and counts it. No default: in switches over these enums.
#pragma once

#include <cstdint>
#include <string_view>

namespace ikevpn::ike {

enum class IkeSaState : uint8_t {
  kCreated,         // allocated, nothing sent or received yet
  kInitSent,        // initiator: IKE_SA_INIT request out
  kAuthenticating,  // IKE_SA_INIT done, IKE_AUTH in progress (either role)
  kEstablished,     // authenticated; exchanges may run
  kRekeying,        // an IKE rekey of this SA is in progress
  kRekeyed,         // replaced by its successor; waits for the Delete
  kDeleting,        // our Delete is out, or the peer's is being answered
  kDead,            // to be destroyed; no more messages
};
inline constexpr int kIkeSaStateCount = 8;

enum class ChildSaState : uint8_t {
  kCreating,   // negotiation in progress
  kInstalled,  // SAs in the kernel, traffic flows
  kRekeying,   // a rekey of this CHILD_SA is in progress
  kRekeyed,    // the successor is installed; this one waits for deletion
  kDeleting,   // Delete sent or being answered
  kDeleted,    // removed from the kernel
};
inline constexpr int kChildSaStateCount = 6;

std::string_view ToString(IkeSaState s);
std::string_view ToString(ChildSaState s);

// True if the transition is legal (the transition tables).
bool IsValidTransition(IkeSaState from, IkeSaState to);
bool IsValidTransition(ChildSaState from, ChildSaState to);

// True in the states in which the SA may start or answer exchanges other
// than IKE_SA_INIT/IKE_AUTH.
bool IsUsable(IkeSaState s);

}  // namespace ikevpn::ike
