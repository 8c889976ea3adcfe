// The responder side of each exchange kind, dispatched by the Engine on a
// request it accepted (message ID in window, decrypted, payload rules met).
// Each function lives in the file of its exchange kind.
#pragma once

#include "daemon/api/control.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

struct ResponderOutcome {
  Payloads payloads;  // the response (inner payloads unless IKE_SA_INIT)
  enum class After : uint8_t {
    kKeep,     // the SA lives on
    kDestroy,  // destroy the SA once the response is sent (failed IKE_AUTH, peer deleted it)
  } after = After::kKeep;
  // For kDestroy: why, for programs and for people.
  api::DownCause cause = api::DownCause::kFailed;
  std::string reason;
};

// IKE_SA_INIT (exchange/ike_sa_init.cc). The Engine has done cookie and
// half-open checks and created the SA in kCreated.
ResponderOutcome RespondIkeSaInit(Engine& engine, IkeSa& sa, const Message& request);
// IKE_AUTH (exchange/ike_auth.cc).
ResponderOutcome RespondIkeAuth(Engine& engine, IkeSa& sa, const Message& request);
// CREATE_CHILD_SA (exchange/create_child_sa.cc dispatches to new CHILD,
// CHILD rekey and IKE rekey).
ResponderOutcome RespondCreateChildSa(Engine& engine, IkeSa& sa, const Message& request);
// INFORMATIONAL (exchange/informational.cc dispatches to delete, liveness
// and MOBIKE update).
ResponderOutcome RespondInformational(Engine& engine, IkeSa& sa, const Message& request);
// An INFORMATIONAL with N(AUTHENTICATION_FAILED): the initiator rejected
// our AUTH (exchange/auth_failure.cc); the SA goes.
ResponderOutcome RespondAuthFailedNotify(Engine& engine, IkeSa& sa);

}  // namespace ikevpn::ike
