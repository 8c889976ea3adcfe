// InterfaceManager: the ipsecN interfaces as the IKE engine sees them.
//
// A connection acquires its interface when it is loaded and releases it when
// removed. The link is up exactly while at least one CHILD_SA is installed
// for its if_id (ChildSaInstalled/ChildSaRemoved are counted, so a
// make-before-break rekey never flaps it). While it is down a leak guard
// (blackhole routes with a worse metric) keeps inner traffic from leaving in
// clear text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/base/ip_address.h"
#include "daemon/base/status.h"

namespace ikevpn::ifmgr {

struct Route {
  Prefix destination;
  uint32_t metric = 0;

  friend bool operator==(const Route&, const Route&) = default;
};

struct InterfaceSpec {
  std::string name;  // "ipsec0"
  uint32_t if_id = 0;  // never 0
  std::vector<Prefix> addresses;  // interface-address (inner addresses)
  std::vector<Route> routes;  // to the remote traffic selectors
  uint32_t mtu = 1400;
  bool leak_guard = true;  // blackhole routes while down
  uint32_t leak_guard_metric = 4096;
};

// State of one managed interface, for status output.
struct InterfaceInfo {
  std::string name;
  uint32_t if_id = 0;
  int ifindex = 0;
  bool up = false;
  bool adopted = false;  // existed before us; never deleted
  int users = 0;  // connections holding it
  int child_sas = 0;
};

class InterfaceManager {
 public:
  virtual ~InterfaceManager() = default;

  // Creates the interface (or adopts an existing one of that name), down,
  // with its leak guard; or, if a connection already holds it, adds this
  // user's addresses and routes. Rolls back on failure.
  virtual Status Acquire(const InterfaceSpec& spec) = 0;
  // Drops one user; the last user's release deletes what we created.
  virtual void Release(const std::string& name) = 0;

  virtual Status ChildSaInstalled(uint32_t if_id) = 0;
  virtual Status ChildSaRemoved(uint32_t if_id) = 0;

  // Dynamic addresses and routes (virtual IPs, per-client host routes). They
  // survive link down/up (re-added on up).
  virtual Status AddAddress(uint32_t if_id, const Prefix& address) = 0;
  virtual Status RemoveAddress(uint32_t if_id, const Prefix& address) = 0;
  virtual Status AddRoute(uint32_t if_id, const Route& route) = 0;
  virtual Status RemoveRoute(uint32_t if_id, const Route& route) = 0;

  virtual std::vector<InterfaceInfo> List() const = 0;

  // Removes interfaces and routes a crashed earlier run left (start), or all
  // we own (shutdown).
  virtual Status CleanupLeftovers() = 0;
  virtual void ReleaseAll() = 0;
};

}  // namespace ikevpn::ifmgr
