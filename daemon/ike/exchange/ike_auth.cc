// IKE_AUTH (RFC 7296 §1.2, §2.15, §2.16, §2.4 INITIAL_CONTACT; certificates
// §3.6, §3.7; signatures RFC 7427, RFC 4754).
//
//   Initiator                         Responder
//   HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, [CP(CFG_REQUEST),]
//            [N(INITIAL_CONTACT),] [N(USE_TRANSPORT_MODE),]
//            SAi2, TSi, TSr}  -->
//                                <--  HDR, SK {IDr, [CERT,] AUTH, [CP(CFG_REPLY),]
//                                              SAr2, TSi, TSr}
// or, authentication failed:     <--  HDR, SK {N(AUTHENTICATION_FAILED)}
// or, IKE SA up but no CHILD_SA: <--  HDR, SK {IDr, AUTH, N(NO_PROPOSAL_CHOSEN | TS_UNACCEPTABLE)}
#include "daemon/ike/exchange/ike_auth.h"

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/authenticator.h"
#include "daemon/ike/exchange/cert_auth.h"
#include "daemon/ike/exchange/child_negotiation.h"
#include "daemon/ike/exchange/config_payload.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/peer_connection.h"
#include "daemon/ike/exchange/peer_uniqueness.h"
#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/exchange/starters.h"

namespace ikevpn::ike {

namespace {

class IkeAuth final : public Exchange {
 public:
  ExchangeType type() const override { return ExchangeType::kIkeAuth; }
  std::string_view name() const override { return "IKE_AUTH"; }

  Result<Payloads> BuildRequest(Engine& engine, IkeSa& sa) override {
    const config::Connection& c = sa.connection();
    IKEVPN_ASSIGN_OR_RETURN(sa.local_id, OwnIdentity(engine, sa));
    // HDR, SK {IDi, [CERT+,] [CERTREQ,] [IDr,] AUTH, ...} -->
    Payloads p;
    IdiPayload idi{sa.local_id.type, sa.local_id.data};
    p.push_back(idi);
    IKEVPN_RETURN_IF_ERROR(AppendOwnCerts(engine, sa, p));
    if (auto req = OwnCertReq(engine, sa)) p.push_back(std::move(*req));
    if (c.remote_id) {
      IKEVPN_ASSIGN_OR_RETURN(config::Identity want, WithPayloadData(*c.remote_id));
      if (!want.data.empty()) p.push_back(IdrPayload{want.type, want.data});
    }
    IKEVPN_ASSIGN_OR_RETURN(AuthPayload auth, BuildAuth(engine, sa, IdBody(idi.type, idi.data)));
    p.push_back(std::move(auth));
    // §2.4: we keep no other IKE_SA with this peer, so it may drop stale ones.
    p.push_back(MakeNotify(NotifyType::kInitialContact));
    if (c.mobike) p.push_back(MakeNotify(NotifyType::kMobikeSupported));
    AppendConfigRequest(sa, p);
    if (!child_) {
      IKEVPN_ASSIGN_OR_RETURN(ChildRequest req, PrepareChild(engine, sa, /*with_ke=*/false));
      child_ = std::move(req);
    }
    AppendChildRequest(sa, *child_, p);
    return p;
  }

  ExchangeResult ProcessResponse(Engine& engine, IkeSa& sa, const Message& m) override {
    const IdrPayload* idr = m.Find<IdrPayload>();
    const AuthPayload* auth = m.Find<AuthPayload>();
    if (!idr || !auth) {
      // <-- HDR, SK {N(AUTHENTICATION_FAILED)}: the responder rejected us.
      const NotifyPayload* e = m.FirstErrorNotify();
      if (e && e->type == NotifyType::kAuthenticationFailed) sa.auth_failed = true;
      Fail(engine, sa, e ? std::string(ToString(e->type)) : "IKE_AUTH response without IDr/AUTH");
      return ExchangeResult::kDestroy;
    }
    config::Identity peer = IdentityOf(idr->type, idr->data);
    sa.peer_id = peer;
    sa.peer_id_text = peer.text;
    if (Status s = VerifyAuth(engine, sa, m, *auth, peer); !s.ok()) {
      // §2.21.2: the responder thinks the SA is up; tell it, then delete.
      const std::string why = "authentication of " + peer.text + " failed: " + s.message();
      Fail(engine, sa, why);
      sa.auth_failed = true;
      engine.Queue(sa, MakeAuthFailedNotify(why), /*front=*/true);
      return ExchangeResult::kDone;
    }
    sa.peer_mobike = m.HasNotify(NotifyType::kMobikeSupported);
    if (child_) ClaimPeerLeases(engine, sa, child_->proposed.responder);
    // <-- HDR, SK {IDr, AUTH, [CP(CFG_REPLY),] SAr2, TSi, TSr}
    Status cfg = ProcessConfigReply(sa, m);
    ChildKeyInputs keys{sa.auth_inputs->ni, sa.auth_inputs->nr, nullptr};
    if (!cfg.ok()) ReleaseChild(engine, sa, *child_);
    Result<ChildSa*> child = cfg.ok() ? CompleteChild(engine, sa, *child_, m, keys) : Result<ChildSa*>(cfg);
    sa.SetState(IkeSaState::kEstablished);
    engine.OnIkeEstablished(sa);
    InstallVirtualIps(engine, sa);
    if (!child.ok()) {
      IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": no CHILD_SA: " << child.status().message();
      engine.Emit({api::EventKind::kFailed, sa.connection().name, api::ConnectionState::kConnecting, sa.id(), 0, 0,
                   child.status().message(), api::DownCause::kFailed});
      // A client without its virtual IP has no use for the IKE_SA.
      if (!cfg.ok()) engine.Queue(sa, MakeIkeDelete(api::DownCause::kFailed, cfg.message()));
      return ExchangeResult::kFailed;
    }
    engine.OnChildUp(sa, **child, /*rekeyed=*/false);
    return ExchangeResult::kDone;
  }

