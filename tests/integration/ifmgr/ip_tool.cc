#include "tests/integration/ifmgr/ip_tool.h"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ikevpn::ifmgr::testing {

std::string EnterPrivateNetns() {
  if (geteuid() != 0) return "needs root";
  if (unshare(CLONE_NEWNET) != 0) return std::string("unshare(CLONE_NEWNET): ") + strerror(errno);
  CommandResult lo = Shell("ip link set lo up");
  if (lo.exit_code != 0) return "ip link set lo up: " + lo.out;
  return "";
}

CommandResult Shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string IpLinkFlags(const std::string& name) {
  CommandResult r = Shell("ip -j link show dev " + name);
  if (r.exit_code != 0) return "";
  size_t start = r.out.find("\"flags\":[");
  if (start == std::string::npos) return "";
  size_t end = r.out.find(']', start);
  return r.out.substr(start + 8, end - start - 7);
}

std::string JsonField(const std::string& json, const std::string& field) {
  std::string key = "\"" + field + "\":\"";
  size_t start = json.find(key);
  if (start == std::string::npos) return "";
  start += key.size();
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace ikevpn::ifmgr::testing
