// IKE SA rekey (RFC 7296 §1.3.2, §2.18): a new IKE SA with new SPIs and
// keys from the old SK_d and a fresh key exchange; the CHILD_SAs and our
// queued requests move to it and the old IKE SA is deleted.
//
//   Initiator                         Responder
//   HDR, SK {SA(IKE, new SPIi), Ni, KEi}  -->
//                                <--  HDR, SK {SA(IKE, new SPIr), Nr, KEr}
//   (on the old SA) HDR, SK {D(IKE)}  -->
//                                <--  HDR, SK {}
// or, refused:                   <--  HDR, SK {N(TEMPORARY_FAILURE)}           (retry later, §2.25.2)
//                                <--  HDR, SK {N(INVALID_KE_PAYLOAD, method)}  (retry with it)
//                                <--  HDR, SK {N(NO_PROPOSAL_CHOSEN)}
//
// SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF;
// the new SA's original initiator is whoever initiated the rekey (§2.18).
// Simultaneous rekeys (§2.8.2): see sa/rekey_collision.h.
#include "daemon/base/log.h"
#include "daemon/ike/crypto/ike_keys.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/child_exchange.h"
#include "daemon/ike/exchange/create_child_sa.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/starters.h"
#include "daemon/ike/sa/ike_sa_keys.h"

namespace ikevpn::ike {

namespace {

// A replaced IKE SA the peer should delete is destroyed after this anyway.
constexpr std::chrono::seconds kReplacedLinger{60};
constexpr int kMaxKeRetries = 2;

Bytes SpiBytes(uint64_t spi) {
  Bytes b(8);
  StoreBe64(b.data(), spi);
  return b;
}

Proposals WithIkeSpi(Proposals p, uint64_t spi) {
  uint8_t n = 1;
  for (Proposal& x : p) {
    x.number = n++;
    x.spi = SpiBytes(spi);
  }
  return p;
}

// The new IKE SA, registered under its own SPI, with the old one's peer,
// identities and extensions, and its own timers.
Result<IkeSa*> MakeSuccessor(Engine& engine, IkeSa& old, const ChosenAlgorithms& chosen, const SecretBytes& g_ir,
                             ByteSpan ni, ByteSpan nr, uint64_t spi_i, uint64_t spi_r, bool initiator) {
  IKEVPN_ASSIGN_OR_RETURN(SecretBytes skeyseed,
                          crypto::ComputeRekeySkeyseed(*old.keys->prf, old.keys->sk_d, g_ir, ni, nr));
  IKEVPN_ASSIGN_OR_RETURN(IkeSaKeys keys, MakeIkeSaKeys(chosen, skeyseed, ni, nr, spi_i, spi_r, initiator));
  auto sa = std::make_unique<IkeSa>(engine.sas().NewSaId(), old.connection_ptr(), initiator);
  sa->spi_i = spi_i;
  sa->spi_r = spi_r;
  sa->local = old.local;
  sa->remote = old.remote;
  sa->natt = old.natt;
  sa->peer_fragmentation = old.peer_fragmentation;
  sa->peer_mobike = old.peer_mobike;
  sa->peer_hash_algorithms = old.peer_hash_algorithms;
  sa->keys = std::move(keys);
  sa->peer_id = old.peer_id;
  sa->peer_id_text = old.peer_id_text;
  sa->local_id = old.local_id;
  sa->virtual_ips = old.virtual_ips;
  sa->dns = old.dns;
  IkeSa* fresh = engine.sas().Add(std::move(sa));
  fresh->SetState(IkeSaState::kEstablished);
  fresh->established = engine.env().clock.WallSeconds();
  fresh->last_peer_activity = engine.env().clock.Now();
  engine.ScheduleIkeTimers(*fresh);
  return fresh;
}

// An SA the peer is to delete goes by itself if the peer never does.
void Linger(Engine& engine, IkeSa& sa) {
  if (sa.delete_timer != kNoTimer) return;
  Engine* e = &engine;
  const uint64_t id = sa.id();
  sa.delete_timer = engine.env().timers.Schedule(kReplacedLinger, [e, id] {
    IkeSa* s = e->sas().FindById(id);
    if (!s) return;
    s->delete_timer = kNoTimer;
    e->Destroy(*s, api::DownCause::kRekeyed, "replaced by a rekey and not deleted by the peer");
  });
}

// Marks `sa` as replaced by `successor`: it reports nothing when it goes.
void MarkReplaced(Engine& engine, IkeSa& sa, IkeSa& successor) {
  if (sa.state() != IkeSaState::kDead) sa.SetState(IkeSaState::kRekeyed);
  sa.successor = successor.id();
  sa.peer_rekey.reset();
  for (TimerId* t : {&sa.rekey_timer, &sa.reauth_timer, &sa.dpd_timer}) {
    if (*t != kNoTimer) engine.env().timers.Cancel(*t);
    *t = kNoTimer;
  }
  if (sa.state() != IkeSaState::kDead) Linger(engine, sa);
}

// `old` is replaced: its CHILD_SAs and our queued requests move on.
void Retire(Engine& engine, IkeSa& old, IkeSa& successor) {
  MarkReplaced(engine, old, successor);
  successor.rekey_of = 0;
  std::vector<std::unique_ptr<ChildSa>> children = std::move(old.children);
  old.children.clear();
  for (auto& c : children) engine.AdoptChild(successor, std::move(c));
  auto queued = std::move(old.queued);
  old.queued.clear();
  for (auto& ex : queued) engine.Queue(successor, std::move(ex));
  IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << old.LogName() << " rekeyed to " << successor.LogName() << " "
                          << successor.keys->algorithms.ToString();
  engine.Emit({api::EventKind::kIkeSaRekeyed, old.connection().name, engine.StateOf(old.connection().name),
               old.id(), 0, successor.id()});
}

// Our rekey failed, but the peer's crossing one succeeded (we answered
// it): its successor stands and the peer deletes the old SA.
bool AdoptPeerRekey(Engine& engine, IkeSa& old) {
  if (!old.peer_rekey) return false;
  IkeSa* theirs = engine.sas().FindById(old.peer_rekey->created);
  old.peer_rekey.reset();
  if (!theirs) return false;
  Retire(engine, old, *theirs);
  return true;
}

std::unique_ptr<Exchange> MakeIkeRekeyAttempt(int attempt);

class IkeRekey final : public Exchange {
 public:
  explicit IkeRekey(int attempt) : attempt_(attempt) {}
  ExchangeType type() const override { return ExchangeType::kCreateChildSa; }
  std::string_view name() const override { return "IKE_SA rekey"; }

