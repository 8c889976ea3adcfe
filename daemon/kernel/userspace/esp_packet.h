// The ESP codec (RFC 4303), tunnel mode, in place on a PacketBuffer.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |               Security Parameters Index (SPI)                 |
//  |                      Sequence Number (low 32 bits)            |
//  |                    IV (8 bytes AEAD, 16 bytes CBC)            ~
//  ~                 Payload: the inner IPv4/IPv6 packet           ~
//  |               |     Padding 1, 2, 3, ... (0-255 bytes)        |
//  |                               |  Pad Length   | Next Header   |
//  ~                 ICV (integrity check value)                   ~
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Additional authenticated data (RFC 4106 §5, RFC 7634 §2.1): SPI || seq
// low, or SPI || seq high || seq low with ESN. For AES-CBC + HMAC the ICV
// covers SPI || seq low || IV || ciphertext || seq high (RFC 4303 §3.3.2.1),
// which Cipher gets as aad = header, aad_tail = seq high.
//
// This file only frames and checks; choosing the SA, the sequence number,
// the IV and replay protection are the caller's business (esp_engine.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/base/bytes.h"
#include "daemon/ike/crypto/cipher.h"
#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

inline constexpr size_t kEspHeaderSize = 8;   // SPI + sequence number
inline constexpr size_t kEspTrailerSize = 2;  // pad length + next header
// RFC 4303 §2.6 next header values that tunnel mode uses.
inline constexpr uint8_t kNextHeaderIpv4 = 4;
inline constexpr uint8_t kNextHeaderIpv6 = 41;
inline constexpr uint8_t kNextHeaderNone = 59;  // dummy packet (TFC)

// Why a packet was not sent or not delivered; also indexes the drop counters.
enum class EspError : uint8_t {
  kOk,
  kTooShort,       // shorter than header + IV + ICV, or not block aligned
  kNoRoom,         // the buffer lacks head- or tailroom (a bug)
  kNoSa,           // no SA for the SPI (inbound) or destination (outbound)
  kExpired,        // hard lifetime or sequence numbers exhausted
  kReplay,         // replayed or older than the window
  kAuthFailed,     // ICV mismatch
  kBadPadding,     // pad length too long or pad bytes not 1, 2, 3, ...
  kBadNextHeader,  // not IPv4/IPv6, or does not match the inner version
  kBadInner,       // inner IP header truncated or its length inconsistent
  kPolicy,         // inner addresses/ports outside the SA's selectors
  kDummy,          // next header 59: a dummy packet, dropped silently
  kCryptoError,    // the cipher failed for another reason
  kNoTun,          // no TUN device attached for the SA's if_id
  kNoSocket,       // no UDP socket of the peer's address family
  kCount,
};
std::string_view ToString(EspError e);

// Bytes the codec adds in front of the inner packet.
size_t EspHeadroom(const crypto::Cipher& cipher);
// The most bytes the codec adds behind the inner packet.
size_t EspMaxTailroom(const crypto::Cipher& cipher);

struct EspSealParams {
  uint32_t spi = 0;
  uint64_t seq = 0;  // full sequence number; the low 32 bits go on the wire
  bool esn = false;
  ByteSpan iv;       // cipher.iv_size() bytes
};

// Turns the inner IP packet in `pkt` into an ESP packet (SPI to ICV) in place.
// The next header is taken from the inner IP version. Needs
// EspHeadroom()/EspMaxTailroom() bytes around the packet.
EspError EspSeal(crypto::Cipher& cipher, const EspSealParams& params, PacketBuffer& pkt);

struct EspHeader {
  uint32_t spi = 0;
  uint32_t seq_lo = 0;
};
// Reads SPI and sequence number; false if the packet is too short.
bool ParseEspHeader(ByteSpan packet, EspHeader* out);

// Verifies and decrypts the ESP packet in `pkt` (SPI to ICV) in place; `seq`
// is the full sequence number the replay window inferred. Checks the length,
// the ICV, the padding (RFC 4303 §2.4: bytes 1, 2, 3, ...). On kOk, `pkt`
// holds the payload (the inner packet, possibly followed by TFC padding)
// and *next_header is set. A dummy packet gives kDummy.
EspError EspOpen(crypto::Cipher& cipher, uint64_t seq, bool esn, PacketBuffer& pkt,
                 uint8_t* next_header);

}  // namespace ikevpn::kernel::userspace
