// CHILD_SA rekey (RFC 7296 §1.3.3, §2.8), make-before-break: the new
// CHILD_SA is installed (same if_id and selectors) while the old one still
// decrypts; the initiator then removes the old outbound SA, so traffic
// moves, and deletes the old CHILD_SA with an INFORMATIONAL Delete. The
// interface never loses its last CHILD_SA on the way.
//
// The initiator can install the new inbound SA only once it has our answer
// (its keys need our nonce). So the responder adds the new inbound SA at
// once but keeps sending with the old outbound SA until the initiator
// deletes the old CHILD_SA, or kDeferredOutboundWait has passed (a peer that
// keeps the old one): sending with the new SA earlier loses the packets
// that overtake our answer.
//
//   Initiator                         Responder
//   HDR, SK {N(REKEY_SA, old inbound SPI), SA, Ni, [KEi], TSi, TSr}  -->
//                                <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
//   HDR, SK {D(ESP, old SPI)}  -->
//                                <--  HDR, SK {D(ESP, old SPI)}
// or, refused:                   <--  HDR, SK {N(CHILD_SA_NOT_FOUND)}  (recreate it, §2.25)
//                                <--  HDR, SK {N(TEMPORARY_FAILURE)}   (retry later, §2.25.1)
//                                <--  HDR, SK {N(INVALID_KE_PAYLOAD, method)}
//
// Simultaneous rekeys of one CHILD_SA (§2.8.1): see sa/rekey_collision.h.
#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/child_exchange.h"
#include "daemon/ike/exchange/create_child_sa.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

constexpr std::chrono::seconds kDeferredOutboundWait{5};

// `successor` replaces `old` (which may be gone): events and log.
void ReportRekeyed(Engine& engine, IkeSa& sa, uint64_t old_id, ChildSa& successor) {
  engine.OnChildUp(sa, successor, /*rekeyed=*/true);
  engine.Emit({api::EventKind::kChildSaRekeyed, sa.connection().name, api::ConnectionState::kUp, sa.id(), old_id,
               successor.id()});
}

}  // namespace

void OnPeerDeletesChild(Engine& engine, IkeSa& sa, ChildSa& c) {
  // The old CHILD_SA we rekey too: the peer's rekey won.
  if (c.state() == ChildSaState::kRekeying) AdoptPeerRekey(engine, sa, c);
  // The successor of the peer's crossing rekey: the peer's rekey lost, ours
  // goes on as if alone.
  for (auto& other : sa.children) {
    if (other->peer_rekey && other->peer_rekey->created == c.id()) {
      other->peer_rekey.reset();
      c.SetState(ChildSaState::kRekeyed);
    }
  }
}

bool AdoptPeerRekey(Engine& engine, IkeSa& sa, ChildSa& old) {
  if (!old.peer_rekey) return false;
  ChildSa* theirs = sa.FindChild(old.peer_rekey->created);
  old.peer_rekey.reset();
  if (!theirs) return false;
  old.SetState(ChildSaState::kRekeyed);
  ReportRekeyed(engine, sa, old.id(), *theirs);
  return true;
}

namespace {

class ChildRekey final : public Exchange {
 public:
  explicit ChildRekey(uint64_t child_id) : old_id_(child_id) {}
  ExchangeType type() const override { return ExchangeType::kCreateChildSa; }
  std::string_view name() const override { return "CHILD_SA rekey"; }

  // HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr} -->
  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    ChildSa* old = sa.FindChild(old_id_);
    if (!offer_.prepared()) {
      if (!old || old->state() != ChildSaState::kInstalled)
        return Status(Code::kNotFound, "CHILD_SA " + sa.ChildLogName(old_id_) + " is no longer installed");
      IKEVPN_RETURN_IF_ERROR(offer_.Prepare(engine, sa, TsPair{old->local_ts, old->remote_ts}, old->reqid()));
      old->peer_rekey.reset();
      old->SetState(ChildSaState::kRekeying);
    } else if (!old || old->state() != ChildSaState::kRekeying) {
      return Status(Code::kNotFound, "CHILD_SA " + sa.ChildLogName(old_id_) + " went away during its rekey");
    }
    IKEVPN_LOG(kIke, kDebug) << "rekeying CHILD_SA " << sa.ChildLogName(old_id_);
    // §1.3.3: the SPI the initiator expects in inbound packets.
    Payloads p{SpiNotify(NotifyType::kRekeySa, old->spi_in)};
    offer_.Append(sa, p);
    return p;
  }