  // HDR, SK {SA(IKE, new SPIi), Ni, KEi} -->
  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    if (offered_.empty()) {
      if (sa.state() != IkeSaState::kEstablished) return Status(Code::kNotFound, "IKE_SA is not established");
      spi_ = engine.sas().NewSpi();
      offered_ = WithIkeSpi(sa.connection().ike_proposals, spi_);
      nonce_ = NewNonce(engine);
      sa.peer_rekey.reset();
      sa.SetState(IkeSaState::kRekeying);
    }
    if (!ke_) {
      std::vector<KeId> groups = KeMethods(offered_);
      if (groups.empty()) return Status(Code::kInvalidArgument, "no key exchange method configured");
      IKEVPN_ASSIGN_OR_RETURN(ke_, crypto::KeyExchange::Create(group_ != KeId::kNone ? group_ : groups.front()));
    }
    IKEVPN_LOG(kIke, kDebug) << "rekeying IKE_SA " << sa.LogName();
    return Payloads{SaPayload{offered_}, NoncePayload{nonce_},
                    KePayload{ke_->id(), Bytes(ke_->public_value().begin(), ke_->public_value().end())}};
  }

  // <-- HDR, SK {SA(IKE, new SPIr), Nr, KEr}
  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    if (const NotifyPayload* e = m.FindNotify(NotifyType::kInvalidKePayload)) {
      uint16_t wanted = 0;
      ByteReader r(e->data);
      if (!r.ReadU16(&wanted) || !AcceptsKe(offered_, static_cast<KeId>(wanted)) || ++ke_retries_ > kMaxKeRetries)
        return Failed(engine, sa, false, "INVALID_KE_PAYLOAD asks for method " + std::to_string(wanted));
      group_ = static_cast<KeId>(wanted);
      offered_ = PreferKe(offered_, group_);
      ke_.reset();
      return ExchangeResult::kResend;
    }
    if (const NotifyPayload* e = m.FirstErrorNotify())
      return Failed(engine, sa, e->type == NotifyType::kTemporaryFailure, "peer refused: " + std::string(ToString(e->type)));
    const SaPayload* sar = m.Find<SaPayload>();
    const KePayload* ker = m.Find<KePayload>();
    const NoncePayload* nr = m.Find<NoncePayload>();
    if (!sar || !ker || !nr || sar->proposals.size() != 1 || sar->proposals[0].spi.size() != 8)
      return Failed(engine, sa, false, "malformed IKE_SA rekey response");
    const Proposal& chosen = sar->proposals[0];
    if (Status s = CheckSelectedProposal(offered_, chosen); !s.ok()) return Failed(engine, sa, false, s.message());
    const ChosenAlgorithms algorithms = Chosen(chosen);
    if (algorithms.ke_id() != ke_->id() || ker->group != ke_->id())
      return Failed(engine, sa, false, "peer chose another key exchange method than our KE payload");
    auto g_ir = ke_->ComputeShared(ker->data);
    if (!g_ir.ok()) return Failed(engine, sa, false, "bad KE payload: " + g_ir.status().message());
    auto fresh = MakeSuccessor(engine, sa, algorithms, *g_ir, nonce_, nr->nonce, spi_, LoadBe64(chosen.spi.data()),
                               /*initiator=*/true);
    if (!fresh.ok()) return Failed(engine, sa, false, fresh.status().message());
    IkeSa& ours = **fresh;
    if (sa.peer_rekey) {
      // §2.8.2: the successor of the exchange with the lowest nonce is
      // deleted by its initiator; the other initiator deletes the old SA.
      const bool lost = OurRekeyLoses(nonce_, nr->nonce, *sa.peer_rekey);
      IkeSa* theirs = engine.sas().FindById(sa.peer_rekey->created);
      IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": simultaneous rekey, " << (lost ? "the peer's" : "ours")
                              << " survives";
      if (lost && theirs) {
        MarkReplaced(engine, ours, *theirs);
        Retire(engine, sa, *theirs);
        engine.Queue(ours, MakeIkeDelete(api::DownCause::kRekeyed, "redundant after a simultaneous rekey"));
        return ExchangeResult::kDone;
      }
      if (theirs) MarkReplaced(engine, *theirs, ours);
    }
    Retire(engine, sa, ours);
    engine.Queue(sa, MakeIkeDelete(api::DownCause::kRekeyed, "rekeyed"));
    return ExchangeResult::kDone;
  }

