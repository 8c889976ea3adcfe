// The engine's CredentialStore over the loaded configuration: each
// connection's cert, key and ca files (config keys cert, key, ca).
//
//   cert  PEM (or one DER) file: our certificate, then any intermediates
//   key   unencrypted PEM private key that belongs to the certificate
//   ca    PEM file with one or more CA certificates the peer must chain to
//
// Files are read at every config load (start and SIGHUP), so renewed
// certificates are picked up on reload; within one load a file named by
// several connections is read once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "daemon/config/config_parser.h"
#include "daemon/config/connection.h"
#include "daemon/ike/engine_env.h"

namespace ikevpn::app {

class FileCredentialStore final : public ike::CredentialStore {
 public:
  // Replaces what is loaded by what `connections` name. A file that cannot
  // be read or parsed, or a key that does not belong to its certificate,
  // is logged as an error naming the connection and the file; that part of
  // the connection's credentials stays empty, and authentication with it
  // fails. Returns these errors (also for ikevpnd --check-config).
  std::vector<config::ConnectionError> Load(const std::vector<config::Connection>& connections);

  const ike::ConnectionCredentials* Find(const config::Connection& conn) const override;

 private:
  std::map<std::string, ike::ConnectionCredentials> by_name_;
};

}  // namespace ikevpn::app
