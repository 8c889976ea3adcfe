// Negotiating one CHILD_SA (RFC 7296 §1.3, §2.9, §2.17), shared by IKE_AUTH
// (the first CHILD_SA) and CREATE_CHILD_SA (further ones and rekeys).
//
// Initiator: PrepareChild() allocates the inbound SPI and builds the SA and
// TS payloads; CompleteChild() checks the answer, derives KEYMAT and
// installs. Responder: RespondChild() does all of it for a request and
// fills the answer (or the error notify).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemon/api/control.h"
#include "daemon/ike/crypto/key_exchange.h"
#include "daemon/ike/message/message.h"
#include "daemon/ike/sa/child_sa.h"
#include "daemon/ike/sa/ts_narrow.h"

namespace ikevpn::ike {

class Engine;
class IkeSa;

// Nonces and the optional PFS shared secret for KEYMAT (§2.17). In IKE_AUTH
// these are the IKE_SA_INIT nonces and no g^ir.
struct ChildKeyInputs {
  ByteSpan ni;
  ByteSpan nr;
  const SecretBytes* g_ir = nullptr;
};

struct ChildRequest {
  std::unique_ptr<ChildSa> child;
  Proposals offered;  // ESP proposals carrying our SPI
  TsPair proposed;
};

// Builds the CHILD_SA we want for the SA's connection: inbound SPI from the
// kernel, proposals (`with_ke`: keep the KE transforms for PFS, else strip
// them), traffic selectors. `reqid`: the reqid of the CHILD_SA this one
// rekeys (0: a new one gets a fresh reqid). Every generation of a CHILD_SA
// keeps one reqid because the kernel's policies, shared by the old and the
// new SA during a rekey and installed once, name it in their template.
Result<ChildRequest> PrepareChild(Engine& engine, IkeSa& sa, bool with_ke, uint32_t reqid = 0);
// SA, TSi, TSr and N(USE_TRANSPORT_MODE) for the request.
void AppendChildRequest(const IkeSa& sa, const ChildRequest& req, Payloads& out);

// Initiator: processes SAr2/TSi/TSr (or an error notify) of the answer,
// installs the CHILD_SA and adds it to the IKE_SA. Returns the child.
// On failure the allocated SPI is released and the reason returned.
Result<ChildSa*> CompleteChild(Engine& engine, IkeSa& sa, ChildRequest& req, const Message& response,
                               const ChildKeyInputs& keys);

// Responder: selects, narrows, allocates, installs; appends SAr2, TSi, TSr
// (or one error notify: NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE,
// USE_TRANSPORT_MODE mismatch) to `out`. Returns the child, or the error.
// `reqid` as for PrepareChild; `outbound` as for ChildSa::Install.
Result<ChildSa*> RespondChild(Engine& engine, IkeSa& sa, const Message& request, const ChildKeyInputs& keys,
                              Payloads& out, bool with_ke, uint32_t reqid = 0,
                              OutboundStart outbound = OutboundStart::kNow);

// Responder with PFS: the key exchange method of the proposal RespondChild
// (with_ke) would select, kNone if no proposal is acceptable (§1.3: a KEi
// of another method is answered with INVALID_KE_PAYLOAD naming this one).
KeId SelectedChildKe(const IkeSa& sa, const Message& request);

// Takes a CHILD_SA out of the kernel and off the SA and, unless it was a
// rekeyed one whose successor carries on, reports it down.
void RemoveChildSa(Engine& engine, IkeSa& sa, uint64_t child_id, api::DownCause cause, const std::string& reason);

// exchange/child_rekey.cc: adds the outbound SA the responder of a rekey
// kept back (ChildSa::Install, kDeferred) for the CHILD_SA of `reqid`:
// its predecessor goes (`why`), or the wait is over.
void StartDeferredOutbound(Engine& engine, IkeSa& sa, uint32_t reqid, std::string_view why);

// Releases an allocated but never installed SPI (the kernel's larval state).
void ReleaseChild(Engine& engine, IkeSa& sa, ChildRequest& req);

// A side's configured selectors; "dynamic" becomes its virtual IPs, or
// else its own address `own` (nothing if that is none).
TrafficSelectors ResolveSelectors(const config::TsSpec& spec, const IpAddress& own, const std::vector<Prefix>& vips);

// The connection's traffic selectors for each side, "dynamic" resolved to
// the current addresses (or virtual IPs).
TrafficSelectors LocalSelectors(const IkeSa& sa);
TrafficSelectors RemoteSelectors(const IkeSa& sa);

}  // namespace ikevpn::ike
