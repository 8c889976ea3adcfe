// IP addresses, endpoints, prefixes and address ranges (v4 and v6).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ikevpn {

class IpAddress {
 public:
  enum class Family : uint8_t { kNone, kV4, kV6 };

  IpAddress() = default;
  static IpAddress V4(uint32_t host_order);
  static IpAddress V4Bytes(std::span<const uint8_t, 4> b);
  static IpAddress V6(std::span<const uint8_t, 16> b);
  // From 4 or 16 network-order bytes; nullopt for any other length.
  static std::optional<IpAddress> FromBytes(std::span<const uint8_t> b);
  // "192.0.2.1" or "2001:db8::1"; nullopt if neither.
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress Any(Family f);  // 0.0.0.0 or ::

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  bool is_v6() const { return family_ == Family::kV6; }
  bool is_none() const { return family_ == Family::kNone; }
  int af() const { return is_v4() ? AF_INET : is_v6() ? AF_INET6 : AF_UNSPEC; }
  size_t size() const { return is_v4() ? 4 : is_v6() ? 16 : 0; }
  // Network-order bytes (4 or 16 of them).
  std::span<const uint8_t> bytes() const { return {b_.data(), size()}; }
  uint32_t v4_host_order() const;  // precondition: is_v4()
  bool is_unspecified() const;
  std::string ToString() const;

  // Largest address of the family (255.255.255.255 / ffff:...).
  static IpAddress Max(Family f);
  // Address with the low (bits - prefix_len) bits cleared / set.
  IpAddress Masked(unsigned prefix_len) const;
  IpAddress BroadcastOf(unsigned prefix_len) const;
  // this + n (wraps within the family); used by address pools.
  IpAddress Plus(uint64_t n) const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kNone;
  std::array<uint8_t, 16> b_{};
};

// An address and UDP port, convertible to and from sockaddr.
struct Endpoint {
  IpAddress address;
  uint16_t port = 0;

  // Fills `ss`; returns the sockaddr length.
  socklen_t ToSockaddr(sockaddr_storage* ss) const;
  static std::optional<Endpoint> FromSockaddr(const sockaddr* sa, socklen_t len);
  // "192.0.2.1:500", "[2001:db8::1]:4500".
  std::string ToString() const;

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// address/len, e.g. 10.1.0.0/16.
struct Prefix {
  IpAddress address;
  uint8_t length = 0;

  // "10.1.0.0/16", "2001:db8::/32", or a bare address (host prefix).
  static std::optional<Prefix> Parse(std::string_view text);
  bool Contains(const IpAddress& a) const;
  IpAddress First() const { return address.Masked(length); }
  IpAddress Last() const { return address.BroadcastOf(length); }
  std::string ToString() const;

  friend auto operator<=>(const Prefix&, const Prefix&) = default;
  friend bool operator==(const Prefix&, const Prefix&) = default;
};

}  // namespace ikevpn
