// MOBIKE address update (RFC 4555 §3.5, §3.7, §3.8).
//
//   Initiator (mobile)                Responder
//   HDR, SK {N(UPDATE_SA_ADDRESSES),
//            N(NAT_DETECTION_SOURCE_IP),
//            N(NAT_DETECTION_DESTINATION_IP),
//            N(COOKIE2)}        -->
//                               <--   HDR, SK {N(NAT_DETECTION_SOURCE_IP),
//                                              N(NAT_DETECTION_DESTINATION_IP),
//                                              N(COOKIE2)}
//
// The request leaves from the initiator's new address; the responder takes
// the addresses and ports from the IP and UDP headers of that request
// (§3.5), never from an unauthenticated message (the Engine only hands it
// requests that passed the integrity check). COOKIE2 (§3.7) ties the
// response to the request: a response with another value closes the IKE SA.
#include "daemon/ike/exchange/mobike.h"

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/nat_detection.h"

namespace ikevpn::ike {

namespace {

constexpr size_t kCookie2Size = 16;  // §4.2.5: 8 to 64 octets, unpredictable
constexpr size_t kCookie2Min = 8;
constexpr size_t kCookie2Max = 64;

class MobikeUpdate final : public Exchange {
 public:
  ExchangeType type() const override { return ExchangeType::kInformational; }
  std::string_view name() const override { return "MOBIKE update"; }

  // Called again (same message ID) when our address changes while the
  // update is outstanding: the NAT_DETECTION hashes name the new source;
  // COOKIE2 stays, as the responder may have answered the first copy.
  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    if (cookie2_.empty()) {
      cookie2_.resize(kCookie2Size);
      engine.env().rng.Fill(cookie2_);
    }
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": moving to " << sa.local.ToString() << " -> "
                            << sa.remote.ToString() << " (UPDATE_SA_ADDRESSES)";
    Payloads p{MakeNotify(NotifyType::kUpdateSaAddresses)};
    AppendNatDetection(engine, sa, p);
    // §3.6: we announce no further addresses; the responder keeps none.
    p.push_back(MakeNotify(NotifyType::kNoAdditionalAddresses));
    p.push_back(MakeNotify(NotifyType::kCookie2, cookie2_));
    return p;
  }

  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    const NotifyPayload* cookie2 = m.FindNotify(NotifyType::kCookie2);
    if (!cookie2 || cookie2->data != cookie2_) {
      // §3.7: "If the values do not match, the IKE_SA MUST be closed."
      set_failure("MOBIKE update: COOKIE2 in the response does not match the request");
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": " << failure();
      return ExchangeResult::kDestroy;
    }
    if (const NotifyPayload* e = m.FirstErrorNotify()) {
      set_failure("MOBIKE update refused: " + std::string(ToString(e->type)));
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": " << failure();
      return ExchangeResult::kFailed;
    }
    // The response came back on the new path: that is where IKE runs now.
    sa.local = engine.current_local();
    sa.remote = engine.current_remote();
    if (!DetectNat(engine, sa, m)) {
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": MOBIKE response without NAT detection";
    }
    MoveChildSas(engine, sa);
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": moved to " << sa.local.ToString() << " -> "
                            << sa.remote.ToString() << (sa.natt.seen.any() ? " (NAT)" : "");
    return ExchangeResult::kDone;
  }

 private:
  Bytes cookie2_;
};

bool IsMobikeUpdate(const Exchange* e) { return e && dynamic_cast<const MobikeUpdate*>(e) != nullptr; }

bool UpdateQueued(IkeSa& sa) {
  for (auto& e : sa.queued)
    if (IsMobikeUpdate(e.get())) return true;
  return false;
}

