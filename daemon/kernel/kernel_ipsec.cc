#include "daemon/kernel/kernel_ipsec.h"

#include <cstdio>

namespace ikevpn::kernel {

namespace {

std::string_view ProtoName(ike::ProtocolId proto) {
  switch (proto) {
    case ike::ProtocolId::kEsp: return "ESP";
    case ike::ProtocolId::kAh: return "AH";
    case ike::ProtocolId::kIke: return "IKE";
    case ike::ProtocolId::kNone: return "none";
  }
  return "proto?";
}

}  // namespace

std::string SaId::ToString() const {
  char spi_hex[16];
  std::snprintf(spi_hex, sizeof spi_hex, "0x%08x", spi);
  std::string s(ProtoName(proto));
  s += ' ';
  s += spi_hex;
  s += ' ';
  s += src.ToString();
  s += "->";
  s += dst.ToString();
  s += " if_id ";
  s += std::to_string(if_id);
  if (mark_mask != 0) {
    char m[32];
    std::snprintf(m, sizeof m, " mark 0x%x/0x%x", mark, mark_mask);
    s += m;
  }
  return s;
}

}  // namespace ikevpn::kernel
