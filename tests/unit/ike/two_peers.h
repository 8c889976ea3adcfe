// Two IKE engines in one process, wired to each other: fixed clock and
// randomness, a recording kernel backend and interface manager, and a wire
// that the test pumps (and may drop or duplicate messages on).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/rng.h"
#include "daemon/base/timers.h"
#include "daemon/config/connection.h"
#include "daemon/config/proposal_parser.h"
#include "daemon/ike/engine.h"

namespace ikevpn::ike::testing {

// Records what the engine installs.
class RecordingKernel final : public kernel::KernelIpsec {
 public:
  explicit RecordingKernel(uint32_t spi_base) : next_spi_(spi_base) {}
  std::string_view name() const override { return "recording"; }
  bool SendsAcquires() const override { return sends_acquires; }
  bool sends_acquires = false;  // true: the engine installs trap policies
  void SetListener(kernel::KernelListener* l) override { listener = l; }
  Result<uint32_t> AllocateSpi(const IpAddress&, const IpAddress&, ProtocolId) override { return next_spi_++; }
  Status AddSa(const kernel::SaId& id, const kernel::SaData& data) override {
    if (fail_add_sa) return Status(Code::kIoError, "injected failure");
    sas[id.spi] = Sa{id, data.inbound, Bytes(data.encr_key.span().begin(), data.encr_key.span().end()), data.encap.has_value(),
                     data.reqid};
    ops.push_back({true, id.spi});
    return Status::Ok();
  }
  Status UpdateSa(const kernel::SaId& id, const IpAddress& src, const IpAddress& dst,
                  const std::optional<kernel::UdpEncap>& encap) override {
    auto it = sas.find(id.spi);
    if (it == sas.end()) return Status(Code::kNotFound, "no SA");
    it->second.id.src = src;
    it->second.id.dst = dst;
    it->second.encap = encap.has_value();
    return Status::Ok();
  }
  Status DeleteSa(const kernel::SaId& id) override {
    if (!sas.erase(id.spi)) return Status(Code::kNotFound, "no SA");
    ops.push_back({false, id.spi});
    return Status::Ok();
  }
  Result<kernel::SaStats> QuerySa(const kernel::SaId& id) override {
    ++queries;
    auto it = sas.find(id.spi);
    if (it == sas.end()) return Status(Code::kNotFound, "no SA");
    kernel::SaStats stats{};
    stats.bytes = it->second.inbound ? 1000 : 2000;  // tells the directions apart
    stats.packets = it->second.inbound ? 10 : 20;
    return stats;
  }
  int queries = 0;
  Status AddPolicy(const kernel::PolicyId& id, const kernel::PolicyData& data) override {
    policies.push_back(id);
    policy_reqids.push_back(data.reqid);
    return Status::Ok();
  }
  Status DeletePolicy(const kernel::PolicyId& id) override {
    for (auto it = policies.begin(); it != policies.end(); ++it) {
      if (it->src == id.src && it->dst == id.dst && it->dir == id.dir && it->if_id == id.if_id) {
        policy_reqids.erase(policy_reqids.begin() + (it - policies.begin()));
        policies.erase(it);
        return Status::Ok();
      }
    }
    return Status(Code::kNotFound, "no policy");
  }
  Status AttachIkeSocket(int, uint16_t, kernel::IkeDatagramHandler) override { return Status::Ok(); }
  Status FlushOwned() override {
    sas.clear();
    policies.clear();
    policy_reqids.clear();
    return Status::Ok();
  }

  struct Sa {
    kernel::SaId id;
    bool inbound = false;
    Bytes encr_key;
    bool encap = false;
    uint32_t reqid = 0;
  };
  // Every SA added or deleted, in order.
  struct Op {
    bool add = false;
    uint32_t spi = 0;
  };
  std::map<uint32_t, Sa> sas;
  std::vector<Op> ops;
  std::vector<kernel::PolicyId> policies;
  std::vector<uint32_t> policy_reqids;  // the template's reqid, parallel to policies
  kernel::KernelListener* listener = nullptr;
  bool fail_add_sa = false;

