// Resolving a connection's remote hostname to an address (getaddrinfo,
// blocking: only at start and reload).
#pragma once

#include "daemon/base/status.h"
#include "daemon/config/connection.h"

namespace ikevpn::app {

// A copy of `c` whose remote is an address if it was a hostname; `c`
// unchanged otherwise. kNotFound if the name does not resolve.
Result<config::Connection> ResolveRemote(const config::Connection& c);

}  // namespace ikevpn::app
