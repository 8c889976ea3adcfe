// RFC 7296 §3.3: Security Association payload.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                          <Proposals>                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.3.1 Proposal Substructure
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |         Proposal Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SPI (variable)                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        <Transforms>                           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.3.2 Transform Substructure
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |        Transform Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Transform Type |   RESERVED    |          Transform ID         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Transform Attributes                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// §3.3.5 Transform Attributes
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |A|       Attribute Type        |    AF=0  Attribute Length     |
// |F|                             |    AF=1  Attribute Value      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   AF=0  Attribute Value                       |
// |                   AF=1  Not Transmitted                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <string>
#include <vector>

#include "daemon/ike/message/payload_codecs.h"

namespace ikevpn::ike::codec {
namespace {

constexpr PayloadType kSa = PayloadType::kSa;
constexpr uint8_t kLastSubstruc = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr size_t kProposalFixed = 8;
constexpr size_t kTransformFixed = 8;
constexpr size_t kAttributeFixed = 4;
constexpr size_t kIkeSpiSize = 8;
constexpr size_t kChildSpiSize = 4;

// The shape of an SA payload: every length and count checked, nothing
// interpreted. Views point into the payload body.
struct RawAttribute {
  bool tv = false;
  uint16_t type = 0;
  uint16_t tv_value = 0;
};
struct RawTransform {
  uint8_t type = 0;
  uint16_t id = 0;
  std::vector<RawAttribute> attributes;
};
struct RawProposal {
  uint8_t number = 0;
  uint8_t protocol = 0;
  ByteSpan spi;
  std::vector<RawTransform> transforms;
};

// Reads one substructure header "Last Substruc, RESERVED, Length" and splits
// off its body. `more` is the value that means "another one follows".
DecodeStatus ReadSubstructure(ByteReader& r, uint8_t more, size_t fixed, const char* what,
                              bool* last, ByteReader* sub) {
  uint8_t flag = 0, reserved = 0;
  uint16_t length = 0;
  if (!r.ReadU8(&flag) || !r.ReadU8(&reserved) || !r.ReadU16(&length))
    return Malformed(kSa, std::string(what) + " header truncated");
  if (flag != kLastSubstruc && flag != more)
    return Malformed(kSa, std::string(what) + " bad Last Substruc " + std::to_string(flag));
  if (length < fixed) return Malformed(kSa, std::string(what) + " length too small");
  if (!r.ReadSub(length - 4, sub)) return Malformed(kSa, std::string(what) + " length overruns");
  *last = flag == kLastSubstruc;
  // Last Substruc must agree with what follows (§3.3.1, §3.3.2).
  if (*last != r.empty()) return Malformed(kSa, std::string(what) + " Last Substruc disagrees");
  return DecodeOk();
}

DecodeResult<RawTransform> ReadTransform(ByteReader& r) {
  bool last = false;
  ByteReader t;
  auto st = ReadSubstructure(r, kMoreTransforms, kTransformFixed, "transform", &last, &t);
  if (!st.ok()) return std::move(st).failure();
  RawTransform raw;
  uint8_t reserved = 0;
  (void)(t.ReadU8(&raw.type) && t.ReadU8(&reserved) && t.ReadU16(&raw.id));
  while (!t.empty()) {
    if (raw.attributes.size() == kMaxTransformAttributes)
      return Malformed(kSa, "too many transform attributes");
    uint16_t type = 0, value = 0;
    if (!t.ReadU16(&type) || !t.ReadU16(&value)) return Malformed(kSa, "attribute truncated");
    RawAttribute a;
    a.tv = (type & kAttrFormatTv) != 0;
    a.type = type & ~kAttrFormatTv;
    if (a.tv) {
      a.tv_value = value;
    } else if (!t.Skip(value)) {  // TLV: value is the length
      return Malformed(kSa, "attribute length overruns");
    }
    raw.attributes.push_back(a);
  }
  return raw;
}

DecodeResult<RawProposal> ReadProposal(ByteReader& r) {
  bool last = false;
  ByteReader p;
  auto st = ReadSubstructure(r, kMoreProposals, kProposalFixed, "proposal", &last, &p);
  if (!st.ok()) return std::move(st).failure();
  RawProposal raw;
  uint8_t spi_size = 0, num_transforms = 0;
  (void)(p.ReadU8(&raw.number) && p.ReadU8(&raw.protocol) && p.ReadU8(&spi_size) &&
         p.ReadU8(&num_transforms));
  if (!p.ReadSpan(spi_size, &raw.spi)) return Malformed(kSa, "SPI overruns proposal");
  if (num_transforms > kMaxTransforms) return Malformed(kSa, "too many transforms");
  while (!p.empty()) {
    if (raw.transforms.size() == num_transforms)
      return Malformed(kSa, "more transforms than announced");
    auto t = ReadTransform(p);
    if (!t.ok()) return std::move(t).failure();
    raw.transforms.push_back(std::move(t).value());
  }
  if (raw.transforms.size() != num_transforms)
    return Malformed(kSa, "fewer transforms than announced");
  return raw;
}

DecodeResult<std::vector<RawProposal>> CheckShape(ByteSpan body) {
  ByteReader r(body);
  std::vector<RawProposal> out;
  if (r.empty()) return Malformed(kSa, "no proposals");
  while (!r.empty()) {
    if (out.size() == kMaxProposals) return Malformed(kSa, "too many proposals");
    auto p = ReadProposal(r);
    if (!p.ok()) return std::move(p).failure();
    out.push_back(std::move(p).value());
  }
  return out;
}

bool KnownTransformType(uint8_t t) {
  return t >= static_cast<uint8_t>(TransformType::kEncr) &&
         t <= static_cast<uint8_t>(TransformType::kEsn);
}

// §3.3.6: a transform with an attribute we do not understand is rejected
// (only Key Length, TV format, is defined).
std::optional<Transform> InterpretTransform(const RawTransform& raw) {
  Transform t{static_cast<TransformType>(raw.type), raw.id, 0};
  bool have_key_length = false;
  for (const RawAttribute& a : raw.attributes) {
    if (!a.tv || a.type != static_cast<uint16_t>(TransformAttr::kKeyLength) || have_key_length)
      return std::nullopt;
    have_key_length = true;
    t.key_length = a.tv_value;
  }
  return t;
}

}  // namespace

DecodeResult<SaPayload> DecodeSa(ByteSpan body) {
  auto shape = CheckShape(body);
  if (!shape.ok()) return std::move(shape).failure();
  SaPayload sa;
  for (const RawProposal& raw : *shape) {
    auto protocol = static_cast<ProtocolId>(raw.protocol);
    // A protocol we do not know makes the proposal unacceptable, not the message.
    if (protocol != ProtocolId::kIke && protocol != ProtocolId::kEsp && protocol != ProtocolId::kAh)
      continue;
    bool spi_ok = protocol == ProtocolId::kIke
                      ? raw.spi.empty() || raw.spi.size() == kIkeSpiSize
                      : raw.spi.size() == kChildSpiSize;
    if (!spi_ok) return Malformed(kSa, "SPI size " + std::to_string(raw.spi.size()) + " for " +
                                           std::string(ToString(protocol)));
    // §3.3.6: an unknown transform type makes the proposal unacceptable.
    bool acceptable = true;
    Proposal p{raw.number, protocol, Bytes(raw.spi.begin(), raw.spi.end()), {}};
    for (const RawTransform& rt : raw.transforms) {
      if (!KnownTransformType(rt.type)) {
        acceptable = false;
        break;
      }
      if (auto t = InterpretTransform(rt)) p.transforms.push_back(*t);
    }
    if (acceptable) sa.proposals.push_back(std::move(p));
  }
  return sa;
}

Status EncodeBody(const SaPayload& sa, ByteWriter& w) {
  if (sa.proposals.empty() || sa.proposals.size() > kMaxProposals)
    return Status(Code::kInvalidArgument, "SA: need 1.." + std::to_string(kMaxProposals) +
                                              " proposals");
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    if (p.transforms.size() > kMaxTransforms || p.spi.size() > 255)
      return Status(Code::kInvalidArgument, "SA: proposal too large");
    size_t start = w.size();
    w.U8(i + 1 == sa.proposals.size() ? kLastSubstruc : kMoreProposals);
    w.U8(0);
    w.U16(0);  // patched
    w.U8(p.number);
    w.U8(static_cast<uint8_t>(p.protocol));
    w.U8(static_cast<uint8_t>(p.spi.size()));
    w.U8(static_cast<uint8_t>(p.transforms.size()));
    w.Append(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      bool with_key_length = t.key_length != 0;
      w.U8(j + 1 == p.transforms.size() ? kLastSubstruc : kMoreTransforms);
      w.U8(0);
      w.U16(static_cast<uint16_t>(kTransformFixed + (with_key_length ? kAttributeFixed : 0)));
      w.U8(static_cast<uint8_t>(t.type));
      w.U8(0);
      w.U16(t.id);
      if (with_key_length) {
        w.U16(kAttrFormatTv | static_cast<uint16_t>(TransformAttr::kKeyLength));
        w.U16(t.key_length);
      }
    }
    size_t length = w.size() - start;
    if (length > 0xffff) return Status(Code::kInvalidArgument, "SA: proposal too long");
    w.PatchU16(start + 2, static_cast<uint16_t>(length));
  }
  return Status::Ok();
}

}  // namespace ikevpn::ike::codec
