#include "daemon/ike/exchange/child_exchange.h"

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike {

namespace {

constexpr size_t kNonceSize = 32;
constexpr int kMaxKeRetries = 2;

// The RFC's order: SA, then the nonce and KE, then the selectors.
void InsertAfterSa(Payloads& out, Payloads extra) {
  auto it = out.begin();
  while (it != out.end() && !std::holds_alternative<SaPayload>(*it)) ++it;
  if (it != out.end()) ++it;
  out.insert(it, std::make_move_iterator(extra.begin()), std::make_move_iterator(extra.end()));
}

KePayload KeOf(const crypto::KeyExchange& ke) {
  return KePayload{ke.id(), Bytes(ke.public_value().begin(), ke.public_value().end())};
}

}  // namespace

Bytes NewNonce(Engine& engine) {
  Bytes n(kNonceSize);
  engine.env().rng.Fill(n);
  return n;
}

NotifyPayload SpiNotify(NotifyType type, uint32_t spi) {
  Bytes b(4);
  StoreBe32(b.data(), spi);
  return NotifyPayload{ProtocolId::kEsp, std::move(b), type, {}};
}

IkeSa* CurrentSa(Engine& engine, uint64_t ike_sa_id) {
  IkeSa* sa = engine.sas().FindById(ike_sa_id);
  for (int hops = 0; sa && sa->successor != 0 && hops < 8; ++hops) sa = engine.sas().FindById(sa->successor);
  return sa;
}

std::chrono::seconds RetryDelay(Engine& engine) { return std::chrono::seconds(2 + engine.env().rng.Uniform(9)); }

Status ChildSaOffer::NewKeyExchange(KeId group) {
  IKEVPN_ASSIGN_OR_RETURN(ke_, crypto::KeyExchange::Create(group));
  return Status::Ok();
}

Status ChildSaOffer::Prepare(Engine& engine, IkeSa& sa, const std::optional<TsPair>& ts, uint32_t reqid) {
  const std::vector<KeId> groups = KeMethods(sa.connection().esp_proposals);
  IKEVPN_ASSIGN_OR_RETURN(ChildRequest req, PrepareChild(engine, sa, /*with_ke=*/!groups.empty(), reqid));
  if (ts) req.proposed = *ts;
  req_ = std::move(req);
  if (!groups.empty()) {
    if (Status s = NewKeyExchange(groups.front()); !s.ok()) {
      Release(engine, sa);
      return s;
    }
  }
  ni_ = NewNonce(engine);
  return Status::Ok();
}

void ChildSaOffer::Append(const IkeSa& sa, Payloads& out) const {
  Payloads child;
  AppendChildRequest(sa, *req_, child);
  Payloads extra{NoncePayload{ni_}};
  if (ke_) extra.push_back(KeOf(*ke_));
  InsertAfterSa(child, std::move(extra));
  out.insert(out.end(), std::make_move_iterator(child.begin()), std::make_move_iterator(child.end()));
}

void ChildSaOffer::Release(Engine& engine, IkeSa& sa) {
  if (req_) ReleaseChild(engine, sa, *req_);
  req_.reset();
}

Result<ChildSa*> ChildSaOffer::Complete(Engine& engine, IkeSa& sa, const Message& m) {
  resend_ = false;
  auto fail = [&](std::string why) -> Result<ChildSa*> {
    Release(engine, sa);
    return Status(Code::kDrop, std::move(why));
  };
  // <-- HDR, SK {N(INVALID_KE_PAYLOAD, group)}
  if (const NotifyPayload* e = m.FindNotify(NotifyType::kInvalidKePayload)) {
    uint16_t wanted = 0;
    ByteReader r(e->data);
    if (!ke_ || !r.ReadU16(&wanted) || !AcceptsKe(req_->offered, static_cast<KeId>(wanted)) ||
        ++ke_retries_ > kMaxKeRetries)
      return fail("INVALID_KE_PAYLOAD asks for key exchange method " + std::to_string(wanted) +
                  ", which we do not offer");
    if (Status s = NewKeyExchange(static_cast<KeId>(wanted)); !s.ok()) return fail(s.message());
    req_->offered = PreferKe(req_->offered, static_cast<KeId>(wanted));
    IKEVPN_LOG(kIke, kDebug) << "CREATE_CHILD_SA: peer wants key exchange method " << wanted << ", retrying";
    resend_ = true;
    return Status(Code::kRetry, "INVALID_KE_PAYLOAD");
  }
  if (m.FirstErrorNotify()) return CompleteChild(engine, sa, *req_, m, {});
  // <-- HDR, SK {SA, Nr, [KEr], TSi, TSr}
  const NoncePayload* nr = m.Find<NoncePayload>();
  const KePayload* ker = m.Find<KePayload>();
  const SaPayload* sar = m.Find<SaPayload>();
  if (!nr || !sar || sar->proposals.size() != 1) return fail("CREATE_CHILD_SA answer without SA or Nr");
  nr_ = nr->nonce;
  std::optional<SecretBytes> g_ir;
  if (ke_) {
    if (!ker || ker->group != ke_->id() || Chosen(sar->proposals[0]).ke_id() != ke_->id())
      return fail("CREATE_CHILD_SA answer without our key exchange method");
    auto shared = ke_->ComputeShared(ker->data);
    if (!shared.ok()) return fail("bad KE payload: " + shared.status().message());
    g_ir = std::move(shared).value();
  } else if (ker) {
    return fail("CREATE_CHILD_SA answer with an unrequested KE payload");
  }
  ChildKeyInputs keys{ni_, nr_, g_ir ? &*g_ir : nullptr};
  auto child = CompleteChild(engine, sa, *req_, m, keys);
  req_.reset();  // installed, or released by CompleteChild
  return child;
}

Result<ChildSa*> RespondChildSa(Engine& engine, IkeSa& sa, const Message& m, Payloads& out, Bytes& nr,
                                uint32_t reqid, OutboundStart outbound) {
  const NoncePayload* ni = m.Find<NoncePayload>();
  const KePayload* kei = m.Find<KePayload>();
  auto refuse = [&out](NotifyPayload n, std::string why) -> Result<ChildSa*> {
    out.push_back(std::move(n));
    return Status(Code::kNotFound, std::move(why));
  };
  if (!ni) return refuse(MakeNotify(NotifyType::kInvalidSyntax), "CREATE_CHILD_SA request without Ni");
  std::unique_ptr<crypto::KeyExchange> ke;
  std::optional<SecretBytes> g_ir;
  if (kei) {
    // §1.3: a KEi of another method than the one we select is refused,
    // naming the one we want.
    const KeId want = SelectedChildKe(sa, m);
    if (want == KeId::kNone) return refuse(MakeNotify(NotifyType::kNoProposalChosen), "no acceptable ESP proposal");
    if (kei->group != want) {
      Bytes group;
      ByteWriter(&group).U16(static_cast<uint16_t>(want));
      return refuse(MakeNotify(NotifyType::kInvalidKePayload, std::move(group)),
                    "INVALID_KE_PAYLOAD: want method " + std::to_string(static_cast<uint16_t>(want)));
    }
    auto created = crypto::KeyExchange::Create(want);
    if (!created.ok()) return refuse(MakeNotify(NotifyType::kNoProposalChosen), created.status().message());
    ke = std::move(created).value();
    auto shared = ke->ComputeShared(kei->data);
    if (!shared.ok())
      return refuse(MakeNotify(NotifyType::kInvalidSyntax), "bad KE payload: " + shared.status().message());
    g_ir = std::move(shared).value();
  }
  nr = NewNonce(engine);
  Payloads answer;
  ChildKeyInputs keys{ni->nonce, nr, g_ir ? &*g_ir : nullptr};
  auto child = RespondChild(engine, sa, m, keys, answer, /*with_ke=*/kei != nullptr, reqid, outbound);
  if (child.ok()) {
    Payloads extra{NoncePayload{nr}};
    if (ke) extra.push_back(KeOf(*ke));
    InsertAfterSa(answer, std::move(extra));
  }
  out.insert(out.end(), std::make_move_iterator(answer.begin()), std::make_move_iterator(answer.end()));
  return child;
}

}  // namespace ikevpn::ike
