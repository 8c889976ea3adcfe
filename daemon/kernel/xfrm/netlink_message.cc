#include "daemon/kernel/xfrm/netlink_message.h"

#include <string>

namespace ikevpn::kernel::xfrm {

NlBuilder::NlBuilder(uint16_t type, uint16_t flags) {
  nlmsghdr h{};
  h.nlmsg_len = sizeof h;
  h.nlmsg_type = type;
  h.nlmsg_flags = flags;
  Struct(h);
}

void NlBuilder::AppendPadded(std::span<const uint8_t> data) {
  buf_.Append(data);
  buf_.Resize(NlAlign(buf_.size()));
}

void NlBuilder::PatchU16(size_t offset, uint16_t v) {
  std::memcpy(buf_.data() + offset, &v, sizeof v);
}

void NlBuilder::Attr(uint16_t type, std::span<const uint8_t> payload) { AttrParts(type, payload, {}); }

void NlBuilder::AttrParts(uint16_t type, std::span<const uint8_t> a, std::span<const uint8_t> b) {
  nlattr h{};
  h.nla_len = static_cast<uint16_t>(NLA_HDRLEN + a.size() + b.size());
  h.nla_type = type;
  buf_.Append({reinterpret_cast<const uint8_t*>(&h), sizeof h});
  buf_.Append(a);
  AppendPadded(b);
}

void NlBuilder::AttrString(uint16_t type, std::string_view s) {
  std::string z(s);
  Attr(type, {reinterpret_cast<const uint8_t*>(z.c_str()), z.size() + 1});
}

size_t NlBuilder::BeginNested(uint16_t type) {
  size_t token = buf_.size();
  nlattr h{};
  h.nla_type = static_cast<uint16_t>(type | NLA_F_NESTED);
  buf_.Append({reinterpret_cast<const uint8_t*>(&h), sizeof h});
  return token;
}

void NlBuilder::EndNested(size_t token) {
  PatchU16(token + offsetof(nlattr, nla_len), static_cast<uint16_t>(buf_.size() - token));
}

NlMessage NlBuilder::Finish() && {
  uint32_t len = static_cast<uint32_t>(buf_.size());
  std::memcpy(buf_.data() + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
  return std::move(buf_);
}

Result<std::vector<NlMessageView>> SplitNlMessages(ByteSpan datagram) {
  std::vector<NlMessageView> out;
  size_t off = 0;
  while (datagram.size() - off >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, datagram.data() + off, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > datagram.size() - off) {
      return Status(Code::kDrop, "netlink message length " + std::to_string(h.nlmsg_len) +
                                     " does not fit the " + std::to_string(datagram.size() - off) +
                                     " bytes left");
    }
    out.push_back({h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, h.nlmsg_pid,
                   datagram.subspan(off + sizeof h, h.nlmsg_len - sizeof h)});
    off += std::min<size_t>(NlAlign(h.nlmsg_len), datagram.size() - off);
  }
  if (off != datagram.size()) {
    return Status(Code::kDrop, "netlink datagram has " + std::to_string(datagram.size() - off) +
                                   " trailing bytes");
  }
  return out;
}

Result<NlAttrs> NlAttrs::Parse(ByteSpan data) {
  NlAttrs attrs;
  size_t off = 0;
  while (data.size() - off >= NLA_HDRLEN) {
    nlattr h;
    std::memcpy(&h, data.data() + off, sizeof h);
    if (h.nla_len < NLA_HDRLEN || h.nla_len > data.size() - off) {
      return Status(Code::kDrop, "netlink attribute " + std::to_string(h.nla_type & NLA_TYPE_MASK) +
                                     " has bad length " + std::to_string(h.nla_len));
    }
    attrs.attrs_.emplace_back(static_cast<uint16_t>(h.nla_type & NLA_TYPE_MASK),
                              data.subspan(off + NLA_HDRLEN, h.nla_len - NLA_HDRLEN));
    off += std::min<size_t>(NlAlign(h.nla_len), data.size() - off);
  }
  if (off != data.size()) return Status(Code::kDrop, "netlink attributes have trailing bytes");
  return attrs;
}

std::optional<ByteSpan> NlAttrs::Get(uint16_t type) const {
  for (const auto& [t, span] : attrs_) {
    if (t == type) return span;
  }
  return std::nullopt;
}

bool NlAttrs::GetU32(uint16_t type, uint32_t* out) const { return GetStruct(type, out); }

ByteSpan AttrsAfter(ByteSpan payload, size_t fixed_size) {
  size_t start = NlAlign(fixed_size);
  if (payload.size() <= start) return {};
  return payload.subspan(start);
}

}  // namespace ikevpn::kernel::xfrm
