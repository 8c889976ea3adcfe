// LeaseRegistry: the address pools of every road-warrior connection and
// their leases, persisted under --state-dir (leases.txt) with the
// crash-safe writer (base/atomic_file.h) after every change.
//
// The file is text, one lease per line:
//   CONNECTION <TAB> ADDRESS <TAB> LAST-SEEN <TAB> IDENTITY
// A corrupt file is reported once (file:line: what) and ignored: the
// daemon starts with no leases rather than not at all.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config/connection.h"
#include "daemon/pool/address_pool.h"

namespace ikevpn::pool {

class LeaseRegistry {
 public:
  // `path` empty: leases live in memory only (tests).
  explicit LeaseRegistry(std::string path = {});

  // Reads the lease file (at start, before Configure). Missing: no leases.
  // Corrupt or unreadable: logged as an error, no leases; the return says
  // why (for tests).
  Status Load();

  // The pools of the connections that have `pool`. A connection whose
  // ranges did not change keeps its pool as it is; a changed one keeps the
  // leases that still fit. Leases of connections that are gone stay in the
  // file until the next Configure that has them again.
  void Configure(const std::vector<std::shared_ptr<const config::Connection>>& connections);

  bool HasPool(const std::string& connection) const { return pools_.count(connection) != 0; }
  // See AddressPool::Acquire / Release; both persist a change.
  Result<IpAddress> Acquire(const std::string& connection, const std::string& identity, IpAddress::Family family,
                            uint64_t owner, int64_t now);
  std::vector<IpAddress> Release(const std::string& connection, const std::string& identity, uint64_t owner,
                                 int64_t now);
  std::vector<Lease> Leases(const std::string& connection) const;

  // The file's content for these leases, and back (parse errors name the line).
  static std::string Serialize(const std::multimap<std::string, Lease>& leases);
  static Result<std::multimap<std::string, Lease>> Parse(std::string_view text);

 private:
  struct Entry {
    std::vector<config::AddressRange> ranges;
    std::vector<IpAddress> excluded;
    AddressPool pool;
  };
  void Save();
  std::multimap<std::string, Lease> All() const;

  std::string path_;
  std::map<std::string, Entry> pools_;
  std::multimap<std::string, Lease> parked_;  // loaded leases of connections without a pool
};

}  // namespace ikevpn::pool
