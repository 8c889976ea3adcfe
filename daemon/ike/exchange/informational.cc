// INFORMATIONAL (RFC 7296 §1.4, §1.5, §2.4): Delete of the IKE SA or of
// CHILD_SAs, and liveness checks (an empty request). MOBIKE notifies
// (UPDATE_SA_ADDRESSES, COOKIE2, NAT detection) are answered in mobike.cc.
//
//   Initiator                         Responder
//   HDR, SK {D(IKE)}           -->
//                              <--    HDR, SK {}
//   HDR, SK {D(ESP, SPIs)}     -->
//                              <--    HDR, SK {D(ESP, SPIs of the pair)}
//   HDR, SK {}                 -->
//                              <--    HDR, SK {}
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/child_negotiation.h"
#include "daemon/ike/exchange/create_child_sa.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/mobike.h"
#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

class IkeDelete final : public Exchange {
 public:
  IkeDelete(api::DownCause cause, std::string reason) : cause_(cause), reason_(std::move(reason)) {}
  ExchangeType type() const override { return ExchangeType::kInformational; }
  std::string_view name() const override { return "IKE_SA delete"; }

  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    (void)engine;
    IKEVPN_LOG(kIke, kInfo) << "deleting IKE_SA " << sa.LogName() << ": " << reason_;
    sa.SetState(IkeSaState::kDeleting);
    return Payloads{DeletePayload{ProtocolId::kIke, {}}};
  }
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message&) override {
    engine.Destroy(sa, cause_, reason_);
    return ExchangeResult::kDone;
  }

 private:
  api::DownCause cause_;
  std::string reason_;
};

class ChildDelete final : public Exchange {
 public:
  ChildDelete(uint64_t child_id, api::DownCause cause) : child_id_(child_id), cause_(cause) {}
  ExchangeType type() const override { return ExchangeType::kInformational; }
  std::string_view name() const override { return "CHILD_SA delete"; }

  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    (void)engine;
    ChildSa* c = sa.FindChild(child_id_);
    if (!c) return Status(Code::kNotFound, "CHILD_SA already gone");
    c->SetState(c->state() == ChildSaState::kRekeyed ? ChildSaState::kRekeyed : ChildSaState::kDeleting);
    // §1.4.1: the SPI we receive with, i.e. the peer's outbound SPI.
    return Payloads{DeletePayload{ProtocolId::kEsp, {c->spi_in}}};
  }
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message&) override {
    RemoveChildSa(engine, sa, child_id_, cause_, "deleted");
    return ExchangeResult::kDone;
  }
  void Abort(Engine& engine, IkeSa& sa) override { RemoveChildSa(engine, sa, child_id_, cause_, "delete abandoned"); }

 private:
  uint64_t child_id_;
  api::DownCause cause_;
};

class Liveness final : public Exchange {
 public:
  ExchangeType type() const override { return ExchangeType::kInformational; }
  std::string_view name() const override { return "liveness check"; }
  Result<Payloads> BuildRequest(Engine&, IkeSa& sa) override {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": checking liveness";
    return Payloads{};
  }
  ExchangeResult ProcessResponse(Engine&, IkeSa&, const Message&) override { return ExchangeResult::kDone; }
};

}  // namespace

std::unique_ptr<Exchange> MakeIkeDelete(api::DownCause cause, std::string reason) {
  return std::make_unique<IkeDelete>(cause, std::move(reason));
}
std::unique_ptr<Exchange> MakeChildDelete(uint64_t child_id, api::DownCause cause) {
  return std::make_unique<ChildDelete>(child_id, cause);
}
std::unique_ptr<Exchange> MakeLiveness() { return std::make_unique<Liveness>(); }

ResponderOutcome RespondInformational(Engine& engine, IkeSa& sa, const Message& m) {
  if (m.HasNotify(NotifyType::kAuthenticationFailed)) return RespondAuthFailedNotify(engine, sa);
  ResponderOutcome out;
  for (const DeletePayload* d : m.All<DeletePayload>()) {
    if (d->protocol == ProtocolId::kIke) {
      // §1.4.1: answer with an empty INFORMATIONAL, then the SA is gone.
      OnPeerDeletesIkeSa(engine, sa);
      out.payloads.clear();
      out.after = ResponderOutcome::After::kDestroy;
      out.cause = api::DownCause::kPeerDeleted;
      out.reason = "deleted by the peer";
      return out;
    }
    if (d->protocol != ProtocolId::kEsp) continue;
    std::vector<uint32_t> ours;
    for (uint32_t spi : d->spis) {
      // The peer names its inbound SPI, which is our outbound one.
      ChildSa* c = nullptr;
      for (auto& child : sa.children)
        if (child->spi_out == spi) c = child.get();
      if (!c) continue;
      // §1.4.1: if we are deleting it too (simultaneous), do not answer with it.
      if (c->state() != ChildSaState::kDeleting) ours.push_back(c->spi_in);
      OnPeerDeletesChild(engine, sa, *c);
      RemoveChildSa(engine, sa, c->id(), api::DownCause::kPeerDeleted, "deleted by the peer");
    }
    if (!ours.empty()) out.payloads.push_back(DeletePayload{ProtocolId::kEsp, std::move(ours)});
  }
  RespondMobike(engine, sa, m, out.payloads);
  return out;
}

}  // namespace ikevpn::ike
