// IKE_SA_INIT (RFC 7296 §1.2, §2.6, §2.7, §2.23; RFC 7383 §2.3; RFC 7427 §4).
//
//   Initiator                         Responder
//   HDR, SAi1, KEi, Ni,
//     [N(COOKIE)], N(NAT_DETECTION_*), N(FRAGMENTATION_SUPPORTED),
//     N(SIGNATURE_HASH_ALGORITHMS)  -->
//                                <--  HDR, SAr1, KEr, Nr, [CERTREQ],
//                                     N(NAT_DETECTION_*), ...
// or, refused:                   <--  HDR, N(COOKIE)
//                                <--  HDR, N(INVALID_KE_PAYLOAD)
//                                <--  HDR, N(NO_PROPOSAL_CHOSEN)
#include <algorithm>

#include "daemon/base/log.h"
#include "daemon/ike/crypto/key_exchange.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/cert_auth.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/ike_auth.h"
#include "daemon/ike/exchange/nat_detection.h"
#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/exchange/starters.h"
#include "daemon/ike/sa/ike_sa_keys.h"

namespace ikevpn::ike {

namespace {

constexpr size_t kNonceSize = 32;
constexpr int kMaxInitRetries = 3;  // COOKIE and INVALID_KE_PAYLOAD rounds

// The hash algorithms we can verify RFC 7427 signatures with.
Bytes SignatureHashAlgorithms() {
  Bytes out;
  ByteWriter w(&out);
  for (HashAlgorithm h : {HashAlgorithm::kSha2_256, HashAlgorithm::kSha2_384, HashAlgorithm::kSha2_512,
                          HashAlgorithm::kIdentity})
    w.U16(static_cast<uint16_t>(h));
  return out;
}

void ReadPeerExtensions(IkeSa& sa, const Message& m) {
  sa.peer_fragmentation = m.HasNotify(NotifyType::kIkev2FragmentationSupported);
  if (const NotifyPayload* n = m.FindNotify(NotifyType::kSignatureHashAlgorithms)) {
    ByteReader r(n->data);
    uint16_t v;
    while (r.ReadU16(&v)) sa.peer_hash_algorithms.push_back(static_cast<HashAlgorithm>(v));
  }
}

void AppendOurExtensions(const IkeSa& sa, Payloads& out) {
  if (sa.connection().fragmentation != config::Fragmentation::kNo)
    out.push_back(MakeNotify(NotifyType::kIkev2FragmentationSupported));
  out.push_back(MakeNotify(NotifyType::kSignatureHashAlgorithms, SignatureHashAlgorithms()));
}

Proposals Numbered(Proposals p) {
  uint8_t n = 1;
  for (Proposal& x : p) {
    x.number = n++;
    x.spi.clear();
  }
  return p;
}

// Moves IKE to the NAT-T port once ESP is to be UDP-encapsulated, for a
// NAT or forced by either side (§2.23): every later message goes to and
// from port 4500. With
// MOBIKE we move even without a NAT (RFC 4555 §3.3), so a NAT on a later
// path needs no port change; IKE_AUTH already goes to port 4500.
void FloatToNatPort(Engine& engine, IkeSa& sa) {
  if (!sa.natt.udp_encap() && !sa.connection().mobike) return;
  sa.local.port = engine.settings().nat_port;
  if (sa.remote.port == engine.settings().port) sa.remote.port = engine.settings().nat_port;
}

class IkeSaInit final : public Exchange {
 public:
  ExchangeType type() const override { return ExchangeType::kIkeSaInit; }
  std::string_view name() const override { return "IKE_SA_INIT"; }
  bool plaintext() const override { return true; }

  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    const config::Connection& c = sa.connection();
    if (offered_.empty()) offered_ = Numbered(c.ike_proposals);
    if (offered_.empty()) return Status(Code::kInvalidArgument, "no IKE proposals configured");
    if (!ke_) {
      std::vector<KeId> groups = KeMethods(offered_);
      if (groups.empty()) return Status(Code::kInvalidArgument, "no key exchange method configured");
      IKEVPN_ASSIGN_OR_RETURN(ke_, crypto::KeyExchange::Create(group_ != KeId::kNone ? group_ : groups.front()));
    }
    if (nonce_.empty()) {
      nonce_.resize(kNonceSize);
      engine.env().rng.Fill(nonce_);
    }
    if (sa.local.address.is_none() || sa.local.address.is_unspecified()) {
      if (auto src = engine.env().sender.SourceFor(sa.remote.address)) sa.local.address = *src;
    }
    sa.spi_r = 0;  // a retry starts over (§2.6, §1.3)
    Payloads p;
    if (!cookie_.empty()) p.push_back(MakeNotify(NotifyType::kCookie, cookie_));  // must be first
    p.push_back(SaPayload{offered_});
    p.push_back(KePayload{ke_->id(), Bytes(ke_->public_value().begin(), ke_->public_value().end())});
    p.push_back(NoncePayload{nonce_});
    AppendNatDetection(p, sa.spi_i, 0, sa.local, sa.remote, ForceEncap(engine, sa));
    AppendOurExtensions(sa, p);
    sa.SetState(IkeSaState::kInitSent);
    return p;
  }

  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    if (const NotifyPayload* cookie = m.FindNotify(NotifyType::kCookie); cookie && !m.Find<SaPayload>()) {
      if (++retries_ > kMaxInitRetries) return Fail(sa, "too many COOKIE requests");
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA_INIT: responder demands a COOKIE, retrying";
      cookie_ = cookie->data;
      sa.SetState(IkeSaState::kCreated);
      return ExchangeResult::kResend;
    }
    if (const NotifyPayload* e = m.FindNotify(NotifyType::kInvalidKePayload)) {
      uint16_t wanted = 0;
      ByteReader r(e->data);
      if (!r.ReadU16(&wanted) || !AcceptsKe(offered_, static_cast<KeId>(wanted)) || ++retries_ > kMaxInitRetries)
        return Fail(sa, "INVALID_KE_PAYLOAD asks for group " + std::to_string(wanted) + ", which we do not allow");
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA_INIT: responder wants key exchange group " << wanted << ", retrying";
      group_ = static_cast<KeId>(wanted);
      offered_ = PreferKe(offered_, group_);
      ke_.reset();
      sa.SetState(IkeSaState::kCreated);
      return ExchangeResult::kResend;
    }
    if (const NotifyPayload* e = m.FirstErrorNotify())
      return Fail(sa, "peer refused IKE_SA_INIT: " + std::string(ToString(e->type)));
    const SaPayload* sar = m.Find<SaPayload>();
    const KePayload* ker = m.Find<KePayload>();
    const NoncePayload* nr = m.Find<NoncePayload>();
    if (!sar || !ker || !nr || sar->proposals.size() != 1) return Fail(sa, "malformed IKE_SA_INIT response");
    if (Status s = CheckSelectedProposal(offered_, sar->proposals[0]); !s.ok()) return Fail(sa, s.message());
    ChosenAlgorithms chosen = Chosen(sar->proposals[0]);
    if (chosen.ke_id() != ke_->id() || ker->group != ke_->id())
      return Fail(sa, "responder chose a different key exchange group than our KE payload");
    auto g_ir = ke_->ComputeShared(ker->data);
    if (!g_ir.ok()) return Fail(sa, "bad KE payload: " + g_ir.status().message());
    auto skeyseed = InitialSkeyseed(chosen, nonce_, nr->nonce, *g_ir);
    if (!skeyseed.ok()) return Fail(sa, skeyseed.status().message());
    auto keys = MakeIkeSaKeys(chosen, *skeyseed, nonce_, nr->nonce, sa.spi_i, sa.spi_r, /*initiator=*/true);
    if (!keys.ok()) return Fail(sa, keys.status().message());
    sa.keys = std::move(keys).value();
    sa.local = engine.current_local();
    DetectNat(engine, sa, m);
    ReadPeerExtensions(sa, m);
    sa.auth_inputs = std::make_unique<AuthInputs>();
    sa.auth_inputs->init_request = engine.pending_datagrams(sa)->front();
    sa.auth_inputs->init_response = Bytes(engine.current_datagram().begin(), engine.current_datagram().end());
    sa.auth_inputs->ni = nonce_;
    sa.auth_inputs->nr = nr->nonce;
    FloatToNatPort(engine, sa);
    sa.SetState(IkeSaState::kAuthenticating);
    engine.Queue(sa, MakeIkeAuth(), /*front=*/true);
    return ExchangeResult::kDone;
  }

