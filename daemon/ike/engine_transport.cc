// The Engine's transport: message IDs, encoding and protection,
// retransmission (RFC 7296 §2.1, §2.3), the response cache, fragmentation
// (RFC 7383) and dispatch of received messages.
#include <cmath>

#include "daemon/base/log.h"
#include "daemon/ike/engine.h"
#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/mobike.h"
#include "daemon/ike/exchange/peer_connection.h"
#include "daemon/ike/exchange/responders.h"
#include "daemon/ike/message/fragmentation.h"
#include "daemon/ike/message/payload_rules.h"
#include "daemon/ike/message/protection.h"

namespace ikevpn::ike {

void Engine::Queue(IkeSa& sa, std::unique_ptr<Exchange> exchange, bool front) {
  if (front) {
    sa.queued.push_front(std::move(exchange));
  } else {
    sa.queued.push_back(std::move(exchange));
  }
  StartNext(sa);
}

const std::vector<Bytes>* Engine::pending_datagrams(const IkeSa& sa) const {
  return sa.pending ? &sa.pending->datagrams : nullptr;
}

void Engine::StartNext(IkeSa& sa) {
  if (sa.pending || sa.queued.empty()) return;
  if (sa.state() == IkeSaState::kDead) return;
  PendingRequest p;
  p.exchange = std::move(sa.queued.front());
  sa.queued.pop_front();
  p.message_id = p.exchange->type() == ExchangeType::kIkeSaInit ? 0 : sa.next_request_id;
  sa.pending = std::move(p);
  uint64_t id = sa.id();
  if (Status s = SendRequest(sa); !s.ok()) {
    IkeSa* still = sas_.FindById(id);
    if (!still) return;
    IKEVPN_LOG(kIke, kWarn) << "IKE_SA " << still->LogName() << ": cannot send "
                            << still->pending->exchange->name() << ": " << s.ToString();
    std::unique_ptr<Exchange> ex = std::move(still->pending->exchange);
    still->pending.reset();
    ex->Abort(*this, *still);
    if (ex->type() == ExchangeType::kIkeSaInit || ex->type() == ExchangeType::kIkeAuth) {
      Destroy(*still, api::DownCause::kFailed, "cannot send " + std::string(ex->name()) + ": " + s.message());
      return;
    }
    StartNext(*still);
  }
}

Status Engine::SendRequest(IkeSa& sa) {
  PendingRequest& p = *sa.pending;
  IKEVPN_ASSIGN_OR_RETURN(Payloads payloads, p.exchange->BuildRequest(*this, sa));
  IkeHeader h;
  h.spi_i = sa.spi_i;
  h.spi_r = sa.spi_r;
  h.exchange = p.exchange->type();
  h.flags = sa.initiator() ? kFlagInitiator : 0;
  h.message_id = p.message_id;
  IKEVPN_ASSIGN_OR_RETURN(p.datagrams, Encode(sa, h, payloads, p.exchange->plaintext()));
  p.retransmits = 0;
  if (p.message_id == sa.next_request_id && p.exchange->type() != ExchangeType::kIkeSaInit)
    ++sa.next_request_id;
  if (p.exchange->type() == ExchangeType::kIkeSaInit) sa.next_request_id = 1;
  IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": sending " << p.exchange->name() << " request "
                           << p.message_id << " to " << sa.remote.ToString();
  SendDatagrams(sa, p.datagrams);
  uint64_t sa_id = sa.id();
  uint32_t mid = p.message_id;
  if (p.timer != kNoTimer) env_.timers.Cancel(p.timer);
  p.timer = env_.timers.Schedule(settings().retransmit_timeout,
                                 [this, sa_id, mid] { OnRetransmitTimer(sa_id, mid); });
  return Status::Ok();
}

void Engine::ResendPending(IkeSa& sa) {
  if (!sa.pending) return;
  uint64_t id = sa.id();
  if (Status s = SendRequest(sa); !s.ok()) {
    if (IkeSa* still = sas_.FindById(id)) Destroy(*still, api::DownCause::kFailed, "cannot resend request: " + s.message());
  }
}

Result<std::vector<Bytes>> Engine::Encode(IkeSa& sa, const IkeHeader& header, const Payloads& payloads,
                                          bool plaintext) {
  std::vector<Bytes> out;
  if (plaintext) {
    IKEVPN_ASSIGN_OR_RETURN(Bytes b, EncodeMessage(header, payloads));
    out.push_back(std::move(b));
    return out;
  }
  if (!sa.keys || !sa.keys->outbound) return Status(Code::kInternal, "no keys to protect the message");
  IKEVPN_ASSIGN_OR_RETURN(PayloadChain chain, EncodePayloadChain(payloads));
  const size_t limit = settings().fragment_size;
  const bool fragment = sa.peer_fragmentation &&
                        sa.connection().fragmentation != config::Fragmentation::kNo &&
                        header.exchange != ExchangeType::kIkeSaInit &&
                        SealedSize(*sa.keys->outbound, chain.bytes.size()) + kIkeHeaderSize > limit;
  if (fragment || (sa.connection().fragmentation == config::Fragmentation::kForce &&
                   SealedSize(*sa.keys->outbound, chain.bytes.size()) + kIkeHeaderSize > limit)) {
    return SealFragments(header, chain, *sa.keys->outbound, env_.rng, limit);
  }
  IKEVPN_ASSIGN_OR_RETURN(Bytes b, SealMessage(header, chain, *sa.keys->outbound, env_.rng));
  out.push_back(std::move(b));
  return out;
}

void Engine::SendDatagrams(IkeSa& sa, const std::vector<Bytes>& datagrams) {
  SendDatagrams(sa, datagrams, sa.local, sa.remote);
}

void Engine::SendDatagrams(IkeSa& sa, const std::vector<Bytes>& datagrams, const Endpoint& local,
                           const Endpoint& remote) {
  for (const Bytes& d : datagrams) {
    if (Status s = env_.sender.Send(d, local, remote); !s.ok())
      IKEVPN_LOG(kNet, kDebug) << "IKE_SA " << sa.LogName() << ": " << s.ToString();
  }
}

void Engine::OnRetransmitTimer(uint64_t sa_id, uint32_t message_id) {
  IkeSa* sa = sas_.FindById(sa_id);
  if (!sa || !sa->pending || sa->pending->message_id != message_id) return;
  PendingRequest& p = *sa->pending;
  p.timer = kNoTimer;
  if (p.retransmits >= settings().retransmit_tries) {
    std::string what(p.exchange->name());
    IKEVPN_LOG(kIke, kInfo) << "IKE_SA " << sa->LogName() << ": no response to " << what << " after "
                            << p.retransmits << " retransmits, peer is dead";
    // An established SA whose peer stopped answering: dpd-action applies.
    const bool was_up = IsUsable(sa->state()) && sa->successor == 0;
    const std::string name = sa->connection().name;
    const IpAddress peer = sa->remote.address;
    std::unique_ptr<Exchange> ex = std::move(p.exchange);
    sa->pending.reset();
    ex->Abort(*this, *sa);
    Destroy(*sa, api::DownCause::kPeerDead, "peer did not respond to " + what);
    if (was_up) OnPeerDead(name, peer);
    return;
  }
  ++p.retransmits;
  IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa->LogName() << ": retransmit " << p.retransmits << " of "
                           << p.exchange->name() << " request " << message_id;
  SendDatagrams(*sa, p.datagrams);
  // Exponential back-off with jitter, capped (§2.1).
  double interval = static_cast<double>(settings().retransmit_timeout.count()) *
                    std::pow(settings().retransmit_base, p.retransmits);
  interval = std::min(interval, static_cast<double>(settings().retransmit_limit.count()));
  double jitter = settings().retransmit_jitter;
  if (jitter > 0) {
    double r = static_cast<double>(env_.rng.Uniform(10001)) / 10000.0;  // 0..1
    interval *= 1.0 - jitter + 2 * jitter * r;
  }
  p.timer = env_.timers.Schedule(std::chrono::milliseconds(static_cast<int64_t>(interval)),
                                 [this, sa_id, message_id] { OnRetransmitTimer(sa_id, message_id); });
}

void Engine::OnDatagram(ByteSpan datagram, const Endpoint& local, const Endpoint& remote) {
  DecodeResult<IkeHeader> header = ParseHeader(datagram);
  if (!header.ok()) {
    IKEVPN_LOG(kNet, kDebug) << "dropping datagram from " << remote.ToString() << ": "
                             << header.failure().ToString();
    // §2.5: answer a request with an unsupported major version, unprotected.
    if (header.error() == DecodeError::kInvalidMajorVersion && datagram.size() >= kIkeHeaderSize &&
        !(datagram[19] & kFlagResponse)) {
      IkeHeader h;
      h.spi_i = LoadBe64(datagram.data());
      h.spi_r = LoadBe64(datagram.data() + 8);
      h.exchange = static_cast<ExchangeType>(datagram[18]);
      h.message_id = LoadBe32(datagram.data() + 20);
      AnswerUnprotected(h, local, remote, NotifyType::kInvalidMajorVersion, {});
    }
    return;
  }
  const IkeHeader& h = *header;
  if (h.exchange == ExchangeType::kIkeSaInit && !h.response()) {
    if (h.spi_r == 0) {
      HandleInitRequest(h, datagram, local, remote);
      return;
    }
  }
  // Our SPI is the responder SPI for messages from the original initiator,
  // the initiator SPI otherwise.
  uint64_t my_spi = h.initiator() ? h.spi_r : h.spi_i;
  IkeSa* sa = sas_.FindByMySpi(my_spi);
  if (!sa) {
    IKEVPN_LOG(kNet, kDebug) << "no IKE_SA for SPI " << std::hex << my_spi << std::dec << " from "
                             << remote.ToString() << ", dropped";
    return;
  }
  // An IKE_SA_INIT response carries the responder SPI we did not know yet.
  if (h.exchange == ExchangeType::kIkeSaInit && h.response() && sa->initiator() &&
      sa->state() == IkeSaState::kInitSent) {
    sa->spi_r = h.spi_r;
  }
  if (h.spi_i != sa->spi_i || (sa->spi_r != 0 && h.spi_r != sa->spi_r)) {
    IKEVPN_LOG(kNet, kDebug) << "SPI mismatch for IKE_SA " << sa->LogName() << ", dropped";
    return;
  }
  HandleMessage(*sa, h, datagram, local, remote);
}

void Engine::HandleMessage(IkeSa& sa, const IkeHeader& h, ByteSpan datagram, const Endpoint& local,
                           const Endpoint& remote) {
  // Retransmitted request: answer from the cache before decrypting (§2.1).
  if (!h.response() && sa.cached_response.valid && h.message_id == sa.cached_response.message_id) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": retransmitted request " << h.message_id
                             << ", resending response";
    // §2.11: a response goes back where its request came from.
    SendDatagrams(sa, sa.cached_response.datagrams, local, remote);
    return;
  }
  if (!h.response() && h.message_id != sa.peer_request_id) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": request " << h.message_id
                             << " outside the window (expected " << sa.peer_request_id << "), dropped";
    return;
  }
  if (h.response() && (!sa.pending || sa.pending->message_id != h.message_id ||
                       sa.pending->exchange->type() != h.exchange)) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": unexpected response " << h.message_id << ", dropped";
    return;
  }
  crypto::Cipher* inbound = sa.keys ? sa.keys->inbound.get() : nullptr;
  DecodeResult<Message> decoded = DecodeMessage(datagram, inbound);
  if (!decoded.ok()) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": dropping message: "
                             << decoded.failure().ToString();
    // Only protected requests that passed the integrity check get an error
    // answer; anything else could be forged (§2.21).
    auto notify = NotifyFor(decoded.error());
    if (!h.response() && notify && sa.keys && decoded.error() != DecodeError::kIntegrityCheckFailed &&
        decoded.error() != DecodeError::kNoKeys && decoded.error() != DecodeError::kMalformedEncrypted) {
      // Only reachable after decryption succeeded (errors in the inner chain).
      Payloads p{MakeNotify(*notify, NotifyDataFor(decoded.failure()))};
      IkeHeader rh = h;
      rh.flags = kFlagResponse | (sa.initiator() ? kFlagInitiator : 0);
      if (auto enc = Encode(sa, rh, p, false); enc.ok()) {
        sa.cached_response = {h.message_id, true, *enc};
        ++sa.peer_request_id;
        SendDatagrams(sa, *enc);
      }
    }
    return;
  }
  Message m = std::move(decoded).value();
  if (m.fragment) {
    // RFC 7383 §2.6: collect verified fragments; the whole message is
    // processed once the last one arrives.
    if (!sa.reassembler) sa.reassembler = std::make_unique<FragmentReassembler>();
    auto whole = sa.reassembler->Add(std::move(m));
    if (!whole.ok()) {
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": bad fragment: " << whole.failure().ToString();
      sa.reassembler.reset();
      return;
    }
    if (!whole->has_value()) return;
    m = std::move(**whole);
    sa.reassembler.reset();
  }
  if (DecodeStatus rules = CheckPayloadRules(m); !rules.ok()) {
    IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": " << m.Summary() << ": "
                             << rules.failure().ToString();
    if (!h.response() && (sa.keys || h.exchange == ExchangeType::kIkeSaInit)) {
      if (auto notify = NotifyFor(rules.error())) {
        Payloads p{MakeNotify(*notify, NotifyDataFor(rules.failure()))};
        IkeHeader rh = h;
        rh.flags = kFlagResponse | (sa.initiator() ? kFlagInitiator : 0);
        if (auto enc = Encode(sa, rh, p, !sa.keys); enc.ok()) {
          sa.cached_response = {h.message_id, true, *enc};
          ++sa.peer_request_id;
          SendDatagrams(sa, *enc);
        }
      }
    }
    return;
  }
  IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": received " << m.Summary();
  if (m.encrypted) {
    sa.last_peer_activity = env_.clock.Now();
    UpdatePeerAddress(sa, local, remote);
  }
  current_datagram_ = datagram;
  current_local_ = local;
  current_remote_ = remote;
  if (h.response()) {
    HandleResponse(sa, m);
  } else {
    HandleRequest(sa, m);
  }
  current_datagram_ = {};
}

