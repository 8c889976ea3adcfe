// InertiaService: address inertia in the daemon. It remembers where the
// peers of `inertia = yes` connections are (PeerStore, file
// STATE_DIR/inertia), and after a start initiates to each remembered peer
// younger than its connection's inertia-max-age (Reconnector).
//
// Fed by the engine (EngineEnv::peer_seen) and by its events; it calls the
// engine only through Engine::InitiatePeer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "daemon/api/control.h"
#include "daemon/base/clock.h"
#include "daemon/base/timers.h"
#include "daemon/ike/engine.h"
#include "daemon/inertia/peer_store.h"
#include "daemon/inertia/reconnector.h"

namespace ikevpn::app {

class InertiaService {
 public:
  InertiaService(ike::Engine& engine, const Clock& clock, Timers& timers, const std::string& state_dir,
                 inertia::ReconnectSettings settings = {});

  // Loads the file (a damaged one is reported and replaced) and starts
  // initiating to the remembered peers of the engine's connections.
  void Start();
  // No more initiations (shutdown); pending state is written.
  void Stop();

  void OnPeerSeen(const ike::PeerSighting& s);
  void OnEvent(const api::Event& e);

  // Compactions of the state file on a worker thread (PeerStore::CompactOffLoop).
  void CompactOffLoop(inertia::PeerStore::Post post) { store_.CompactOffLoop(std::move(post)); }

  const inertia::PeerStore& store() const { return store_; }

  // Whether an IKE_SA that went down with `cause` makes its peer forgotten.
  static bool ForgetsPeer(api::DownCause cause);

 private:
  Result<uint64_t> Reinitiate(const inertia::PeerRecord& p);

  ike::Engine& engine_;
  const Clock& clock_;
  inertia::PeerStore store_;
  std::unique_ptr<inertia::Reconnector> reconnector_;
  // Live IKE_SAs whose peers are remembered, so that the peer can be
  // forgotten when its IKE_SA goes (ForgetsPeer).
  std::map<uint64_t, std::tuple<std::string, uint8_t, Bytes>> sa_peers_;
};

}  // namespace ikevpn::app