 private:
  uint32_t next_spi_;
};

class CountingInterfaces final : public ifmgr::InterfaceManager {
 public:
  Status Acquire(const ifmgr::InterfaceSpec&) override { return Status::Ok(); }
  void Release(const std::string&) override {}
  Status ChildSaInstalled(uint32_t if_id) override {
    history[if_id].push_back(++children[if_id]);
    return Status::Ok();
  }
  Status ChildSaRemoved(uint32_t if_id) override {
    history[if_id].push_back(--children[if_id]);
    return Status::Ok();
  }
  Status AddAddress(uint32_t if_id, const Prefix& p) override {
    addresses[if_id].insert(p);
    return Status::Ok();
  }
  Status RemoveAddress(uint32_t if_id, const Prefix& p) override {
    auto it = addresses[if_id].find(p);
    if (it == addresses[if_id].end()) return Status(Code::kNotFound, "no address");
    addresses[if_id].erase(it);
    return Status::Ok();
  }
  Status AddRoute(uint32_t if_id, const ifmgr::Route& r) override {
    routes[if_id].insert(r.destination);
    return Status::Ok();
  }
  Status RemoveRoute(uint32_t if_id, const ifmgr::Route& r) override {
    auto it = routes[if_id].find(r.destination);
    if (it == routes[if_id].end()) return Status(Code::kNotFound, "no route");
    routes[if_id].erase(it);
    return Status::Ok();
  }
  std::vector<ifmgr::InterfaceInfo> List() const override { return {}; }
  Status CleanupLeftovers() override { return Status::Ok(); }
  void ReleaseAll() override {}
  bool up(uint32_t if_id) const {
    auto it = children.find(if_id);
    return it != children.end() && it->second > 0;
  }
  std::map<uint32_t, int> children;
  // Dynamic addresses and routes, one entry per reference held.
  std::map<uint32_t, std::multiset<Prefix>> addresses;
  std::map<uint32_t, std::multiset<Prefix>> routes;
  // The CHILD_SA count of each interface after every change.
  std::map<uint32_t, std::vector<int>> history;
};

class FixedSecrets final : public SecretStore {
 public:
  std::optional<SecretBytes> FindPsk(const config::Connection& conn, const config::Identity*,
                                     const config::Identity*) const override {
    if (conn.psk) return conn.psk->value;
    return std::nullopt;
  }
};

// Certificates and keys by connection name (empty: PSK only).
class FixedCredentials final : public CredentialStore {
 public:
  const ConnectionCredentials* Find(const config::Connection& conn) const override {
    auto it = by_name.find(conn.name);
    return it == by_name.end() ? nullptr : &it->second;
  }
  std::map<std::string, ConnectionCredentials> by_name;
};

struct Datagram {
  Bytes data;
  Endpoint from;
  Endpoint to;
};

// One side: an engine and everything it talks to.
struct Peer : public net::PacketSender {
  Peer(const std::string& address, uint32_t spi_base, FakeClock& clock, TimerQueue& timers, uint64_t seed);

  Status Send(ByteSpan message, const Endpoint& local, const Endpoint& remote) override {
    Endpoint from = local;
    if (from.address.is_none() || from.address.is_unspecified()) from.address = address;
    outbox.push_back({Bytes(message.begin(), message.end()), from, remote});
    return Status::Ok();
  }
  std::optional<IpAddress> SourceFor(const IpAddress&) override { return address; }

  IpAddress address;
  DeterministicRng rng;
  RecordingKernel kernel;
  CountingInterfaces interfaces;
  FixedSecrets secrets;
  FixedCredentials credentials;
  std::vector<api::Event> events;
  std::deque<Datagram> outbox;
  std::unique_ptr<Engine> engine;
};

// A site-to-site connection between 192.0.2.1 (left) and 192.0.2.2 (right).
config::Connection SiteToSite(const std::string& name, bool left, const std::string& psk = "secret");

class TwoPeers {
 public:
  TwoPeers();
  // Delivers queued datagrams both ways until the wire is quiet; returns how
  // many were delivered. `drop` may discard a datagram (lost on the wire).
  int Pump(const std::function<bool(const Datagram&)>& drop = nullptr);
  // Advances time by `d`, firing timers, pumping after each step.
  void Run(Duration d);
  // Gives each engine its connection, has left initiate `l` and pumps until
  // the wire is quiet; returns how the initiation ended.
  Status Establish(config::Connection l, config::Connection r);

  // Applied to every datagram Pump/Run delivers unless Pump is given its own.
  std::function<bool(const Datagram&)> drop;
  // Applied to every delivered datagram before it arrives (a NAT on the wire).
  std::function<void(Datagram&)> rewrite;
  FakeClock clock;
  TimerQueue timers{clock};
  Peer left;
  Peer right;
};

}  // namespace ikevpn::ike::testing