  void Abort(Engine& engine, IkeSa& sa) override {
    if (child_) ReleaseChild(engine, sa, *child_);
  }

 private:
  void Fail(Engine& engine, IkeSa& sa, const std::string& why) {
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": " << why;
    if (child_) ReleaseChild(engine, sa, *child_);
    set_failure(why);
  }

  std::optional<ChildRequest> child_;
};

ResponderOutcome AuthFailed(IkeSa& sa, const std::string& why) {
  IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": " << why;
  sa.auth_failed = true;
  ResponderOutcome out;
  out.payloads.push_back(MakeNotify(NotifyType::kAuthenticationFailed));
  out.after = ResponderOutcome::After::kDestroy;
  out.cause = api::DownCause::kAuthFailed;
  out.reason = "AUTHENTICATION_FAILED: " + why;
  return out;
}

}  // namespace

std::unique_ptr<Exchange> MakeIkeAuth() { return std::make_unique<IkeAuth>(); }

ResponderOutcome RespondIkeAuth(Engine& engine, IkeSa& sa, const Message& m) {
  if (sa.state() != IkeSaState::kAuthenticating || sa.initiator() || !sa.auth_inputs) {
    ResponderOutcome out;
    out.payloads.push_back(MakeNotify(NotifyType::kInvalidSyntax));
    return out;
  }
  const IdiPayload* idi = m.Find<IdiPayload>();
  const AuthPayload* auth = m.Find<AuthPayload>();
  if (!idi || !auth) return AuthFailed(sa, "IKE_AUTH without IDi/AUTH (EAP is not supported)");
  config::Identity peer = IdentityOf(idi->type, idi->data);
  sa.peer_id = peer;
  sa.peer_id_text = peer.text;
  ReselectByIdentity(engine, sa, m, peer);
  auto own = OwnIdentity(engine, sa);
  if (!own.ok()) return AuthFailed(sa, "cannot name ourselves: " + own.status().message());
  sa.local_id = std::move(own).value();
  if (Status s = VerifyAuth(engine, sa, m, *auth, peer); !s.ok())
    return AuthFailed(sa, "authentication of " + peer.text + " failed: " + s.message());
  sa.peer_mobike = m.HasNotify(NotifyType::kMobikeSupported);
  // The peer's older IKE_SAs: a road-warrior gateway replaces them now, so
  // that the new one gets their lease; everyone else once the new CHILD_SA
  // is made, below (peer_uniqueness.h).
  const bool initial_contact = m.HasNotify(NotifyType::kInitialContact);
  ReplaceOlderSas(engine, sa, ReplaceWhen::kAuthenticated, initial_contact);

  // <-- HDR, SK {IDr, [CERT+,] AUTH, ...}
  ResponderOutcome out;
  IdrPayload idr{sa.local_id.type, sa.local_id.data};
  out.payloads.push_back(idr);
  if (Status s = AppendOwnCerts(engine, sa, out.payloads); !s.ok())
    return AuthFailed(sa, "cannot authenticate ourselves: " + s.message());
  auto our_auth = BuildAuth(engine, sa, IdBody(idr.type, idr.data));
  if (!our_auth.ok()) return AuthFailed(sa, "cannot authenticate ourselves: " + our_auth.status().message());
  out.payloads.push_back(std::move(our_auth).value());
  if (sa.connection().mobike) out.payloads.push_back(MakeNotify(NotifyType::kMobikeSupported));
  // CP(CFG_REPLY) first: the CHILD_SA narrows TSi to the leased address.
  AdoptVirtualIps(engine, sa);
  Status cfg = RespondConfigRequest(engine, sa, m, out.payloads);
  ChildKeyInputs keys{sa.auth_inputs->ni, sa.auth_inputs->nr, nullptr};
  Result<ChildSa*> child =
      cfg.ok() ? RespondChild(engine, sa, m, keys, out.payloads, /*with_ke=*/false) : Result<ChildSa*>(cfg);
  sa.SetState(IkeSaState::kEstablished);
  engine.OnIkeEstablished(sa);
  InstallVirtualIps(engine, sa);
  if (child.ok()) {
    engine.OnChildUp(sa, **child, /*rekeyed=*/false);
  } else {
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << sa.LogName() << ": no CHILD_SA: " << child.status().message();
  }
  // After the new CHILD_SA is installed: the interface never goes down.
  ReplaceOlderSas(engine, sa, ReplaceWhen::kChildMade, initial_contact);
  return out;
}

}  // namespace ikevpn::ike