  void Abort(Engine& engine, IkeSa& sa) override {
    if (AdoptPeerRekey(engine, sa)) return;
    if (sa.state() == IkeSaState::kRekeying) sa.SetState(IkeSaState::kEstablished);
  }

 private:
  ExchangeResult Failed(Engine& engine, IkeSa& sa, bool temporary, const std::string& why) {
    set_failure(why);
    if (AdoptPeerRekey(engine, sa)) return ExchangeResult::kFailed;
    if (sa.state() == IkeSaState::kRekeying) sa.SetState(IkeSaState::kEstablished);
    if (!temporary || attempt_ >= kMaxTemporaryFailures) {
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": rekey failed: " << why;
      return ExchangeResult::kFailed;
    }
    // §2.25: not at once.
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": rekey refused for now, retrying later";
    Engine* e = &engine;
    const uint64_t id = sa.id();
    const int next = attempt_ + 1;
    if (sa.rekey_timer != kNoTimer) engine.env().timers.Cancel(sa.rekey_timer);
    sa.rekey_timer = engine.env().timers.Schedule(RetryDelay(engine), [e, id, next] {
      IkeSa* s = e->sas().FindById(id);
      if (!s) return;
      s->rekey_timer = kNoTimer;
      if (s->state() == IkeSaState::kEstablished) e->Queue(*s, MakeIkeRekeyAttempt(next));
    });
    return ExchangeResult::kFailed;
  }

