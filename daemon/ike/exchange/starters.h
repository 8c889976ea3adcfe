// Constructors of the exchanges the Engine starts itself (each defined in
// the file of its exchange kind).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "daemon/api/control.h"

namespace ikevpn::ike {

class Exchange;

// exchange/ike_sa_init.cc: IKE_SA_INIT, which queues IKE_AUTH when done.
std::unique_ptr<Exchange> MakeIkeSaInit();
// exchange/informational.cc
// The IKE_SA goes with `cause` and `reason` once the peer answered.
std::unique_ptr<Exchange> MakeIkeDelete(api::DownCause cause, std::string reason);
// A CHILD_SA that is not a rekeyed one (whose successor carries on and
// which is reported as nothing) is reported down with `cause`.
std::unique_ptr<Exchange> MakeChildDelete(uint64_t child_id, api::DownCause cause);
std::unique_ptr<Exchange> MakeLiveness();
// exchange/auth_failure.cc: the initiator found the responder's AUTH bad
// (§2.21.2): INFORMATIONAL {N(AUTHENTICATION_FAILED)}, then the SA goes
// with `reason`.
std::unique_ptr<Exchange> MakeAuthFailedNotify(std::string reason);
// exchange/child_rekey.cc
std::unique_ptr<Exchange> MakeChildRekey(uint64_t child_id);
// exchange/ike_rekey.cc
std::unique_ptr<Exchange> MakeIkeRekey();
// exchange/child_create.cc: a further CHILD_SA on an established IKE_SA.
std::unique_ptr<Exchange> MakeChildCreate();

}  // namespace ikevpn::ike
