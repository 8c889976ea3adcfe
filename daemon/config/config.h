// The whole configuration: global settings, the connections in file order,
// and the secrets loaded from the secrets file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/connection.h"
#include "daemon/config/secrets.h"

namespace ikevpn::config {

// What to do with a secrets file (or a config holding an inline psk) that
// group or others may read.
enum class PermissionPolicy : uint8_t { kWarn, kRefuse };
std::string_view ToString(PermissionPolicy v);

// Interfaces handed to connections without `interface =`: prefix + number
// for every number in [first, last] ("ipsec100-ipsec199").
struct InterfacePool {
  std::string prefix = "ipsec";
  uint32_t first = 100;
  uint32_t last = 199;
  friend bool operator==(const InterfacePool&, const InterfacePool&) = default;
};

// `[global]` (or keys before the first section).
struct GlobalSettings {
  std::string secrets_file;  // secrets; relative paths are from the config's directory
  PermissionPolicy secrets_permissions = PermissionPolicy::kRefuse;
  std::string state_dir = "/var/lib/ikevpn";
  uint32_t half_open_limit = 5000;  // half-open IKE_SAs before new ones are dropped
  uint32_t cookie_threshold = 100;  // half-open IKE_SAs before COOKIEs are demanded
  std::string log_level = "info";   // Log::Configure() syntax, validated
  uint16_t port = ike::kIkePort;
  uint16_t port_nat_t = ike::kNatTPort;
  InterfacePool interface_pool;
  Millis retransmit_timeout{4000};  // first retransmission after this
  uint32_t retransmit_tries = 5;    // then give up
  double retransmit_base = 1.8;     // timeout * base^n for the n-th retry
  uint32_t retransmit_jitter = 0;   // percent subtracted at random, 0..100

  friend bool operator==(const GlobalSettings&, const GlobalSettings&) = default;
};

struct Config {
  GlobalSettings global;
  std::vector<Connection> connections;  // in file order, names unique
  Secrets secrets;                      // from global.secrets_file

  const Connection* Find(std::string_view name) const;
};

}  // namespace ikevpn::config