  int attempt_;
  uint64_t spi_ = 0;
  Proposals offered_;
  KeId group_ = KeId::kNone;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Bytes nonce_;
  int ke_retries_ = 0;
};

std::unique_ptr<Exchange> MakeIkeRekeyAttempt(int attempt) { return std::make_unique<IkeRekey>(attempt); }

ResponderOutcome Refuse(NotifyType type, Bytes data = {}) { return NotifyOnly(MakeNotify(type, std::move(data))); }

}  // namespace

std::unique_ptr<Exchange> MakeIkeRekey() { return MakeIkeRekeyAttempt(0); }

void OnPeerDeletesIkeSa(Engine& engine, IkeSa& sa) {
  if (sa.rekey_of == 0) return;
  // The successor of the peer's crossing rekey: that rekey lost (§2.8.2),
  // ours goes on as if alone, and this SA goes quietly.
  IkeSa* old = engine.sas().FindById(sa.rekey_of);
  if (old && old->peer_rekey && old->peer_rekey->created == sa.id()) old->peer_rekey.reset();
  sa.successor = sa.rekey_of;
  sa.rekey_of = 0;
}

ResponderOutcome RespondIkeRekey(Engine& engine, IkeSa& sa, const Message& m) {
  // §2.25.2: not once replaced, nor while a request of ours other than our
  // own rekey of this SA is outstanding (its CHILD_SAs are in flux).
  if (sa.state() == IkeSaState::kRekeyed || (sa.state() != IkeSaState::kRekeying && sa.pending))
    return Refuse(NotifyType::kTemporaryFailure);
  const SaPayload* sai = m.Find<SaPayload>();
  const KePayload* kei = m.Find<KePayload>();
  const NoncePayload* ni = m.Find<NoncePayload>();
  if (!sai || !kei || !ni) return Refuse(NotifyType::kInvalidSyntax);
  auto selected = SelectProposal(sa.connection().ike_proposals, sai->proposals);
  if (!selected.ok()) return Refuse(NotifyType::kNoProposalChosen);
  if (selected->spi.size() != 8) return Refuse(NotifyType::kInvalidSyntax);
  const ChosenAlgorithms chosen = Chosen(*selected);
  if (kei->group != chosen.ke_id()) {
    Bytes group;
    ByteWriter(&group).U16(static_cast<uint16_t>(chosen.ke_id()));
    return Refuse(NotifyType::kInvalidKePayload, std::move(group));
  }
  auto ke = crypto::KeyExchange::Create(chosen.ke_id());
  if (!ke.ok()) return Refuse(NotifyType::kNoProposalChosen);
  auto g_ir = (*ke)->ComputeShared(kei->data);
  if (!g_ir.ok()) return Refuse(NotifyType::kInvalidSyntax);
  Bytes nr = NewNonce(engine);
  const uint64_t spi_r = engine.sas().NewSpi();
  auto fresh = MakeSuccessor(engine, sa, chosen, *g_ir, ni->nonce, nr, LoadBe64(selected->spi.data()), spi_r,
                             /*initiator=*/false);
  if (!fresh.ok()) {
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": rekey: " << fresh.status().ToString();
    return Refuse(NotifyType::kNoProposalChosen);
  }
  Proposal answer = *selected;
  answer.spi = SpiBytes(spi_r);
  ResponderOutcome out;
  out.payloads.push_back(SaPayload{{answer}});
  out.payloads.push_back(NoncePayload{nr});
  out.payloads.push_back(KePayload{(*ke)->id(), Bytes((*ke)->public_value().begin(), (*ke)->public_value().end())});
  if (sa.state() == IkeSaState::kRekeying) {
    // §2.8.2: we are rekeying it too; our exchange decides when it ends.
    sa.peer_rekey = PeerRekey{ni->nonce, std::move(nr), (*fresh)->id()};
    (*fresh)->rekey_of = sa.id();
    return out;
  }
  Retire(engine, sa, **fresh);
  return out;
}

}  // namespace ikevpn::ike