  // <-- HDR, SK {SA, Nr, [KEr], TSi, TSr}
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    const bool temporary = m.HasNotify(NotifyType::kTemporaryFailure);
    const bool not_found = m.HasNotify(NotifyType::kChildSaNotFound);
    auto child = offer_.Complete(engine, sa, m);
    if (offer_.resend()) return ExchangeResult::kResend;
    ChildSa* old = sa.FindChild(old_id_);
    if (!child.ok()) {
      set_failure(child.status().message());
      if (!old) return ExchangeResult::kFailed;
      if (AdoptPeerRekey(engine, sa, *old)) return ExchangeResult::kFailed;
      if (old->state() == ChildSaState::kRekeying) old->SetState(ChildSaState::kInstalled);
      if (not_found) return Recreate(engine, sa);
      if (temporary) {
        RetryLater(engine, sa, *old);
      } else {
        IKEVPN_LOG(kIke, kWarn) << "CHILD_SA " << sa.ChildLogName(old_id_) << ": rekey failed: " << failure();
      }
      return ExchangeResult::kFailed;
    }
    ChildSa& fresh = **child;
    if (!old) {
      // The peer answered our rekey and then deleted the old CHILD_SA: it
      // won a collision whose request reached us first (ours was lost and
      // retransmitted). Ours is the redundant successor.
      IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(old_id_) << ": the peer's rekey won, deleting ours";
      fresh.SetState(ChildSaState::kRekeyed);
      fresh.UninstallOutbound(engine.env().kernel);
      engine.Queue(sa, MakeChildDelete(fresh.id(), api::DownCause::kRekeyed));
      return ExchangeResult::kDone;
    }
    if (old->peer_rekey) return ResolveCollision(engine, sa, *old, fresh);
    // Make-before-break: the successor is in; traffic moves to it.
    old->SetState(ChildSaState::kRekeyed);
    old->UninstallOutbound(engine.env().kernel);
    ReportRekeyed(engine, sa, old_id_, fresh);
    engine.Queue(sa, MakeChildDelete(old_id_, api::DownCause::kRekeyed));
    return ExchangeResult::kDone;
  }

  void Abort(Engine& engine, IkeSa& sa) override {
    offer_.Release(engine, sa);
    ChildSa* old = sa.FindChild(old_id_);
    if (!old || old->state() != ChildSaState::kRekeying) return;
    if (!AdoptPeerRekey(engine, sa, *old)) old->SetState(ChildSaState::kInstalled);
  }

 private:
  // §2.8.1: both of us rekeyed the CHILD_SA. The successor made by the
  // exchange with the lowest nonce is redundant and deleted by that
  // exchange's initiator; the other initiator deletes the old CHILD_SA.
  ExchangeResult ResolveCollision(Engine& engine, IkeSa& sa, ChildSa& old, ChildSa& ours) {
    const bool lost = OurRekeyLoses(offer_.ni(), offer_.nr(), *old.peer_rekey);
    const uint64_t theirs_id = old.peer_rekey->created;
    old.peer_rekey.reset();
    ChildSa* theirs = sa.FindChild(theirs_id);
    ChildSa* winner = lost ? theirs : &ours;
    ChildSa* loser = lost ? &ours : theirs;
    IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(old_id_) << ": simultaneous rekey, "
                            << (lost ? "the peer's" : "ours") << " survives";
    old.SetState(ChildSaState::kRekeyed);
    if (loser) {
      loser->SetState(ChildSaState::kRekeyed);
      loser->UninstallOutbound(engine.env().kernel);
    }
    if (!lost) old.UninstallOutbound(engine.env().kernel);
    if (winner) ReportRekeyed(engine, sa, old_id_, *winner);
    engine.Queue(sa, MakeChildDelete(lost ? ours.id() : old_id_, api::DownCause::kRekeyed));
    return ExchangeResult::kDone;
  }

  // §2.25: the peer does not know the CHILD_SA; drop ours and start afresh.
  ExchangeResult Recreate(Engine& engine, IkeSa& sa) {
    IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(old_id_) << " unknown to the peer, creating a new one";
    RemoveChildSa(engine, sa, old_id_, api::DownCause::kFailed, "unknown to the peer");
    engine.Queue(sa, MakeChildCreate());
    return ExchangeResult::kFailed;
  }

  // §2.25: not at once. The CHILD_SA's own rekey timer does it, so the
  // retry follows the CHILD_SA to a new IKE SA; its hard lifetime ends
  // the retries.
  void RetryLater(Engine& engine, IkeSa& sa, ChildSa& old) {
    IKEVPN_LOG(kIke, kDebug) << "CHILD_SA " << sa.ChildLogName(old_id_) << ": rekey refused for now, retrying later";
    if (old.rekey_timer != kNoTimer) engine.env().timers.Cancel(old.rekey_timer);
    old.rekey_timer = kNoTimer;
    engine.ArmChildTimers(sa, old, RetryDelay(engine), std::nullopt);
  }

  ChildSaOffer offer_;
  uint64_t old_id_;
};

}  // namespace

