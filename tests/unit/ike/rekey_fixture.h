// Two established peers for the CREATE_CHILD_SA tests, and a wire tap that
// decrypts CREATE_CHILD_SA messages (with the receiver's keys) to see the
// nonces and SPIs on the wire.
#pragma once

#include <gtest/gtest.h>

#include <set>

#include "daemon/ike/exchange/exchange.h"
#include "daemon/ike/exchange/starters.h"
#include "tests/unit/ike/two_peers.h"

namespace ikevpn::ike::testing {

// One CREATE_CHILD_SA message as seen on the wire.
struct SeenMessage {
  bool from_left = false;
  bool response = false;
  Bytes nonce;                // Ni or Nr
  Bytes spi;                  // of the SA payload's (first) proposal
  bool ke = false;            // carried a KE payload
  bool rekey_sa = false;      // carried N(REKEY_SA)
  NotifyType error{};         // the first error notify, if any
  bool has_error = false;
};

class RekeyTest : public ::testing::Test {
 protected:
  RekeyTest();

  void Load(config::Connection l, config::Connection r);
  // Loads SiteToSite on both sides with `esp` proposals and brings it up.
  void Establish(const std::string& esp = "aes256gcm16");
  // The IKE SA of the peer that is not replaced (nullptr if none).
  IkeSa* Ike(Peer& peer);
  // The installed CHILD_SAs of the peer's current IKE SA.
  std::vector<ChildSa*> Children(Peer& peer);
  // Delivers the first datagram waiting on `from` to the other peer (the
  // wire tap sees it); false if nothing waits.
  bool Deliver(Peer& from);
  // Queues an exchange on the peer's current IKE SA.
  void Start(Peer& peer, std::unique_ptr<Exchange> exchange);

  int Count(const Peer& peer, api::EventKind kind) const;
  // True if interface 1 never went back to no CHILD_SA once it had one.
  bool NeverFlapped(const Peer& peer) const;
  // The SPIs the peer's kernel holds.
  std::set<uint32_t> Spis(const Peer& peer) const;
  // The CREATE_CHILD_SA requests (or responses) seen, in order.
  std::vector<SeenMessage> Seen(bool response) const;

  TwoPeers p;
  std::vector<SeenMessage> seen;
  // Extra drop rule for lossy tests (the tap still records what is dropped).
  std::function<bool(const Datagram&)> lose;

 private:
  void Tap(const Datagram& d);
};

// §2.8.1 "lowest" nonce, written independently of the engine's.
bool LowerNonce(const Bytes& a, const Bytes& b);

}  // namespace ikevpn::ike::testing
