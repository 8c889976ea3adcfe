// CREATE_CHILD_SA for a further CHILD_SA on an established IKE SA
// (RFC 7296 §1.3.1), with PFS when the ESP proposals carry a key exchange
// method.
//
//   Initiator                         Responder
//   HDR, SK {SA, Ni, [KEi], TSi, TSr}  -->
//                                <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
// or, refused:                   <--  HDR, SK {N(NO_PROPOSAL_CHOSEN | TS_UNACCEPTABLE)}
//                                <--  HDR, SK {N(INVALID_KE_PAYLOAD, method)}   (we retry with it)
//                                <--  HDR, SK {N(TEMPORARY_FAILURE)}            (we retry later)
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/child_exchange.h"
#include "daemon/ike/exchange/create_child_sa.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

std::unique_ptr<Exchange> MakeChildCreateAttempt(int attempt);

class ChildCreate final : public Exchange {
 public:
  explicit ChildCreate(int attempt) : attempt_(attempt) {}
  ExchangeType type() const override { return ExchangeType::kCreateChildSa; }
  std::string_view name() const override { return "CHILD_SA create"; }

  // HDR, SK {SA, Ni, [KEi], TSi, TSr} -->
  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    if (!offer_.prepared()) IKEVPN_RETURN_IF_ERROR(offer_.Prepare(engine, sa, std::nullopt));
    Payloads p;
    offer_.Append(sa, p);
    return p;
  }

  // <-- HDR, SK {SA, Nr, [KEr], TSi, TSr}
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    if (m.HasNotify(NotifyType::kTemporaryFailure) && attempt_ < kMaxTemporaryFailures) {
      offer_.Release(engine, sa);
      RetryLater(engine, sa);
      return ExchangeResult::kFailed;
    }
    auto child = offer_.Complete(engine, sa, m);
    if (offer_.resend()) return ExchangeResult::kResend;
    if (!child.ok()) {
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": no further CHILD_SA: " << child.status().message();
      set_failure(child.status().message());
      engine.Emit({api::EventKind::kFailed, sa.connection().name, engine.StateOf(sa.connection().name), sa.id(), 0,
                   0, child.status().message(), api::DownCause::kFailed});
      return ExchangeResult::kFailed;
    }
    engine.OnChildUp(sa, **child, /*rekeyed=*/false);
    return ExchangeResult::kDone;
  }

  void Abort(Engine& engine, IkeSa& sa) override { offer_.Release(engine, sa); }

 private:
  // §2.25: not at once; on the IKE SA's successor if it is rekeyed meanwhile.
  void RetryLater(Engine& engine, IkeSa& sa) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": CHILD_SA create refused for now, retrying later";
    Engine* e = &engine;
    const uint64_t id = sa.id();
    const int next = attempt_ + 1;
    engine.env().timers.Schedule(RetryDelay(engine), [e, id, next] {
      if (IkeSa* s = CurrentSa(*e, id); s && IsUsable(s->state())) e->Queue(*s, MakeChildCreateAttempt(next));
    });
  }

  ChildSaOffer offer_;
  int attempt_;
};

std::unique_ptr<Exchange> MakeChildCreateAttempt(int attempt) { return std::make_unique<ChildCreate>(attempt); }

}  // namespace

std::unique_ptr<Exchange> MakeChildCreate() { return MakeChildCreateAttempt(0); }

ResponderOutcome RespondChildCreate(Engine& engine, IkeSa& sa, const Message& m) {
  // §2.25.2: not while this IKE SA is being rekeyed (or already replaced).
  if (sa.state() != IkeSaState::kEstablished) return NotifyOnly(MakeNotify(NotifyType::kTemporaryFailure));
  ResponderOutcome out;
  Bytes nr;
  auto child = RespondChildSa(engine, sa, m, out.payloads, nr);
  if (!child.ok()) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": CHILD_SA refused: " << child.status().message();
    return out;
  }
  engine.OnChildUp(sa, **child, /*rekeyed=*/false);
  return out;
}

}  // namespace ikevpn::ike
