#include "nm/vpn_settings.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace ikevpn::nm {
namespace {

// vpn.data keys passed to ikevpnd unchanged (same name, same syntax).
constexpr std::string_view kPassThrough[] = {"local",     "local-id", "remote-id", "remote-port",
                                             "cert",      "key",      "ca",        "ike",
                                             "esp",       "remote-ts", "dpd-delay", "encap",
                                             "mobike",    "fragmentation"};
// vpn.data keys the plugin interprets.
constexpr std::string_view kOwn[] = {"gateway",       "method",    "virtual-ip",
                                     "inner-address", "interface", "mtu"};

bool Known(std::string_view key) {
  return std::find(std::begin(kPassThrough), std::end(kPassThrough), key) != std::end(kPassThrough) ||
         std::find(std::begin(kOwn), std::end(kOwn), key) != std::end(kOwn);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(", ", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<bool> ParseYesNo(std::string_view v) {
  if (v == "yes" || v == "true" || v == "1") return true;
  if (v == "no" || v == "false" || v == "0") return false;
  return std::nullopt;
}

}  // namespace

Result<PluginSettings> TranslateVpnSettings(const StringMap& data, const StringMap& secrets) {
  PluginSettings out;
  std::vector<std::string> problems;
  auto get = [&](const char* key) -> const std::string* {
    auto it = data.find(key);
    return it == data.end() || it->second.empty() ? nullptr : &it->second;
  };

  for (const auto& [key, value] : data) {
    if (!Known(key)) problems.push_back("unknown vpn.data key '" + key + "'");
  }
  for (std::string_view key : kPassThrough) {
    if (const std::string* v = get(std::string(key).c_str())) out.ikevpn[std::string(key)] = *v;
  }

  if (const std::string* gw = get("gateway")) {
    out.ikevpn["remote"] = *gw;
  } else {
    problems.push_back("gateway is required (the VPN server's address or host name)");
  }

  std::string method = get("method") ? *get("method") : "psk";
  if (method == "psk") {
    out.ikevpn["auth"] = "psk";
    auto psk = secrets.find("psk");
    if (psk == secrets.end() || psk->second.empty()) {
      problems.push_back("method psk needs the secret 'psk' (vpn.secrets psk=...)");
    } else {
      out.ikevpn["psk"] = psk->second;
    }
  } else if (method == "cert") {
    out.ikevpn["auth"] = "pubkey";
    out.ikevpn["remote-auth"] = "pubkey";
    for (const char* k : {"cert", "key", "ca"}) {
      if (!get(k)) problems.push_back(std::string("method cert needs ") + k);
    }
  } else {
    problems.push_back("method '" + method + "' is unknown (psk or cert)");
  }

  if (const std::string* v = get("virtual-ip")) {
    auto b = ParseYesNo(*v);
    if (!b) problems.push_back("virtual-ip '" + *v + "' is not yes or no");
    out.virtual_ip = b.value_or(false);
  }
  if (out.virtual_ip) out.ikevpn["virtual-ip"] = "yes";

  if (const std::string* v = get("inner-address")) {
    std::string local_ts;
    for (const std::string& item : SplitList(*v)) {
      auto p = Prefix::Parse(item);
      if (!p) {
        problems.push_back("inner-address '" + item + "' is not an address or address/prefix");
        continue;
      }
      out.inner.push_back(*p);
      // The traffic selector is our address alone, whatever the prefix.
      local_ts += (local_ts.empty() ? "" : ",") + p->address.ToString();
    }
    if (!out.virtual_ip && !local_ts.empty()) out.ikevpn["local-ts"] = local_ts;
  }
  if (!out.virtual_ip && out.inner.empty())
    problems.push_back("set inner-address, or virtual-ip=yes to get an address from the gateway");

  if (const std::string* v = get("interface")) {
    out.interface = *v;
    out.ikevpn["interface"] = *v;
  }
  if (const std::string* v = get("mtu")) {
    char* end = nullptr;
    unsigned long mtu = std::strtoul(v->c_str(), &end, 10);
    if (end == v->c_str() || *end != '\0' || mtu < 576 || mtu > 65535) {
      problems.push_back("mtu '" + *v + "' is not a number from 576 to 65535");
    } else {
      out.mtu = static_cast<uint32_t>(mtu);
    }
  }

  if (!problems.empty()) {
    std::string msg;
    for (const std::string& p : problems) msg += (msg.empty() ? "" : "; ") + p;
    return Status(Code::kInvalidArgument, msg);
  }
  return out;
}

std::string ConnectionName(const std::string& uuid) {
  std::string name = "nm-";
  for (char c : uuid) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    name += ok ? c : '_';
  }
  if (name.size() > 64) name.resize(64);
  return name;
}

std::string FreeInterface(const std::vector<std::string>& taken) {
  std::set<std::string> used(taken.begin(), taken.end());
  for (unsigned n = 0;; ++n) {
    std::string name = "ipsec" + std::to_string(n);
    if (!used.count(name)) return name;
  }
}

}  // namespace ikevpn::nm