std::unique_ptr<Exchange> MakeChildRekey(uint64_t child_id) { return std::make_unique<ChildRekey>(child_id); }

void StartDeferredOutbound(Engine& engine, IkeSa& sa, uint32_t reqid, std::string_view why) {
  for (auto& c : sa.children) {
    if (c->reqid() != reqid || !c->outbound_deferred()) continue;
    if (c->outbound_timer != kNoTimer) engine.env().timers.Cancel(c->outbound_timer);
    c->outbound_timer = kNoTimer;
    IKEVPN_LOG(kIke, kDebug) << "CHILD_SA " << sa.ChildLogName(c->id()) << ": sending with it (" << why << ")";
    if (Status s = c->InstallDeferredOutbound(engine.env().kernel); !s.ok())
      IKEVPN_LOG(kKnl, kError) << "CHILD_SA " << sa.ChildLogName(c->id()) << ": " << s.ToString();
  }
}

namespace {

// The fallback of the deferred outbound SA; the timer follows the CHILD_SA
// across an IKE rekey.
void ArmDeferredOutbound(Engine& engine, IkeSa& sa, ChildSa& fresh) {
  const uint64_t sa_id = sa.id(), child_id = fresh.id();
  fresh.outbound_timer = engine.env().timers.Schedule(kDeferredOutboundWait, [&engine, sa_id, child_id] {
    IkeSa* s = CurrentSa(engine, sa_id);
    ChildSa* c = s ? s->FindChild(child_id) : nullptr;
    if (!c) return;
    c->outbound_timer = kNoTimer;
    StartDeferredOutbound(engine, *s, c->reqid(), "the old CHILD_SA was not deleted in time");
  });
}

}  // namespace

ResponderOutcome RespondChildRekey(Engine& engine, IkeSa& sa, const Message& m, const NotifyPayload& rekey) {
  // §2.25.2: not while the IKE SA is being rekeyed (or already replaced).
  if (sa.state() != IkeSaState::kEstablished) return NotifyOnly(MakeNotify(NotifyType::kTemporaryFailure));
  if (rekey.protocol != ProtocolId::kEsp || rekey.spi.size() != 4)
    return NotifyOnly(MakeNotify(NotifyType::kInvalidSyntax));
  // The SPI the peer receives with: our outbound SPI (§1.3.3).
  const uint32_t spi = LoadBe32(rekey.spi.data());
  ChildSa* old = nullptr;
  for (auto& c : sa.children)
    if (c->spi_out == spi) old = c.get();
  // §2.25: CHILD_SA_NOT_FOUND with the SPI copied from REKEY_SA.
  if (!old) return NotifyOnly(SpiNotify(NotifyType::kChildSaNotFound, spi));
  // §2.25.1: one we are closing (or replaced already) is not rekeyed.
  if (old->state() != ChildSaState::kInstalled && old->state() != ChildSaState::kRekeying)
    return NotifyOnly(MakeNotify(NotifyType::kTemporaryFailure));
  ResponderOutcome out;
  Bytes nr;
  // In a collision (§2.8.1) our own exchange decides which SA carries on.
  const bool colliding = old->state() == ChildSaState::kRekeying;
  auto child = RespondChildSa(engine, sa, m, out.payloads, nr, old->reqid(),
                              colliding ? OutboundStart::kNow : OutboundStart::kDeferred);
  if (!child.ok()) {
    IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(old->id()) << ": rekey refused: " << child.status().message();
    return out;
  }
  ChildSa& fresh = **child;
  if (colliding) {
    // §2.8.1: we are rekeying it too; our exchange decides when it ends
    // (and only the survivor gets timers).
    old->peer_rekey = PeerRekey{m.Find<NoncePayload>()->nonce, nr, fresh.id()};
    return out;
  }
  // The old CHILD_SA keeps both its SAs until the initiator deletes it.
  ArmDeferredOutbound(engine, sa, fresh);
  old->SetState(ChildSaState::kRekeyed);
  ReportRekeyed(engine, sa, old->id(), fresh);
  return out;
}

}  // namespace ikevpn::ike
