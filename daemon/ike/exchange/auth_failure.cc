// The initiator's side of a failed authentication (RFC 7296 §2.21.2): the
// responder's AUTH (or its certificate, or its identity) did not verify,
// but the responder believes the IKE SA is up. The initiator tells it in a
// separate INFORMATIONAL exchange, then deletes the IKE SA:
//
//   Initiator                         Responder
//   HDR, SK {N(AUTHENTICATION_FAILED)}  -->
//                                <--  HDR, SK {}
//
// The responder deletes its IKE SA on receipt (nothing more to say: the
// initiator no longer talks to it).
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

class AuthFailedNotify final : public Exchange {
 public:
  explicit AuthFailedNotify(std::string reason) : reason_(std::move(reason)) {}
  ExchangeType type() const override { return ExchangeType::kInformational; }
  std::string_view name() const override { return "AUTHENTICATION_FAILED notify"; }

  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    (void)engine;
    sa.auth_failed = true;
    if (sa.state() != IkeSaState::kDeleting) sa.SetState(IkeSaState::kDeleting);
    return Payloads{MakeNotify(NotifyType::kAuthenticationFailed)};
  }
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message&) override {
    engine.Destroy(sa, api::DownCause::kAuthFailed, reason_);
    return ExchangeResult::kDone;
  }

 private:
  std::string reason_;
};

}  // namespace

std::unique_ptr<Exchange> MakeAuthFailedNotify(std::string reason) {
  return std::make_unique<AuthFailedNotify>(std::move(reason));
}

ResponderOutcome RespondAuthFailedNotify(Engine& engine, IkeSa& sa) {
  (void)engine;
  IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": peer reported AUTHENTICATION_FAILED: "
                          << "authentication failed, our AUTH was not accepted";
  sa.auth_failed = true;
  ResponderOutcome out;
  out.after = ResponderOutcome::After::kDestroy;
  out.cause = api::DownCause::kAuthFailed;
  out.reason = "peer reported AUTHENTICATION_FAILED";
  return out;
}

}  // namespace ikevpn::ike