void Engine::UpdatePeerAddress(IkeSa& sa, const Endpoint& local, const Endpoint& remote) {
  if (sa.local == local && sa.remote == remote) return;
  // The peer floated to the NAT-T port after seeing a NAT (§2.23), or a NAT
  // in front of it changed its mapping: follow authenticated messages.
  // Moves of a MOBIKE peer are explicit (UPDATE_SA_ADDRESSES) instead.
  const bool floated = local.port == settings().nat_port && sa.local.port != settings().nat_port;
  if (!floated && !(sa.natt.seen.remote && !MobikeInUse(sa))) return;
  IKEVPN_LOG(kIke, kDebug)
      << "IKE_SA " << sa.LogName() << ": peer now at " << remote.ToString() << " (was " << sa.remote.ToString()
      << ")";
  sa.remote = remote;
  sa.local = local;
  MoveChildSas(*this, sa);
}

void Engine::HandleResponse(IkeSa& sa, const Message& response) {
  PendingRequest& p = *sa.pending;
  if (p.timer != kNoTimer) env_.timers.Cancel(p.timer);
  p.timer = kNoTimer;
  // The exchange is held here while it runs: it may destroy the SA (and
  // with it sa.pending) from inside ProcessResponse.
  std::unique_ptr<Exchange> ex = std::move(p.exchange);
  const uint64_t id = sa.id();
  const ExchangeResult r = ex->ProcessResponse(*this, sa, response);
  IkeSa* still = sas_.FindById(id);
  if (!still || !still->pending) return;  // the exchange destroyed the SA
  switch (r) {
    case ExchangeResult::kResend:
      still->pending->exchange = std::move(ex);
      // The answered exchange is over: the new request takes the next
      // message ID (§2.2); IKE_SA_INIT's stays 0.
      if (still->pending->exchange->type() != ExchangeType::kIkeSaInit)
        still->pending->message_id = still->next_request_id;
      ResendPending(*still);
      return;
    case ExchangeResult::kDone:
    case ExchangeResult::kFailed:
      still->pending.reset();
      StartNext(*still);
      return;
    case ExchangeResult::kDestroy:
      still->pending.reset();
      Destroy(*still, api::DownCause::kFailed,
              ex->failure().empty() ? std::string(ex->name()) + " failed" : ex->failure());
      return;
  }
}

