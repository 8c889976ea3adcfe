// RFC 7296 §3.13 Traffic Selector payloads (TSi, TSr).
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Number of TSs |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       <Traffic Selectors>                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.13.1 Traffic Selector
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   TS Type     |IP Protocol ID*|       Selector Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Start Port*         |           End Port*           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Starting Address*                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Ending Address*                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <string>
#include <vector>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {

constexpr size_t kSelectorHeader = 4;
constexpr size_t kSelectorFixed = 8;  // type, protocol, length, ports
constexpr size_t kV4 = 4;
constexpr size_t kV6 = 16;

struct RawSelector {
  uint8_t type = 0;
  uint8_t protocol = 0;
  ByteSpan body;  // after the 4-byte selector header
};

DecodeResult<std::vector<RawSelector>> CheckShape(PayloadType t, ByteSpan payload) {
  ByteReader r(payload);
  uint8_t count = 0, reserved = 0;
  uint16_t reserved2 = 0;
  if (!r.ReadU8(&count) || !r.ReadU8(&reserved) || !r.ReadU16(&reserved2))
    return Malformed(t, "shorter than 4 bytes");
  if (count > kMaxTrafficSelectors) return Malformed(t, "too many selectors");
  std::vector<RawSelector> out;
  for (uint8_t i = 0; i < count; ++i) {
    uint16_t length = 0;
    RawSelector s;
    if (!r.ReadU8(&s.type) || !r.ReadU8(&s.protocol) || !r.ReadU16(&length))
      return Malformed(t, "selector header truncated");
    if (length < kSelectorFixed || !r.ReadSpan(length - kSelectorHeader, &s.body))
      return Malformed(t, "selector length " + std::to_string(length));
    out.push_back(s);
  }
  if (!r.empty()) return Malformed(t, "bytes after the last selector");
  return out;
}

}  // namespace

template <PayloadType T>
DecodeResult<TsPayloadOf<T>> DecodeTs(ByteSpan body) {
  auto shape = CheckShape(T, body);
  if (!shape.ok()) return std::move(shape).failure();
  TsPayloadOf<T> p;
  for (const RawSelector& raw : *shape) {
    size_t addr = raw.type == static_cast<uint8_t>(TsType::kIpv4AddrRange)   ? kV4
                  : raw.type == static_cast<uint8_t>(TsType::kIpv6AddrRange) ? kV6
                                                                             : 0;
    if (addr == 0) return Malformed(T, "TS type " + std::to_string(raw.type));
    if (raw.body.size() != kSelectorFixed - kSelectorHeader + 2 * addr)
      return Malformed(T, "selector length for its type");
    TrafficSelector ts;
    ts.ip_protocol = raw.protocol;
    ts.start_port = LoadBe16(raw.body.data());
    ts.end_port = LoadBe16(raw.body.data() + 2);
    ByteSpan a = raw.body.subspan(4);
    ts.start = *IpAddress::FromBytes(a.first(addr));
    ts.end = *IpAddress::FromBytes(a.subspan(addr, addr));
    p.selectors.push_back(ts);
  }
  return p;
}

template <PayloadType T>
Status EncodeBody(const TsPayloadOf<T>& p, ByteWriter& w) {
  if (p.selectors.size() > kMaxTrafficSelectors)
    return Status(Code::kInvalidArgument, "too many traffic selectors");
  w.U8(static_cast<uint8_t>(p.selectors.size()));
  w.U8(0);
  w.U16(0);
  for (const TrafficSelector& ts : p.selectors) {
    if (ts.start.family() != ts.end.family() || ts.start.is_none())
      return Status(Code::kInvalidArgument, "traffic selector of mixed or no family");
    bool v4 = ts.start.is_v4();
    w.U8(static_cast<uint8_t>(v4 ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange));
    w.U8(ts.ip_protocol);
    w.U16(static_cast<uint16_t>(kSelectorFixed + 2 * (v4 ? kV4 : kV6)));
    w.U16(ts.start_port);
    w.U16(ts.end_port);
    w.Append(ts.start.bytes());
    w.Append(ts.end.bytes());
  }
  return Status::Ok();
}

template DecodeResult<TsiPayload> DecodeTs<PayloadType::kTsi>(ByteSpan);
template DecodeResult<TsrPayload> DecodeTs<PayloadType::kTsr>(ByteSpan);
template Status EncodeBody<PayloadType::kTsi>(const TsiPayload&, ByteWriter&);
template Status EncodeBody<PayloadType::kTsr>(const TsrPayload&, ByteWriter&);

}  // namespace ikevpn::ike::codec
