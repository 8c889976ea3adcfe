// The engine's SecretStore over the loaded configuration: a connection's
// inline psk first, else the secrets file.
#pragma once

#include <memory>

#include "daemon/config/config.h"
#include "daemon/ike/engine_env.h"

namespace ikevpn::app {

class ConfigSecretStore final : public ike::SecretStore {
 public:
  void Set(std::shared_ptr<const config::Secrets> secrets) { secrets_ = std::move(secrets); }
  std::optional<SecretBytes> FindPsk(const config::Connection& conn, const config::Identity* local,
                                     const config::Identity* remote) const override;

 private:
  std::shared_ptr<const config::Secrets> secrets_;
};

}  // namespace ikevpn::app