 private:
  ExchangeResult Fail(IkeSa& sa, const std::string& why) {
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": " << why;
    set_failure(why);
    return ExchangeResult::kDestroy;
  }

  Proposals offered_;
  KeId group_ = KeId::kNone;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Bytes nonce_;
  Bytes cookie_;
  int retries_ = 0;
};

ResponderOutcome Refuse(NotifyType type, Bytes data, std::string reason) {
  ResponderOutcome out;
  out.payloads.push_back(MakeNotify(type, std::move(data)));
  out.after = ResponderOutcome::After::kDestroy;
  out.cause = api::DownCause::kFailed;
  out.reason = std::move(reason);
  return out;
}

}  // namespace

std::unique_ptr<Exchange> MakeIkeSaInit() { return std::make_unique<IkeSaInit>(); }

ResponderOutcome RespondIkeSaInit(Engine& engine, IkeSa& sa, const Message& m) {
  const config::Connection& c = sa.connection();
  const SaPayload* sai = m.Find<SaPayload>();
  const KePayload* kei = m.Find<KePayload>();
  const NoncePayload* ni = m.Find<NoncePayload>();
  if (!sai || !kei || !ni) return Refuse(NotifyType::kInvalidSyntax, {}, "IKE_SA_INIT without SA, KE or Ni");
  auto selected = SelectProposal(c.ike_proposals, sai->proposals);
  if (!selected.ok()) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA_INIT from " << sa.remote.ToString() << ": no acceptable proposal";
    return Refuse(NotifyType::kNoProposalChosen, {}, "NO_PROPOSAL_CHOSEN");
  }
  ChosenAlgorithms chosen = Chosen(*selected);
  if (kei->group != chosen.ke_id()) {
    // §1.2: tell the initiator which group we want; it retries.
    Bytes group;
    ByteWriter(&group).U16(static_cast<uint16_t>(chosen.ke_id()));
    return Refuse(NotifyType::kInvalidKePayload, std::move(group), "INVALID_KE_PAYLOAD");
  }
  auto ke = crypto::KeyExchange::Create(chosen.ke_id());
  if (!ke.ok()) return Refuse(NotifyType::kNoProposalChosen, {}, ke.status().message());
  auto g_ir = (*ke)->ComputeShared(kei->data);
  if (!g_ir.ok()) return Refuse(NotifyType::kInvalidSyntax, {}, "bad KE payload: " + g_ir.status().message());
  Bytes nr(kNonceSize);
  engine.env().rng.Fill(nr);
  auto skeyseed = InitialSkeyseed(chosen, ni->nonce, nr, *g_ir);
  if (!skeyseed.ok()) return Refuse(NotifyType::kNoProposalChosen, {}, skeyseed.status().message());
  auto keys = MakeIkeSaKeys(chosen, *skeyseed, ni->nonce, nr, sa.spi_i, sa.spi_r, /*initiator=*/false);
  if (!keys.ok()) return Refuse(NotifyType::kNoProposalChosen, {}, keys.status().message());
  sa.keys = std::move(keys).value();
  DetectNat(engine, sa, m);
  ReadPeerExtensions(sa, m);
  sa.auth_inputs = std::make_unique<AuthInputs>();
  sa.auth_inputs->init_request = Bytes(engine.current_datagram().begin(), engine.current_datagram().end());
  sa.auth_inputs->ni = ni->nonce;
  sa.auth_inputs->nr = nr;

  ResponderOutcome out;
  out.payloads.push_back(SaPayload{{*selected}});
  out.payloads.push_back(KePayload{(*ke)->id(), Bytes((*ke)->public_value().begin(), (*ke)->public_value().end())});
  out.payloads.push_back(NoncePayload{std::move(nr)});
  // §3.7: which CAs we trust, when the peer must use a certificate.
  if (auto req = OwnCertReq(engine, sa)) out.payloads.push_back(std::move(*req));
  AppendNatDetection(engine, sa, out.payloads);
  AppendOurExtensions(sa, out.payloads);
  // The initiator moves to the NAT-T port when it sees the NAT; the answer
  // still goes out on the port the request came in on.
  sa.SetState(IkeSaState::kAuthenticating);
  return out;
}

}  // namespace ikevpn::ike
