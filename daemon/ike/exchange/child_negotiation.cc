#include "daemon/ike/exchange/child_negotiation.h"

#include <algorithm>

#include "daemon/base/log.h"
#include "daemon/ike/crypto/ike_keys.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/sa/ike_sa_keys.h"

namespace ikevpn::ike {

namespace {

Bytes SpiBytes(uint32_t spi) {
  Bytes b(4);
  StoreBe32(b.data(), spi);
  return b;
}

Proposals WithSpi(Proposals p, uint32_t spi, bool with_ke) {
  uint8_t n = 1;
  for (Proposal& x : p) {
    x.number = n++;
    x.spi = SpiBytes(spi);
    if (!with_ke) {
      std::erase_if(x.transforms, [](const Transform& t) { return t.type == TransformType::kKe; });
    }
  }
  return p;
}


kernel::IpsecMode ModeOf(const config::Connection& c) {
  return c.mode == config::Mode::kTransport ? kernel::IpsecMode::kTransport : kernel::IpsecMode::kTunnel;
}

void ConfigureChild(const IkeSa& sa, ChildSa& child) {
  const config::Connection& c = sa.connection();
  child.mode = ModeOf(c);
  child.if_id = c.if_id.value_or(0);
  child.interface = c.interface;
  child.encap = sa.natt.udp_encap();
  child.encap_local_port = sa.local.port;
  child.encap_remote_port = sa.remote.port;
}

Result<ChildSa*> Install(Engine& engine, IkeSa& sa, std::unique_ptr<ChildSa> child, const ChildKeyInputs& in,
                         bool initiator, OutboundStart outbound = OutboundStart::kNow) {
  IkeSaKeys& k = *sa.keys;
  crypto::CipherSpec spec = SpecOf(child->algorithms);
  IKEVPN_ASSIGN_OR_RETURN(size_t encr_size, crypto::Cipher::EncrKeySize(spec));
  IKEVPN_ASSIGN_OR_RETURN(size_t integ_size, crypto::Cipher::IntegKeySize(spec.integ));
  IKEVPN_ASSIGN_OR_RETURN(crypto::ChildSaKeys km,
                          crypto::DeriveChildSaKeys(*k.prf, k.sk_d, in.g_ir, in.ni, in.nr, encr_size, integ_size));
  ChildSaKeysForInstall keys;
  // The "i" keys protect initiator -> responder (§2.17).
  keys.encr_out = initiator ? std::move(km.encr_i) : std::move(km.encr_r);
  keys.integ_out = initiator ? std::move(km.integ_i) : std::move(km.integ_r);
  keys.encr_in = initiator ? std::move(km.encr_r) : std::move(km.encr_i);
  keys.integ_in = initiator ? std::move(km.integ_r) : std::move(km.integ_i);
  // The kernel's soft and hard limits are backstops past our own timers.
  const ChildKernelLifetimes life = ChildKernelLifetimesFor(sa.connection().child_lifetime);
  IKEVPN_RETURN_IF_ERROR(child->Install(engine.child_kernel(), sa.local.address, sa.remote.address,
                                        std::move(keys), life, outbound));
  child->SetState(ChildSaState::kInstalled);
  ChildSa* raw = child.get();
  sa.children.push_back(std::move(child));
  return raw;
}

}  // namespace

TrafficSelectors ResolveSelectors(const config::TsSpec& spec, const IpAddress& own, const std::vector<Prefix>& vips) {
  if (!spec.dynamic) return spec.selectors;
  TrafficSelectors out;
  for (const Prefix& v : vips) out.push_back(TrafficSelector::FromPrefix(v));
  if (out.empty() && !own.is_none()) out = ForAddress(own);
  return out;
}

TrafficSelectors LocalSelectors(const IkeSa& sa) {
  const bool client = sa.connection().virtual_ip;
  return ResolveSelectors(sa.connection().local_ts, sa.local.address, client ? sa.virtual_ips : std::vector<Prefix>{});
}

TrafficSelectors RemoteSelectors(const IkeSa& sa) {
  const bool gateway = !sa.connection().pools.empty();
  return ResolveSelectors(sa.connection().remote_ts, sa.remote.address, gateway ? sa.virtual_ips : std::vector<Prefix>{});
}

Result<ChildRequest> PrepareChild(Engine& engine, IkeSa& sa, bool with_ke, uint32_t reqid) {
  const config::Connection& c = sa.connection();
  ChildRequest req;
  req.child = std::make_unique<ChildSa>(engine.NewChildId(), sa.id(), reqid ? reqid : engine.ReqidFor(c));
  ConfigureChild(sa, *req.child);
  IKEVPN_ASSIGN_OR_RETURN(req.child->spi_in,
                          engine.env().kernel.AllocateSpi(sa.remote.address, sa.local.address, ProtocolId::kEsp));
  req.offered = WithSpi(c.esp_proposals, req.child->spi_in, with_ke);
  // A client asking for a virtual IP proposes "anything" for its side and
  // lets the gateway narrow it to the assigned address (§2.9, §3.15).
  if (c.virtual_ip && sa.virtual_ips.empty()) {
    for (IpAddress::Family f : c.virtual_ip_families) req.proposed.initiator.push_back(TrafficSelector::All(f));
    if (req.proposed.initiator.empty()) req.proposed.initiator.push_back(TrafficSelector::All(IpAddress::Family::kV4));
  } else {
    req.proposed.initiator = LocalSelectors(sa);
  }
  req.proposed.responder = RemoteSelectors(sa);
  if (req.proposed.initiator.empty() || req.proposed.responder.empty())
    return Status(Code::kInvalidArgument, "no traffic selectors for the CHILD_SA");
  return req;
}

void AppendChildRequest(const IkeSa& sa, const ChildRequest& req, Payloads& out) {
  if (sa.connection().mode == config::Mode::kTransport) out.push_back(MakeNotify(NotifyType::kUseTransportMode));
  out.push_back(SaPayload{req.offered});
  out.push_back(TsiPayload{req.proposed.initiator});
  out.push_back(TsrPayload{req.proposed.responder});
}

void RemoveChildSa(Engine& engine, IkeSa& sa, uint64_t child_id, api::DownCause cause, const std::string& reason) {
  std::unique_ptr<ChildSa> c = sa.RemoveChild(child_id);
  if (!c) return;
  c->CancelTimers(engine.env().timers);
  const bool rekeyed = c->state() == ChildSaState::kRekeyed;
  // Its successor (same reqid) may still send with it (child_rekey.cc).
  if (rekeyed) StartDeferredOutbound(engine, sa, c->reqid(), reason);
  c->Uninstall(engine.child_kernel());
  c->SetState(ChildSaState::kDeleted);
  if (!rekeyed) {
    IKEVPN_LOG(kIke, kInfo) << "CHILD_SA " << sa.ChildLogName(child_id) << " deleted: " << reason;
    engine.Emit({api::EventKind::kChildSaDown, sa.connection().name, api::ConnectionState::kDown, sa.id(), child_id, 0,
                 reason, cause});
    engine.Emit({api::EventKind::kConnectionState, sa.connection().name, engine.StateOf(sa.connection().name), sa.id()});
  }
}

void ReleaseChild(Engine& engine, IkeSa& sa, ChildRequest& req) {
  if (!req.child || req.child->spi_in == 0) return;
  kernel::SaId id;
  id.src = sa.remote.address;
  id.dst = sa.local.address;
  id.spi = req.child->spi_in;
  (void)engine.env().kernel.DeleteSa(id);  // the larval SA, if the backend keeps one
  req.child.reset();
}

Result<ChildSa*> CompleteChild(Engine& engine, IkeSa& sa, ChildRequest& req, const Message& m,
                               const ChildKeyInputs& keys) {
  if (const NotifyPayload* e = m.FirstErrorNotify()) {
    ReleaseChild(engine, sa, req);
    return Status(Code::kNotFound, "peer refused the CHILD_SA: " + std::string(ToString(e->type)));
  }
  const SaPayload* sar = m.Find<SaPayload>();
  const TsiPayload* tsi = m.Find<TsiPayload>();
  const TsrPayload* tsr = m.Find<TsrPayload>();
  auto fail = [&](std::string why) -> Result<ChildSa*> {
    ReleaseChild(engine, sa, req);
    return Status(Code::kDrop, std::move(why));
  };
  if (!sar || !tsi || !tsr || sar->proposals.size() != 1) return fail("CHILD_SA answer without SA/TSi/TSr");
  const Proposal& chosen = sar->proposals[0];
  if (Status s = CheckSelectedProposal(req.offered, chosen); !s.ok()) return fail(s.message());
  if (chosen.spi.size() != 4) return fail("CHILD_SA answer with a bad SPI size");
  TsPair answered{tsi->selectors, tsr->selectors};
  if (Status s = CheckNarrowed(req.proposed, answered); !s.ok()) return fail(s.message());
  const bool transport = m.HasNotify(NotifyType::kUseTransportMode);
  if (transport != (sa.connection().mode == config::Mode::kTransport))
    return fail("peer disagrees on transport mode");
  ChildSa& child = *req.child;
  child.spi_out = LoadBe32(chosen.spi.data());
  child.algorithms = Chosen(chosen);
  child.local_ts = answered.initiator;
  child.remote_ts = answered.responder;
  auto installed = Install(engine, sa, std::move(req.child), keys, /*initiator=*/true);
  if (!installed.ok()) return installed.status().Annotate("installing CHILD_SA");
  return installed;
}

namespace {

// The responder's choice among the peer's ESP proposals (SPIs left out).
Result<Proposal> SelectEsp(const IkeSa& sa, const SaPayload& sai, bool with_ke) {
  Proposals ours = WithSpi(sa.connection().esp_proposals, 0, with_ke);
  for (Proposal& p : ours) p.spi.clear();
  // Without a key exchange (IKE_AUTH, or no PFS) KE transforms the peer
  // lists are ignored (§1.2).
  Proposals theirs = WithSpi(sai.proposals, 0, with_ke);
  for (size_t i = 0; i < theirs.size(); ++i) {
    theirs[i].number = sai.proposals[i].number;
    theirs[i].spi.clear();
  }
  return SelectProposal(ours, theirs);
}

}  // namespace

KeId SelectedChildKe(const IkeSa& sa, const Message& m) {
  const SaPayload* sai = m.Find<SaPayload>();
  if (!sai) return KeId::kNone;
  auto selected = SelectEsp(sa, *sai, /*with_ke=*/true);
  return selected.ok() ? Chosen(*selected).ke_id() : KeId::kNone;
}

Result<ChildSa*> RespondChild(Engine& engine, IkeSa& sa, const Message& m, const ChildKeyInputs& keys,
                              Payloads& out, bool with_ke, uint32_t reqid, OutboundStart outbound) {
  const config::Connection& c = sa.connection();
  const SaPayload* sai = m.Find<SaPayload>();
  const TsiPayload* tsi = m.Find<TsiPayload>();
  const TsrPayload* tsr = m.Find<TsrPayload>();
  auto refuse = [&out](NotifyType n, std::string why) -> Result<ChildSa*> {
    out.push_back(MakeNotify(n));
    return Status(Code::kNotFound, std::move(why));
  };
  if (!sai || !tsi || !tsr) return refuse(NotifyType::kInvalidSyntax, "CHILD_SA request without SA/TSi/TSr");
  auto selected = SelectEsp(sa, *sai, with_ke);
  if (!selected.ok()) return refuse(NotifyType::kNoProposalChosen, "no acceptable ESP proposal");
  const Proposal* theirs_chosen = nullptr;
  for (const Proposal& p : sai->proposals)
    if (p.number == selected->number) theirs_chosen = &p;
  if (!theirs_chosen || theirs_chosen->spi.size() != 4) return refuse(NotifyType::kInvalidSyntax, "bad ESP SPI");
  const bool transport = m.HasNotify(NotifyType::kUseTransportMode);
  if (transport != (c.mode == config::Mode::kTransport))
    return refuse(NotifyType::kNoProposalChosen, "mode mismatch (USE_TRANSPORT_MODE)");
  auto narrowed = NarrowResponder({tsi->selectors, tsr->selectors}, LocalSelectors(sa), RemoteSelectors(sa));
  if (!narrowed.ok()) return refuse(NotifyType::kTsUnacceptable, "traffic selectors unacceptable");

  auto child = std::make_unique<ChildSa>(engine.NewChildId(), sa.id(), reqid ? reqid : engine.ReqidFor(c));
  ConfigureChild(sa, *child);
  auto spi = engine.env().kernel.AllocateSpi(sa.remote.address, sa.local.address, ProtocolId::kEsp);
  if (!spi.ok()) return refuse(NotifyType::kNoAdditionalSas, "cannot allocate an SPI: " + spi.status().message());
  child->spi_in = *spi;
  child->spi_out = LoadBe32(theirs_chosen->spi.data());
  child->algorithms = Chosen(*selected);
  child->local_ts = narrowed->responder;
  child->remote_ts = narrowed->initiator;
  auto installed = Install(engine, sa, std::move(child), keys, /*initiator=*/false, outbound);
  if (!installed.ok()) {
    IKEVPN_LOG(kKnl, kError) << "CHILD_SA for " << c.name << ": " << installed.status().ToString();
    return refuse(NotifyType::kNoAdditionalSas, installed.status().message());
  }
  Proposal answer = *selected;
  answer.spi = SpiBytes((*installed)->spi_in);
  if (transport) out.push_back(MakeNotify(NotifyType::kUseTransportMode));
  out.push_back(SaPayload{{answer}});
  out.push_back(TsiPayload{narrowed->initiator});
  out.push_back(TsrPayload{narrowed->responder});
  return installed;
}

}  // namespace ikevpn::ike