void Roam(Engine& engine, IkeSa& sa) {
  std::optional<IpAddress> source = engine.env().sender.SourceFor(sa.remote.address);
  if (!source) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": no route to " << sa.remote.address.ToString()
                            << ", waiting for an address or route change";
    return;
  }
  const bool pending = sa.pending && IsMobikeUpdate(sa.pending->exchange.get());
  if (*source == sa.local.address && !pending) return;
  sa.local.address = *source;
  if (pending) {
    // Still unanswered (likely sent on the path that broke): again, from here.
    engine.ResendPending(sa);
  } else if (!UpdateQueued(sa)) {
    engine.Queue(sa, MakeMobikeUpdate());
  }
}

}  // namespace

bool MobikeInUse(const IkeSa& sa) { return sa.peer_mobike && sa.connection().mobike; }

std::unique_ptr<Exchange> MakeMobikeUpdate() { return std::make_unique<MobikeUpdate>(); }

void OnLocalAddressesChanged(Engine& engine) {
  std::vector<uint64_t> ids;
  engine.sas().ForEach([&](IkeSa& sa) {
    if (sa.initiator() && MobikeInUse(sa) && IsUsable(sa.state())) ids.push_back(sa.id());
  });
  for (uint64_t id : ids) {
    if (IkeSa* sa = engine.sas().FindById(id)) Roam(engine, *sa);
  }
}

void MoveChildSas(Engine& engine, IkeSa& sa) {
  const bool udp_encap = sa.natt.udp_encap();
  for (auto& c : sa.children) {
    if (!c->installed()) continue;
    Status s = c->UpdateAddresses(engine.env().kernel, sa.local.address, sa.remote.address, c->encap || udp_encap,
                                  sa.local.port, sa.remote.port);
    if (!s.ok()) {
      IKEVPN_LOG(kKnl, kWarn) << "IKE_SA " << sa.LogName() << ": moving CHILD_SA {" << c->id() << "}: " << s.ToString();
      continue;
    }
    IKEVPN_LOG(kIke, kDebug) << "CHILD_SA " << sa.connection().name << "{" << c->id() << "} now "
                             << sa.local.address.ToString() << " <-> " << sa.remote.address.ToString();
  }
  engine.ReportPeer(sa);  // address inertia remembers where the peer is now
}

void RespondMobike(Engine& engine, IkeSa& sa, const Message& m, Payloads& out) {
  const NotifyPayload* cookie2 = m.FindNotify(NotifyType::kCookie2);
  if (cookie2 && (cookie2->data.size() < kCookie2Min || cookie2->data.size() > kCookie2Max)) {
    // §4.2.5: 8 to 64 octets. Nothing in the request is acted on.
    out.push_back(MakeNotify(NotifyType::kInvalidSyntax));
    return;
  }
  const bool update = m.HasNotify(NotifyType::kUpdateSaAddresses);
  if (update && !MobikeInUse(sa)) {
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": UPDATE_SA_ADDRESSES without MOBIKE, ignored";
  } else if (update && sa.initiator()) {
    // §3.1: only the initiator decides which addresses are used.
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": UPDATE_SA_ADDRESSES from the responder, ignored";
  } else if (update) {
    const Endpoint was = sa.remote;
    sa.local = engine.current_local();
    sa.remote = engine.current_remote();
    DetectNat(engine, sa, m);
    MoveChildSas(engine, sa);
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa.LogName() << ": peer moved from " << was.ToString() << " to "
                            << sa.remote.ToString() << (sa.natt.seen.any() ? " (NAT)" : "");
  }
  // ADDITIONAL_IP4/6_ADDRESS and NO_ADDITIONAL_ADDRESSES (§3.6): we follow
  // the address the peer sends from and keep no list, so they need nothing.

  // §3.8: NAT detection in a request is answered with ours, for the path
  // the request took.
  if (m.HasNotify(NotifyType::kNatDetectionSourceIp) || m.HasNotify(NotifyType::kNatDetectionDestinationIp)) {
    AppendNatDetection(out, sa.spi_i, sa.spi_r, engine.current_local(), engine.current_remote(),
                       ForceEncap(engine, sa));
  }
  // §3.7: COOKIE2 is copied as is.
  if (cookie2) out.push_back(MakeNotify(NotifyType::kCookie2, cookie2->data));
}

}  // namespace ikevpn::ike