void Engine::HandleRequest(IkeSa& sa, const Message& request) {
  ResponderOutcome out;
  switch (request.header.exchange) {
    case ExchangeType::kIkeAuth:
      out = RespondIkeAuth(*this, sa, request);
      break;
    case ExchangeType::kCreateChildSa:
      // While deleting, the answer is TEMPORARY_FAILURE (§2.25.2).
      if (!IsUsable(sa.state()) && sa.state() != IkeSaState::kDeleting) return;
      out = RespondCreateChildSa(*this, sa, request);
      break;
    case ExchangeType::kInformational:
      out = RespondInformational(*this, sa, request);
      break;
    case ExchangeType::kIkeSaInit:
    case ExchangeType::kIkeSessionResume:
    case ExchangeType::kIkeIntermediate:
      IKEVPN_LOG(kIke, kDebug) << "IKE_SA " << sa.LogName() << ": unexpected "
                               << ToString(request.header.exchange) << " request, dropped";
      return;
  }
  IkeHeader rh = request.header;
  rh.flags = kFlagResponse | (sa.initiator() ? kFlagInitiator : 0);
  auto enc = Encode(sa, rh, out.payloads, false);
  if (!enc.ok()) {
    IKEVPN_LOG(kIke, kError) << "IKE_SA " << sa.LogName() << ": cannot encode response: " << enc.status().ToString();
    return;
  }
  sa.cached_response = {request.header.message_id, true, std::move(enc).value()};
  ++sa.peer_request_id;
  // §2.11: to where the request came from, even if the SA did not move
  // there (a MOBIKE peer probing a path, §3.8 of RFC 4555).
  SendDatagrams(sa, sa.cached_response.datagrams, current_local_, current_remote_);
  if (out.after == ResponderOutcome::After::kDestroy) Destroy(sa, out.cause, out.reason);
}

