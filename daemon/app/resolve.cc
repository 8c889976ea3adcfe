#include "daemon/app/resolve.h"

#include <netdb.h>
#include <sys/socket.h>

namespace ikevpn::app {

Result<config::Connection> ResolveRemote(const config::Connection& c) {
  if (c.remote.kind != config::Host::Kind::kHostname) return c;
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(c.remote.text.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    return Status(Code::kNotFound, "remote host '" + c.remote.text + "' does not resolve: " + gai_strerror(rc));
  }
  std::optional<Endpoint> e = Endpoint::FromSockaddr(res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (!e) return Status(Code::kNotFound, "remote host '" + c.remote.text + "' has no IP address");
  config::Connection out = c;
  out.remote.kind = config::Host::Kind::kAddress;
  out.remote.address = e->address;
  return out;
}

}  // namespace ikevpn::app
