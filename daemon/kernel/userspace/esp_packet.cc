#include "daemon/kernel/userspace/esp_packet.h"

#include <array>

namespace ikevpn::kernel::userspace {

std::string_view ToString(EspError e) {
  switch (e) {
    case EspError::kOk: return "ok";
    case EspError::kTooShort: return "too short";
    case EspError::kNoRoom: return "no room";
    case EspError::kNoSa: return "no SA";
    case EspError::kExpired: return "SA expired";
    case EspError::kReplay: return "replay";
    case EspError::kAuthFailed: return "ICV mismatch";
    case EspError::kBadPadding: return "bad padding";
    case EspError::kBadNextHeader: return "bad next header";
    case EspError::kBadInner: return "bad inner packet";
    case EspError::kPolicy: return "outside traffic selectors";
    case EspError::kDummy: return "dummy packet";
    case EspError::kCryptoError: return "crypto error";
    case EspError::kNoTun: return "no TUN device";
    case EspError::kNoSocket: return "no UDP socket";
    case EspError::kCount: return "count";
  }
  return "unknown";
}

namespace {

size_t Alignment(const crypto::Cipher& cipher) {
  // RFC 4303 §2.4: the ciphertext is a multiple of the block size, and pad
  // length/next header end on a 4-byte boundary.
  return cipher.block_size() < 4 ? 4 : cipher.block_size();
}

// The AAD of an AEAD transform (RFC 4106 §5): SPI || [seq hi ||] seq lo.
// For CBC + HMAC the header itself is the AAD and seq hi goes behind.
struct Aad {
  std::array<uint8_t, 12> esn_aad{};
  std::array<uint8_t, 4> tail{};
  ByteSpan aad;
  ByteSpan aad_tail;
};

void BuildAad(const crypto::Cipher& cipher, const uint8_t* header, uint64_t seq, bool esn,
              Aad* out) {
  if (!esn) {
    out->aad = {header, kEspHeaderSize};
    return;
  }
  uint32_t hi = static_cast<uint32_t>(seq >> 32);
  if (cipher.aead()) {
    std::copy(header, header + 4, out->esn_aad.begin());
    StoreBe32(out->esn_aad.data() + 4, hi);
    std::copy(header + 4, header + 8, out->esn_aad.begin() + 8);
    out->aad = {out->esn_aad.data(), out->esn_aad.size()};
  } else {
    out->aad = {header, kEspHeaderSize};
    StoreBe32(out->tail.data(), hi);
    out->aad_tail = {out->tail.data(), out->tail.size()};
  }
}

}  // namespace

size_t EspHeadroom(const crypto::Cipher& cipher) { return kEspHeaderSize + cipher.iv_size(); }

size_t EspMaxTailroom(const crypto::Cipher& cipher) {
  return Alignment(cipher) - 1 + kEspTrailerSize + cipher.icv_size();
}

EspError EspSeal(crypto::Cipher& cipher, const EspSealParams& params, PacketBuffer& pkt) {
  if (pkt.length == 0) return EspError::kBadInner;
  uint8_t version = pkt.data()[0] >> 4;
  uint8_t next_header = version == 4 ? kNextHeaderIpv4 : version == 6 ? kNextHeaderIpv6 : 0;
  if (next_header == 0) return EspError::kBadNextHeader;
  size_t iv_size = cipher.iv_size();
  if (params.iv.size() != iv_size) return EspError::kCryptoError;
  size_t head = EspHeadroom(cipher);
  size_t align = Alignment(cipher);
  size_t pad = (align - (pkt.length + kEspTrailerSize) % align) % align;
  size_t icv_size = cipher.icv_size();
  if (pkt.headroom() < head || pkt.tailroom() < pad + kEspTrailerSize + icv_size) {
    return EspError::kNoRoom;
  }
  // Trailer: padding 1, 2, 3, ... then pad length and next header.
  uint8_t* tail = pkt.data() + pkt.length;
  for (size_t i = 0; i < pad; ++i) tail[i] = static_cast<uint8_t>(i + 1);
  tail[pad] = static_cast<uint8_t>(pad);
  tail[pad + 1] = next_header;
  size_t plain_len = pkt.length + pad + kEspTrailerSize;

  pkt.offset -= head;
  pkt.length = head + plain_len + icv_size;
  uint8_t* header = pkt.data();
  StoreBe32(header, params.spi);
  StoreBe32(header + 4, static_cast<uint32_t>(params.seq));
  std::copy(params.iv.begin(), params.iv.end(), header + kEspHeaderSize);

  Aad aad;
  BuildAad(cipher, header, params.seq, params.esn, &aad);
  Status st = cipher.Seal(aad.aad, {header + kEspHeaderSize, iv_size},
                          {header + head, plain_len}, {header + head + plain_len, icv_size},
                          aad.aad_tail);
  return st.ok() ? EspError::kOk : EspError::kCryptoError;
}

bool ParseEspHeader(ByteSpan packet, EspHeader* out) {
  if (packet.size() < kEspHeaderSize) return false;
  out->spi = LoadBe32(packet.data());
  out->seq_lo = LoadBe32(packet.data() + 4);
  return true;
}

EspError EspOpen(crypto::Cipher& cipher, uint64_t seq, bool esn, PacketBuffer& pkt,
                 uint8_t* next_header) {
  size_t head = EspHeadroom(cipher);
  size_t icv_size = cipher.icv_size();
  if (pkt.length < head + kEspTrailerSize + icv_size) return EspError::kTooShort;
  size_t ct_len = pkt.length - head - icv_size;
  if (ct_len % Alignment(cipher) != 0) return EspError::kTooShort;

  uint8_t* header = pkt.data();
  Aad aad;
  BuildAad(cipher, header, seq, esn, &aad);
  Status st = cipher.Open(aad.aad, {header + kEspHeaderSize, cipher.iv_size()},
                          {header + head, ct_len}, {header + head + ct_len, icv_size},
                          aad.aad_tail);
  if (!st.ok()) {
    return st.code() == Code::kAuthFailed ? EspError::kAuthFailed : EspError::kCryptoError;
  }
  const uint8_t* plain = header + head;
  uint8_t pad = plain[ct_len - 2];
  uint8_t nh = plain[ct_len - 1];
  if (size_t{pad} + kEspTrailerSize > ct_len) return EspError::kBadPadding;
  const uint8_t* pad_bytes = plain + ct_len - kEspTrailerSize - pad;
  for (size_t i = 0; i < pad; ++i) {
    if (pad_bytes[i] != static_cast<uint8_t>(i + 1)) return EspError::kBadPadding;
  }
  if (nh == kNextHeaderNone) return EspError::kDummy;
  pkt.offset += head;
  pkt.length = ct_len - kEspTrailerSize - pad;
  *next_header = nh;
  return EspError::kOk;
}

}  // namespace ikevpn::kernel::userspace