void Engine::AnswerUnprotected(const IkeHeader& request, const Endpoint& local, const Endpoint& remote,
                               NotifyType type, Bytes data) {
  IkeHeader h;
  h.spi_i = request.spi_i;
  h.spi_r = request.spi_r;
  h.exchange = request.exchange;
  h.message_id = request.message_id;
  h.flags = kFlagResponse;
  Payloads p{MakeNotify(type, std::move(data))};
  auto enc = EncodeMessage(h, p);
  if (!enc.ok()) return;
  if (Status s = env_.sender.Send(*enc, local, remote); !s.ok())
    IKEVPN_LOG(kNet, kDebug) << "answer to " << remote.ToString() << ": " << s.ToString();
}

void Engine::HandleInitRequest(const IkeHeader& h, ByteSpan datagram, const Endpoint& local,
                               const Endpoint& remote) {
  // A retransmission of a request we answered: the same answer (§2.1).
  if (IkeSa* existing = sas_.FindHalfOpen(h.spi_i, remote)) {
    if (existing->cached_response.valid) SendDatagrams(*existing, existing->cached_response.datagrams);
    return;
  }
  if (sas_.half_open() >= settings().half_open_limit ||
      sas_.half_open_from(remote.address) >= settings().half_open_per_peer) {
    IKEVPN_LOG(kIke, kDebug) << "half-open limit reached, IKE_SA_INIT from " << remote.ToString() << " dropped";
    return;
  }
  DecodeResult<Message> decoded = DecodeMessage(datagram, nullptr);
  if (!decoded.ok() || !CheckPayloadRules(*decoded).ok()) {
    const DecodeFailure f = decoded.ok() ? CheckPayloadRules(*decoded).failure() : decoded.failure();
    IKEVPN_LOG(kIke, kDebug) << "bad IKE_SA_INIT from " << remote.ToString() << ": " << f.ToString();
    if (auto n = NotifyFor(f.error)) AnswerUnprotected(h, local, remote, *n, NotifyDataFor(f));
    return;
  }
  const Message& m = *decoded;
  // §2.6: above the threshold, only requests with a valid COOKIE get state.
  if (sas_.half_open() >= settings().cookie_threshold) {
    const NoncePayload* ni = m.Find<NoncePayload>();
    const NotifyPayload* cookie = m.FindNotify(NotifyType::kCookie);
    ByteSpan nonce = ni ? ByteSpan(ni->nonce) : ByteSpan();
    if (!cookie || !sas_.CheckCookie(cookie->data, nonce, remote.address, h.spi_i)) {
      AnswerUnprotected(h, local, remote, NotifyType::kCookie, sas_.MakeCookie(nonce, remote.address, h.spi_i));
      return;
    }
  }
  // The best connection by address; IKE_AUTH chooses again by identity.
  std::shared_ptr<const config::Connection> conn =
      SelectResponderConnection(connections_, PeerFacts{local.address, remote.address}, nullptr);
  if (!conn) {
    // Debug: unauthenticated input, one line per datagram would let a flood
    // flood the log.
    IKEVPN_LOG(kIke, kDebug) << "no connection for IKE_SA_INIT from " << remote.ToString() << ", ignored";
    return;
  }
  auto owned = std::make_unique<IkeSa>(sas_.NewSaId(), conn, /*initiator=*/false);
  owned->spi_i = h.spi_i;
  owned->spi_r = sas_.NewSpi();
  owned->local = local;
  owned->remote = remote;
  IkeSa& sa = *sas_.Add(std::move(owned));
  current_datagram_ = datagram;
  current_local_ = local;
  current_remote_ = remote;
  ResponderOutcome out = RespondIkeSaInit(*this, sa, m);
  current_datagram_ = {};
  IkeHeader rh = h;
  rh.spi_r = out.after == ResponderOutcome::After::kDestroy ? 0 : sa.spi_r;
  rh.flags = kFlagResponse;
  auto enc = EncodeMessage(rh, out.payloads);
  if (!enc.ok()) {
    IKEVPN_LOG(kIke, kError) << "cannot encode IKE_SA_INIT response: " << enc.status().ToString();
    Destroy(sa, api::DownCause::kFailed, "encoding failed");
    return;
  }
  env_.sender.Send(*enc, local, remote).ok();
  if (out.after == ResponderOutcome::After::kDestroy) {
    Destroy(sa, out.cause, out.reason);
    return;
  }
  if (sa.auth_inputs) sa.auth_inputs->init_response = *enc;
  sa.cached_response = {0, true, {std::move(enc).value()}};
  sa.peer_request_id = 1;
  sas_.AddHalfOpen(sa);
  uint64_t id = sa.id();
  sa.half_open_timer = env_.timers.Schedule(settings().half_open_timeout, [this, id] {
    IkeSa* s = sas_.FindById(id);
    if (s && !IsUsable(s->state())) {
      s->half_open_timer = kNoTimer;
      Destroy(*s, api::DownCause::kFailed, "half-open timeout");
    }
  });
}

}  // namespace ikevpn::ike
