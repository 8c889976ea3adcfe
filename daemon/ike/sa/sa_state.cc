#include "daemon/ike/sa/sa_state.h"

namespace ikevpn::ike {

std::string_view ToString(IkeSaState s) {
  switch (s) {
    case IkeSaState::kCreated: return "CREATED";
    case IkeSaState::kInitSent: return "INIT_SENT";
    case IkeSaState::kAuthenticating: return "AUTHENTICATING";
    case IkeSaState::kEstablished: return "ESTABLISHED";
    case IkeSaState::kRekeying: return "REKEYING";
    case IkeSaState::kRekeyed: return "REKEYED";
    case IkeSaState::kDeleting: return "DELETING";
    case IkeSaState::kDead: return "DEAD";
  }
  return "?";
}

std::string_view ToString(ChildSaState s) {
  switch (s) {
    case ChildSaState::kCreating: return "CREATING";
    case ChildSaState::kInstalled: return "INSTALLED";
    case ChildSaState::kRekeying: return "REKEYING";
    case ChildSaState::kRekeyed: return "REKEYED";
    case ChildSaState::kDeleting: return "DELETING";
    case ChildSaState::kDeleted: return "DELETED";
  }
  return "?";
}

namespace {

using I = IkeSaState;
// kIkeAllowed[from] is a bit set of the states `from` may move to. Any
// state may die (fatal error, peer deleted us, shutdown).
constexpr unsigned Bit(I s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kIkeAllowed[kIkeSaStateCount] = {
    /* kCreated */ Bit(I::kInitSent) | Bit(I::kAuthenticating) | Bit(I::kEstablished) | Bit(I::kDead),
    /* kInitSent */ Bit(I::kCreated) | Bit(I::kAuthenticating) | Bit(I::kDead),
    /* kAuthenticating */ Bit(I::kEstablished) | Bit(I::kDeleting) | Bit(I::kDead),
    /* kEstablished */ Bit(I::kRekeying) | Bit(I::kRekeyed) | Bit(I::kDeleting) | Bit(I::kDead),
    /* kRekeying */ Bit(I::kEstablished) | Bit(I::kRekeyed) | Bit(I::kDeleting) | Bit(I::kDead),
    /* kRekeyed */ Bit(I::kDeleting) | Bit(I::kDead),
    /* kDeleting */ Bit(I::kDead),
    /* kDead */ 0,
};

using C = ChildSaState;
constexpr unsigned Bit(C s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kChildAllowed[kChildSaStateCount] = {
    /* kCreating */ Bit(C::kInstalled) | Bit(C::kDeleted),
    /* kInstalled */ Bit(C::kRekeying) | Bit(C::kRekeyed) | Bit(C::kDeleting) | Bit(C::kDeleted),
    /* kRekeying */ Bit(C::kInstalled) | Bit(C::kRekeyed) | Bit(C::kDeleting) | Bit(C::kDeleted),
    /* kRekeyed */ Bit(C::kDeleting) | Bit(C::kDeleted),
    /* kDeleting */ Bit(C::kDeleted),
    /* kDeleted */ 0,
};

}  // namespace

bool IsValidTransition(IkeSaState from, IkeSaState to) {
  return (kIkeAllowed[static_cast<unsigned>(from)] & Bit(to)) != 0;
}

bool IsValidTransition(ChildSaState from, ChildSaState to) {
  return (kChildAllowed[static_cast<unsigned>(from)] & Bit(to)) != 0;
}

bool IsUsable(IkeSaState s) {
  switch (s) {
    case IkeSaState::kEstablished:
    case IkeSaState::kRekeying:
    case IkeSaState::kRekeyed:
      return true;
    case IkeSaState::kCreated:
    case IkeSaState::kInitSent:
    case IkeSaState::kAuthenticating:
    case IkeSaState::kDeleting:
    case IkeSaState::kDead:
      return false;
  }
  return false;
}

}  // namespace ikevpn::ike
