// Netlink framing, independent of the netlink family: NlBuilder writes one
// request (header, fixed struct, attributes) into a byte buffer; the parse
// side splits a datagram into messages and a message body into attributes,
// checking every length against the end of the buffer first.
//
// Netlink is host byte order; fixed structs are copied with memcpy, so the
// buffers need no alignment.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "daemon/base/bytes.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"

namespace ikevpn::kernel::xfrm {

// The bytes of one request. A SecretBytes because SA requests carry keys:
// the buffer is wiped when it is dropped.
using NlMessage = SecretBytes;

inline constexpr size_t NlAlign(size_t n) { return (n + 3) & ~size_t{3}; }

class NlBuilder {
 public:
  // nlmsg_seq and nlmsg_pid stay 0; the sender fills in the sequence number.
  NlBuilder(uint16_t type, uint16_t flags);

  // The fixed part that follows the header (xfrm_usersa_info, ifinfomsg, …).
  template <typename T>
  void Struct(const T& s) {
    static_assert(std::is_trivially_copyable_v<T>);
    AppendPadded({reinterpret_cast<const uint8_t*>(&s), sizeof s});
  }

  void Attr(uint16_t type, std::span<const uint8_t> payload);
  // An attribute whose payload is a fixed struct followed by `tail` (the key
  // after xfrm_algo, the bitmap after xfrm_replay_state_esn).
  template <typename T>
  void AttrStruct(uint16_t type, const T& s, std::span<const uint8_t> tail = {}) {
    static_assert(std::is_trivially_copyable_v<T>);
    AttrParts(type, {reinterpret_cast<const uint8_t*>(&s), sizeof s}, tail);
  }
  void AttrU32(uint16_t type, uint32_t v) { AttrStruct(type, v); }
  // NUL-terminated string.
  void AttrString(uint16_t type, std::string_view s);

  // Nested attributes: Begin returns a token for End, which patches the length.
  size_t BeginNested(uint16_t type);
  void EndNested(size_t token);

  NlMessage Finish() &&;

 private:
  void AttrParts(uint16_t type, std::span<const uint8_t> a, std::span<const uint8_t> b);
  void AppendPadded(std::span<const uint8_t> data);
  void PatchU16(size_t offset, uint16_t v);

  NlMessage buf_;
};

// One message inside a datagram; `payload` is everything after nlmsghdr.
struct NlMessageView {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  uint32_t pid = 0;
  ByteSpan payload;
};

// Splits a received datagram. A message whose length field runs past the end
// or is shorter than its header is an error; nothing after it is returned.
Result<std::vector<NlMessageView>> SplitNlMessages(ByteSpan datagram);

// Copies a fixed struct from the start of `data`. False if it is too short.
template <typename T>
bool ReadStruct(ByteSpan data, T* out) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (data.size() < sizeof(T)) return false;
  std::memcpy(out, data.data(), sizeof(T));
  return true;
}

// The attributes of one message body (or of a nested attribute).
class NlAttrs {
 public:
  // Parses `data` as a sequence of nlattr. Fails on a length that runs past
  // the end or is shorter than the attribute header.
  static Result<NlAttrs> Parse(ByteSpan data);

  bool Has(uint16_t type) const { return Get(type).has_value(); }
  // The first attribute of that type (NLA_F_NESTED etc. masked off).
  std::optional<ByteSpan> Get(uint16_t type) const;
  bool GetU32(uint16_t type, uint32_t* out) const;
  // The attribute's payload must hold at least sizeof(T) bytes.
  template <typename T>
  bool GetStruct(uint16_t type, T* out) const {
    auto a = Get(type);
    return a && ReadStruct(*a, out);
  }
  const std::vector<std::pair<uint16_t, ByteSpan>>& all() const { return attrs_; }

 private:
  std::vector<std::pair<uint16_t, ByteSpan>> attrs_;
};

// The body after a fixed struct of `fixed_size` bytes (aligned), for
// NlAttrs::Parse. Empty span if the message is shorter.
ByteSpan AttrsAfter(ByteSpan payload, size_t fixed_size);

}  // namespace ikevpn::kernel::xfrm
