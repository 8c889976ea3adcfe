// The CHILD_SA half of a CREATE_CHILD_SA exchange (RFC 7296 §1.3.1,
// §1.3.3), shared by child_create.cc and child_rekey.cc: this exchange's
// own nonces, the optional KE payloads for PFS with the INVALID_KE_PAYLOAD
// retry (§1.3), and KEYMAT from them (§2.17):
//
//   HDR, SK {[N(REKEY_SA),] SA, Ni, [KEi], TSi, TSr}  -->
//                             <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
//
// Also the "later" part of TEMPORARY_FAILURE (§2.25): a retry delay.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "daemon/ike/crypto/key_exchange.h"
#include "daemon/ike/exchange/child_negotiation.h"

namespace ikevpn::ike {

// Initiator: the CHILD_SA we ask for, across INVALID_KE_PAYLOAD rounds.
class ChildSaOffer {
 public:
  bool prepared() const { return req_.has_value(); }
  // Allocates the SPI, the nonce and (if the ESP proposals carry a KE
  // method) the key pair. `ts`: selectors to propose instead of the
  // configured ones (a rekey keeps the old CHILD_SA's); `reqid`: the old
  // CHILD_SA's for a rekey (see PrepareChild), else 0.
  Status Prepare(Engine& engine, IkeSa& sa, const std::optional<TsPair>& ts, uint32_t reqid = 0);
  // Appends [N(USE_TRANSPORT_MODE),] SA, Ni, [KEi], TSi, TSr.
  void Append(const IkeSa& sa, Payloads& out) const;
  // Processes the answer: installs the CHILD_SA (KEYMAT from Ni, Nr and
  // g^ir), or fails with the reason (the SPI is then released). After
  // INVALID_KE_PAYLOAD naming a method we allow, resend() is true and the
  // next Append() carries the new KE payload.
  Result<ChildSa*> Complete(Engine& engine, IkeSa& sa, const Message& response);
  bool resend() const { return resend_; }
  // Releases the SPI of a CHILD_SA that will not be installed.
  void Release(Engine& engine, IkeSa& sa);

  ByteSpan ni() const { return ni_; }
  ByteSpan nr() const { return nr_; }

 private:
  Status NewKeyExchange(KeId group);

  std::optional<ChildRequest> req_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  Bytes ni_;
  Bytes nr_;
  int ke_retries_ = 0;
  bool resend_ = false;
};

// Responder: answers a CHILD_SA request (new or rekey) with this
// exchange's nonces and, if the request carries KEi, PFS. Appends SA, Nr,
// [KEr], TSi, TSr (or one error notify: INVALID_KE_PAYLOAD with the method
// we want, NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE, ...) to `out`; `nr` gets
// our nonce. `reqid`: the rekeyed CHILD_SA's (see PrepareChild), else 0;
// `outbound` as for ChildSa::Install.
Result<ChildSa*> RespondChildSa(Engine& engine, IkeSa& sa, const Message& request, Payloads& out, Bytes& nr,
                                uint32_t reqid = 0, OutboundStart outbound = OutboundStart::kNow);

// A fresh nonce for a CREATE_CHILD_SA message (§2.10).
Bytes NewNonce(Engine& engine);

// A notify naming an SA by its 4-byte SPI (REKEY_SA, CHILD_SA_NOT_FOUND).
NotifyPayload SpiNotify(NotifyType type, uint32_t spi);

// The SA with this id or, if an IKE rekey replaced it, its successor
// (nullptr once gone). For timers that outlive a rekey.
IkeSa* CurrentSa(Engine& engine, uint64_t ike_sa_id);

// How long to wait before retrying after TEMPORARY_FAILURE (§2.25: "MUST
// NOT immediately retry"): a few seconds, randomised so the peers do not
// collide again. Retries stop after kMaxTemporaryFailures.
std::chrono::seconds RetryDelay(Engine& engine);
inline constexpr int kMaxTemporaryFailures = 10;

}  // namespace ikevpn::ike
