#include "ctl/render.h"

#include <cinttypes>
#include <cstdio>

#include "ctl/table.h"

namespace ikevpn::ctl {
namespace {

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string Hex32(uint64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08" PRIx64, v);
  return buf;
}

std::string Hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

}  // namespace

std::string FormatDuration(int64_t s) {
  if (s < 0) s = -s;
  auto two = [](int64_t a, const char* ua, int64_t b, const char* ub) {
    std::string out = std::to_string(a) + ua;
    if (b > 0) out += " " + std::to_string(b) + ub;
    return out;
  };
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return two(s / 60, "m", s % 60, "s");
  if (s < 86400) return two(s / 3600, "h", s % 3600 / 60, "m");
  return two(s / 86400, "d", s % 86400 / 3600, "h");
}

std::string FormatRelative(int64_t t, int64_t now) {
  if (t == 0) return "-";
  if (t <= now) return FormatDuration(now - t) + " ago";
  return "in " + FormatDuration(t - now);
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string RenderConnections(const std::vector<Dict>& connections) {
  if (connections.empty()) return "no connections configured\n";
  Table t({"NAME", "STATE", "INTERFACE", "IF_ID", "REMOTE", "IKE_SAS", "CHILD_SAS"});
  for (const auto& c : connections) {
    t.AddRow({GetString(c, "name"), GetString(c, "state"), OrDash(GetString(c, "interface")),
              std::to_string(GetUint(c, "if_id")), OrDash(Join(GetStrings(c, "remote_addrs"), ",")),
              std::to_string(GetUint(c, "ike_sas")), std::to_string(GetUint(c, "child_sas"))});
  }
  return t.Render();
}

namespace {

// An IKE_SA's address, marked when NAT detection saw a NAT in front of it
// (nat_key; forced UDP encapsulation is no NAT).
std::string AddressOf(const Dict& sa, const std::string& address_key, const std::string& nat_key) {
  return GetString(sa, address_key) + (GetBool(sa, nat_key) ? " (NAT)" : "");
}

std::string IkeSaTable(const std::vector<Dict>& ike_sas, int64_t now, const std::string& indent) {
  Table t({"ID", "CONNECTION", "STATE", "LOCAL", "REMOTE", "REMOTE_ID", "ALGORITHMS", "ESTABLISHED",
           "REKEY"});
  for (const auto& sa : ike_sas) {
    t.AddRow({std::to_string(GetUint(sa, "id")), GetString(sa, "connection"), GetString(sa, "state"),
              AddressOf(sa, "local_address", "nat_local"), AddressOf(sa, "remote_address", "nat_remote"),
              OrDash(GetString(sa, "remote_id")), OrDash(GetString(sa, "algorithms")),
              FormatRelative(GetInt(sa, "established"), now),
              FormatRelative(GetInt(sa, "rekey_time"), now)});
  }
  return t.Render(indent);
}

std::string ChildSaTable(const std::vector<Dict>& child_sas, int64_t now, const std::string& indent) {
  Table t({"ID", "IKE_SA", "CONNECTION", "STATE", "MODE", "SPI_IN", "SPI_OUT", "INTERFACE", "TS",
           "BYTES_IN", "BYTES_OUT", "REKEY"});
  for (const auto& sa : child_sas) {
    t.AddRow({std::to_string(GetUint(sa, "id")), std::to_string(GetUint(sa, "ike_sa_id")),
              GetString(sa, "connection"), GetString(sa, "state"), GetString(sa, "mode"),
              Hex32(GetUint(sa, "spi_in")), Hex32(GetUint(sa, "spi_out")),
              OrDash(GetString(sa, "interface")),
              Join(GetStrings(sa, "local_ts"), ",") + " === " + Join(GetStrings(sa, "remote_ts"), ","),
              FormatBytes(GetUint(sa, "bytes_in")), FormatBytes(GetUint(sa, "bytes_out")),
              FormatRelative(GetInt(sa, "rekey_time"), now)});
  }
  return t.Render(indent);
}

}  // namespace

std::string RenderSas(const std::vector<Dict>& ike_sas, const std::vector<Dict>& child_sas,
                      int64_t now) {
  if (ike_sas.empty() && child_sas.empty()) return "no SAs\n";
  std::string out = "IKE_SAs:\n" + (ike_sas.empty() ? "  none\n" : IkeSaTable(ike_sas, now, "  "));
  out += "CHILD_SAs:\n" + (child_sas.empty() ? "  none\n" : ChildSaTable(child_sas, now, "  "));
  return out;
}

std::string RenderStatus(const Dict& c, const std::vector<Dict>& ike_sas,
                         const std::vector<Dict>& child_sas, int64_t now) {
  std::string out = GetString(c, "name") + ": " + GetString(c, "state") + "\n";
  Table t;
  t.AddRow({"interface", OrDash(GetString(c, "interface")) + " (if_id " +
                             std::to_string(GetUint(c, "if_id")) + ")"});
  t.AddRow({"local", OrDash(Join(GetStrings(c, "local_addrs"), ",")) + "  id " +
                         OrDash(GetString(c, "local_id"))});
  t.AddRow({"remote", OrDash(Join(GetStrings(c, "remote_addrs"), ",")) + "  id " +
                          OrDash(GetString(c, "remote_id"))});
  t.AddRow({"auth", OrDash(GetString(c, "auth"))});
  t.AddRow({"start", OrDash(GetString(c, "start_action"))});
  t.AddRow({"ike", OrDash(GetString(c, "ike_proposals"))});
  t.AddRow({"esp", OrDash(GetString(c, "esp_proposals"))});
  t.AddRow({"traffic", OrDash(Join(GetStrings(c, "local_ts"), ",")) + " === " +
                           OrDash(Join(GetStrings(c, "remote_ts"), ","))});
  out += t.Render("  ");
  for (const auto& ike : ike_sas) {
    out += "  IKE_SA " + std::to_string(GetUint(ike, "id")) + ": " + GetString(ike, "state") + ", " +
           AddressOf(ike, "local_address", "nat_local") + " <-> " + AddressOf(ike, "remote_address", "nat_remote") +
           ", " + OrDash(GetString(ike, "algorithms")) + (GetBool(ike, "udp_encap") ? ", ESP in UDP" : "") + "\n";
    out += "    SPIs " + Hex64(GetUint(ike, "spi_i")) + "_i " + Hex64(GetUint(ike, "spi_r")) +
           "_r, established " + FormatRelative(GetInt(ike, "established"), now) + ", rekey " +
           FormatRelative(GetInt(ike, "rekey_time"), now) + "\n";
    if (auto vips = GetStrings(ike, "virtual_ips"); !vips.empty()) {
      out += "    virtual IPs " + Join(vips, ",") + "\n";
    }
  }
  if (!child_sas.empty()) out += ChildSaTable(child_sas, now, "  ");
  return out;
}

std::string RenderEvent(const std::string& clock, const std::string& kind,
                        const std::string& connection, const Dict& details) {
  std::string out = clock + "  " + kind + "  " + OrDash(connection);
  for (const auto& [key, value] : details) {
    std::string text = ToText(value);
    if (text.empty() || text.find(' ') != std::string::npos) text = JsonQuote(text);
    out += "  " + key + "=" + text;
  }
  return out + "\n";
}

std::vector<Dict> ForConnection(const std::vector<Dict>& list, const std::string& name) {
  std::vector<Dict> out;
  for (const auto& d : list) {
    if (GetString(d, "connection") == name) out.push_back(d);
  }
  return out;
}

}  // namespace ikevpn::ctl
