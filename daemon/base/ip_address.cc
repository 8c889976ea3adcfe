#include "daemon/base/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ikevpn {

IpAddress IpAddress::V4(uint32_t host_order) {
  IpAddress a;
  a.family_ = Family::kV4;
  a.b_[0] = static_cast<uint8_t>(host_order >> 24);
  a.b_[1] = static_cast<uint8_t>(host_order >> 16);
  a.b_[2] = static_cast<uint8_t>(host_order >> 8);
  a.b_[3] = static_cast<uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::V4Bytes(std::span<const uint8_t, 4> b) {
  IpAddress a;
  a.family_ = Family::kV4;
  memcpy(a.b_.data(), b.data(), 4);
  return a;
}

IpAddress IpAddress::V6(std::span<const uint8_t, 16> b) {
  IpAddress a;
  a.family_ = Family::kV6;
  memcpy(a.b_.data(), b.data(), 16);
  return a;
}

std::optional<IpAddress> IpAddress::FromBytes(std::span<const uint8_t> b) {
  if (b.size() == 4) return V4Bytes(std::span<const uint8_t, 4>(b.data(), 4));
  if (b.size() == 16) return V6(std::span<const uint8_t, 16>(b.data(), 16));
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  uint8_t out[16];
  if (inet_pton(AF_INET, buf, out) == 1) return V4Bytes(std::span<const uint8_t, 4>(out, 4));
  if (inet_pton(AF_INET6, buf, out) == 1) return V6(std::span<const uint8_t, 16>(out, 16));
  return std::nullopt;
}

IpAddress IpAddress::Any(Family f) {
  IpAddress a;
  a.family_ = f;
  return a;
}

IpAddress IpAddress::Max(Family f) {
  IpAddress a;
  a.family_ = f;
  // Only the family's bytes: the rest stay zero so equality with a parsed
  // 255.255.255.255 holds.
  std::fill(a.b_.begin(), a.b_.begin() + static_cast<std::ptrdiff_t>(a.size()), 0xff);
  return a;
}

uint32_t IpAddress::v4_host_order() const {
  return uint32_t{b_[0]} << 24 | uint32_t{b_[1]} << 16 | uint32_t{b_[2]} << 8 | b_[3];
}

bool IpAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (b_[i]) return false;
  return true;
}

std::string IpAddress::ToString() const {
  if (is_none()) return "%none";
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(af(), b_.data(), buf, sizeof buf);
  return buf;
}

IpAddress IpAddress::Masked(unsigned prefix_len) const {
  IpAddress a = *this;
  for (size_t i = 0; i < size(); ++i) {
    unsigned bit = static_cast<unsigned>(i) * 8;
    if (bit >= prefix_len) {
      a.b_[i] = 0;
    } else if (prefix_len - bit < 8) {
      a.b_[i] &= static_cast<uint8_t>(0xff << (8 - (prefix_len - bit)));
    }
  }
  return a;
}

IpAddress IpAddress::BroadcastOf(unsigned prefix_len) const {
  IpAddress a = *this;
  for (size_t i = 0; i < size(); ++i) {
    unsigned bit = static_cast<unsigned>(i) * 8;
    if (bit >= prefix_len) {
      a.b_[i] = 0xff;
    } else if (prefix_len - bit < 8) {
      a.b_[i] |= static_cast<uint8_t>(0xff >> (prefix_len - bit));
    }
  }
  return a;
}

IpAddress IpAddress::Plus(uint64_t n) const {
  IpAddress a = *this;
  for (size_t i = size(); i-- > 0 && n;) {
    uint64_t sum = a.b_[i] + (n & 0xff);
    a.b_[i] = static_cast<uint8_t>(sum);
    n = (n >> 8) + (sum >> 8);
  }
  return a;
}

socklen_t Endpoint::ToSockaddr(sockaddr_storage* ss) const {
  memset(ss, 0, sizeof *ss);
  if (address.is_v6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    memcpy(&s6->sin6_addr, address.bytes().data(), 16);
    return sizeof *s6;
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(port);
  if (address.is_v4()) memcpy(&s4->sin_addr, address.bytes().data(), 4);
  return sizeof *s4;
}

std::optional<Endpoint> Endpoint::FromSockaddr(const sockaddr* sa, socklen_t len) {
  if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    auto* s4 = reinterpret_cast<const sockaddr_in*>(sa);
    return Endpoint{IpAddress::V4Bytes(std::span<const uint8_t, 4>(
                        reinterpret_cast<const uint8_t*>(&s4->sin_addr), 4)),
                    ntohs(s4->sin_port)};
  }
  if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    auto* s6 = reinterpret_cast<const sockaddr_in6*>(sa);
    auto* b = reinterpret_cast<const uint8_t*>(&s6->sin6_addr);
    // A v4-mapped address on a dual-stack socket is the v4 peer.
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, kMapped, 12) == 0)
      return Endpoint{IpAddress::V4Bytes(std::span<const uint8_t, 4>(b + 12, 4)), ntohs(s6->sin6_port)};
    return Endpoint{IpAddress::V6(std::span<const uint8_t, 16>(b, 16)), ntohs(s6->sin6_port)};
  }
  return std::nullopt;
}

std::string Endpoint::ToString() const {
  if (address.is_v6()) return "[" + address.ToString() + "]:" + std::to_string(port);
  return address.ToString() + ":" + std::to_string(port);
}

std::optional<Prefix> Prefix::Parse(std::string_view text) {
  size_t slash = text.find('/');
  auto addr = IpAddress::Parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned max = static_cast<unsigned>(addr->size() * 8);
  unsigned len = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    len = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      len = len * 10 + static_cast<unsigned>(c - '0');
    }
    if (len > max) return std::nullopt;
  }
  return Prefix{*addr, static_cast<uint8_t>(len)};
}

bool Prefix::Contains(const IpAddress& a) const {
  return a.family() == address.family() && a.Masked(length) == address.Masked(length);
}

std::string Prefix::ToString() const { return address.ToString() + "/" + std::to_string(length); }

}  // namespace ikevpn
