#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/integration/xfrm/netns.h"

namespace ikevpn::kernel::xfrm::testing {

ShellResult Sh(const std::string& command) {
  ShellResult r;
  // In the qemu guest busybox's own `ip` applet would win over iproute2:
  // IKEVPN_IP=/sbin/ip makes `ip` a shell function calling that binary.
  std::string prefix;
  if (const char* ip = getenv("IKEVPN_IP")) prefix = std::string("ip() { ") + ip + " \"$@\"; }; ";
  FILE* f = popen((prefix + command + " 2>&1").c_str(), "r");
  if (f == nullptr) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) r.output.append(buf, n);
  int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos;
       p = haystack.find(needle, p + needle.size())) {
    ++n;
  }
  return n;
}

std::string EnterFreshNetns() {
  if (geteuid() != 0) return "needs root (enters its own network namespace)";
  if (unshare(CLONE_NEWNET) != 0) return std::string("unshare(CLONE_NEWNET): ") + strerror(errno);
  ShellResult lo = Sh("ip link set lo up");
  if (lo.status != 0) return "ip link set lo up: " + lo.output;
  return "";
}

}  // namespace ikevpn::kernel::xfrm::testing
