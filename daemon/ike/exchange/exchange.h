// Exchange: one exchange we initiate (RFC 7296 §1.2–§1.5), as one class per
// kind in its own file: IKE_SA_INIT, IKE_AUTH, CHILD create, CHILD rekey,
// IKE rekey, delete, liveness, MOBIKE update. The responder side of each
// kind is a function in the same file, dispatched by the Engine.
//
// The Engine owns the transport: it assigns the message ID, encodes and
// protects what BuildRequest returns, retransmits, matches the response and
// hands it, decoded and checked against the payload rules, to
// ProcessResponse.
#pragma once

#include <string>
#include <string_view>

#include "daemon/base/status.h"
#include "daemon/ike/constants.h"
#include "daemon/ike/message/message.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// What happens after a response was processed.
enum class ExchangeResult : uint8_t {
  kDone,     // finished; the next queued exchange may start
  kResend,   // send a new request of the same exchange (COOKIE, INVALID_KE_PAYLOAD):
             // BuildRequest is called again; for IKE_SA_INIT the message ID stays 0
  kFailed,   // the exchange failed; the IKE_SA stays (e.g. a CHILD_SA was refused)
  kDestroy,  // the IKE_SA is unusable and must go (auth failed, fatal error)
};

class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual ExchangeType type() const = 0;
  // For logs: "IKE_SA_INIT", "CHILD_SA rekey", ...
  virtual std::string_view name() const = 0;
  // Unprotected (only IKE_SA_INIT).
  virtual bool plaintext() const { return false; }

  // The request's payloads (the inner payloads for protected exchanges).
  // An error abandons the exchange (kDestroy semantics for IKE_SA_INIT/AUTH).
  virtual Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) = 0;
  virtual ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& response) = 0;
  // Why the exchange failed, after kDestroy/kFailed ("AUTHENTICATION_FAILED",
  // "peer refused IKE_SA_INIT: NO_PROPOSAL_CHOSEN"); empty if it did not.
  const std::string& failure() const { return failure_; }

  // The exchange is abandoned: no response after all retransmits, or the
  // IKE_SA goes away. Clean up what BuildRequest started.
  virtual void Abort(Engine& engine, IkeSa& sa) {
    (void)engine;
    (void)sa;
  }

 protected:
  void set_failure(std::string why) { failure_ = std::move(why); }

 private:
  std::string failure_;
};

}  // namespace ikevpn::ike
