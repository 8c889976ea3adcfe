#include "daemon/app/secret_store.h"

namespace ikevpn::app {

std::optional<SecretBytes> ConfigSecretStore::FindPsk(const config::Connection& conn,
                                                      const config::Identity* local,
                                                      const config::Identity* remote) const {
  if (conn.psk) return conn.psk->value;
  if (!secrets_) return std::nullopt;
  if (const SecretBytes* psk = secrets_->FindPsk(local, remote)) return *psk;
  return std::nullopt;
}

}  // namespace ikevpn::app
