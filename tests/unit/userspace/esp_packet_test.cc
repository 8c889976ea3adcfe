// ESP framing (RFC 4303 §2) byte by byte with a transparent cipher, round
// trips with every real transform, and the checks on inbound packets.
#include "daemon/kernel/userspace/esp_packet.h"

#include <gtest/gtest.h>

#include "tests/unit/userspace/test_util.h"

namespace ikevpn::kernel::userspace {
namespace {

using testing::FakeCipher;
using testing::MakeUdpPacket;
using testing::Slot;

constexpr uint32_t kSpi = 0x12345678;

Bytes Hex(std::string_view h) {
  Bytes b;
  EXPECT_TRUE(FromHex(h, &b));
  return b;
}

// AEAD framing: SPI | seq | IV (8) | payload | 1,2,.. | pad len | NH | ICV.
TEST(EspPacketTest, AeadFramingByteByByte) {
  FakeCipher cipher(/*aead=*/true, 8, 1, 16);
  Bytes inner = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 3);  // 31 bytes
  ASSERT_EQ(inner.size(), 31u);
  Slot slot(inner);
  Bytes iv = Hex("0000000000000007");
  ASSERT_EQ(EspSeal(cipher, {kSpi, 7, false, iv}, slot.pkt), EspError::kOk);

  // 31 + pad + 2 must be a multiple of 4: pad = 3.
  Bytes out = slot.bytes();
  ASSERT_EQ(out.size(), 8u + 8 + 31 + 3 + 2 + 16);
  EXPECT_EQ(ToHex({out.data(), 8}), "1234567800000007");
  EXPECT_EQ(ToHex({out.data() + 8, 8}), "0000000000000007");
  EXPECT_TRUE(std::equal(inner.begin(), inner.end(), out.begin() + 16));
  EXPECT_EQ(ToHex({out.data() + 47, 5}), "0102030304");  // padding, pad length 3, NH 4
  // AAD is SPI || seq; the cipher saw exactly the plaintext incl. trailer.
  EXPECT_EQ(ToHex(cipher.last_aad), "1234567800000007");
  EXPECT_TRUE(cipher.last_tail.empty());
  EXPECT_EQ(cipher.last_data.size(), 36u);
  // Deterministic: the same input gives the same bytes, ICV last.
  Slot check(inner);
  FakeCipher again(true, 8, 1, 16);
  ASSERT_EQ(EspSeal(again, {kSpi, 7, false, iv}, check.pkt), EspError::kOk);
  EXPECT_EQ(check.bytes(), out);
}

// RFC 4106 §5: with ESN the AAD is SPI || seq high || seq low; only the low
// half is on the wire.
TEST(EspPacketTest, AeadEsnAadCarriesHighBits) {
  FakeCipher cipher(true, 8, 1, 16);
  Slot slot(MakeUdpPacket("fd00::1", "fd00::2", 1, 2, 0));  // 48 bytes: pad 2
  uint64_t seq = 0x00000002'00000005;
  Bytes iv = Hex("0000000200000005");
  ASSERT_EQ(EspSeal(cipher, {kSpi, seq, true, iv}, slot.pkt), EspError::kOk);
  Bytes out = slot.bytes();
  EXPECT_EQ(ToHex({out.data(), 8}), "1234567800000005");
  EXPECT_EQ(ToHex(cipher.last_aad), "123456780000000200000005");
  EXPECT_EQ(ToHex({out.data() + 64, 4}), "01020229");  // pad 1,2; pad len 2; NH 41
}

// RFC 4303 §3.3.2.1: CBC + HMAC puts seq high behind the ciphertext.
TEST(EspPacketTest, CbcFramingAlignsToBlockAndAppendsSeqHigh) {
  FakeCipher cipher(false, 16, 16, 12);
  Bytes inner = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 12);  // 40 bytes
  Slot slot(inner);
  Bytes iv(16, 0xab);
  ASSERT_EQ(EspSeal(cipher, {kSpi, 0x1'00000001, true, iv}, slot.pkt), EspError::kOk);
  Bytes out = slot.bytes();
  // 40 + 6 + 2 = 48, a multiple of 16.
  ASSERT_EQ(out.size(), 8u + 16 + 48 + 12);
  EXPECT_EQ(ToHex({out.data() + 8 + 16 + 40, 8}), "0102030405060604");
  EXPECT_EQ(ToHex(cipher.last_aad), "1234567800000001");
  EXPECT_EQ(ToHex(cipher.last_tail), "00000001");
  EXPECT_EQ(cipher.last_iv, iv);
}

TEST(EspPacketTest, OpenChecksPadding) {
  // Build the plaintext by hand with pad bytes 1, 2, 4 and seal it directly.
  FakeCipher cipher(true, 8, 1, 16);
  std::vector<uint8_t> storage(512);
  PacketBuffer pkt;
  pkt.Reset(storage.data(), storage.size());
  Bytes inner = MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 3);
  Bytes plain = inner;
  for (uint8_t b : {1, 2, 4, 3, 4}) plain.push_back(b);
  uint8_t* p = pkt.data();
  StoreBe32(p, kSpi);
  StoreBe32(p + 4, 1);
  StoreBe64(p + 8, 1);
  std::copy(plain.begin(), plain.end(), p + 16);
  ASSERT_TRUE(cipher.Seal({p, 8}, {p + 8, 8}, {p + 16, plain.size()}, {p + 16 + plain.size(), 16})
                  .ok());
  pkt.length = 16 + plain.size() + 16;
  uint8_t nh = 0;
  EXPECT_EQ(EspOpen(cipher, 1, false, pkt, &nh), EspError::kBadPadding);

  // Pad length longer than the payload.
  plain.back() = 4;
  plain[plain.size() - 2] = 200;
  std::copy(plain.begin(), plain.end(), p + 16);
  ASSERT_TRUE(cipher.Seal({p, 8}, {p + 8, 8}, {p + 16, plain.size()}, {p + 16 + plain.size(), 16})
                  .ok());
  EXPECT_EQ(EspOpen(cipher, 1, false, pkt, &nh), EspError::kBadPadding);
}

TEST(EspPacketTest, OpenRejectsShortUnalignedAndTampered) {
  FakeCipher cipher(false, 16, 16, 12);
  Slot slot(MakeUdpPacket("10.0.0.1", "10.0.0.2", 1, 2, 100));
  ASSERT_EQ(EspSeal(cipher, {kSpi, 1, false, Bytes(16, 1)}, slot.pkt), EspError::kOk);
  uint8_t nh;
  PacketBuffer p = slot.pkt;
  p.length = 8 + 16 + 12;  // no ciphertext at all
  EXPECT_EQ(EspOpen(cipher, 1, false, p, &nh), EspError::kTooShort);
  p = slot.pkt;
  p.length -= 1;  // ciphertext not a multiple of 16
  EXPECT_EQ(EspOpen(cipher, 1, false, p, &nh), EspError::kTooShort);
  p = slot.pkt;
  p.data()[30] ^= 1;
  EXPECT_EQ(EspOpen(cipher, 1, false, p, &nh), EspError::kAuthFailed);
  p.data()[30] ^= 1;
  EXPECT_EQ(EspOpen(cipher, 2, true, p, &nh), EspError::kAuthFailed);  // wrong seq high
  EXPECT_EQ(EspOpen(cipher, 1, false, p, &nh), EspError::kOk);
  EXPECT_EQ(nh, kNextHeaderIpv4);
}

TEST(EspPacketTest, DummyPacketIsReported) {
  FakeCipher cipher(true, 8, 1, 16);
  std::vector<uint8_t> storage(256);
  PacketBuffer pkt;
  pkt.Reset(storage.data(), storage.size());
  uint8_t* p = pkt.data();
  StoreBe32(p, kSpi);
  StoreBe32(p + 4, 1);
  Bytes plain = {0xde, 0xad, 0, kNextHeaderNone};
  std::copy(plain.begin(), plain.end(), p + 16);
  ASSERT_TRUE(cipher.Seal({p, 8}, {p + 8, 8}, {p + 16, 4}, {p + 20, 16}).ok());
  pkt.length = 36;
  uint8_t nh;
  EXPECT_EQ(EspOpen(cipher, 1, false, pkt, &nh), EspError::kDummy);
}

class EspRoundTripTest : public ::testing::TestWithParam<testing::Algorithm> {};

TEST_P(EspRoundTripTest, SealThenOpenEveryLengthAndFamily) {
  auto sender = testing::MakeCipher(GetParam(), 1);
  auto receiver = testing::MakeCipher(GetParam(), 1);
  for (bool esn : {false, true}) {
    for (const char* family : {"v4", "v6"}) {
      for (size_t len : {0, 1, 2, 3, 15, 16, 17, 100, 1372}) {
        bool v4 = family[1] == '4';
        Bytes inner = v4 ? MakeUdpPacket("10.1.0.1", "10.2.0.1", 5, 6, len)
                         : MakeUdpPacket("fd00::1", "fd00::2", 5, 6, len);
        Slot slot(inner);
        uint64_t seq = esn ? 0x3'00000010 + len : 10 + len;
        uint8_t iv_bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ByteSpan iv{iv_bytes, sender->iv_size()};
        ASSERT_EQ(EspSeal(*sender, {kSpi, seq, esn, iv}, slot.pkt), EspError::kOk);
        EXPECT_LE(slot.pkt.length - inner.size(), EspHeadroom(*sender) + EspMaxTailroom(*sender));
        EXPECT_EQ((slot.pkt.length - EspHeadroom(*sender) - sender->icv_size()) %
                      std::max<size_t>(4, sender->block_size()),
                  0u);
        EspHeader h;
        ASSERT_TRUE(ParseEspHeader(slot.pkt.span(), &h));
        EXPECT_EQ(h.spi, kSpi);
        EXPECT_EQ(h.seq_lo, static_cast<uint32_t>(seq));
        uint8_t nh = 0;
        ASSERT_EQ(EspOpen(*receiver, seq, esn, slot.pkt, &nh), EspError::kOk)
            << GetParam().name << " len " << len;
        EXPECT_EQ(nh, v4 ? kNextHeaderIpv4 : kNextHeaderIpv6);
        EXPECT_EQ(slot.bytes(), inner);
      }
    }
  }
}

TEST_P(EspRoundTripTest, WrongKeyFailsAuthentication) {
  auto sender = testing::MakeCipher(GetParam(), 1);
  auto receiver = testing::MakeCipher(GetParam(), 2);
  Slot slot(MakeUdpPacket("10.1.0.1", "10.2.0.1", 5, 6, 64));
  Bytes iv(sender->iv_size(), 9);
  ASSERT_EQ(EspSeal(*sender, {kSpi, 1, false, iv}, slot.pkt), EspError::kOk);
  uint8_t nh;
  EXPECT_EQ(EspOpen(*receiver, 1, false, slot.pkt, &nh), EspError::kAuthFailed);
}

// The real AEAD output is exactly Cipher::Seal over the ESP framing: header
// as AAD, the IV, payload + trailer encrypted, the tag last.
TEST_P(EspRoundTripTest, MatchesCipherSealOverTheFraming) {
  auto esp = testing::MakeCipher(GetParam(), 3);
  auto direct = testing::MakeCipher(GetParam(), 3);
  Bytes inner = MakeUdpPacket("10.1.0.1", "10.2.0.1", 5, 6, 21);
  Slot slot(inner);
  Bytes iv(esp->iv_size(), 0x42);
  ASSERT_EQ(EspSeal(*esp, {kSpi, 0x1'00000009, true, iv}, slot.pkt), EspError::kOk);

  size_t align = std::max<size_t>(4, esp->block_size());
  size_t pad = (align - (inner.size() + 2) % align) % align;
  Bytes plain = inner;
  for (size_t i = 1; i <= pad; ++i) plain.push_back(static_cast<uint8_t>(i));
  plain.push_back(static_cast<uint8_t>(pad));
  plain.push_back(kNextHeaderIpv4);
  Bytes header = Hex("1234567800000009");
  Bytes icv(esp->icv_size());
  Bytes aad = esp->aead() ? Hex("123456780000000100000009") : header;
  Bytes tail = esp->aead() ? Bytes{} : Hex("00000001");
  ASSERT_TRUE(direct->Seal(aad, iv, plain, icv, tail).ok());
  Bytes expected = header;
  expected.insert(expected.end(), iv.begin(), iv.end());
  expected.insert(expected.end(), plain.begin(), plain.end());
  expected.insert(expected.end(), icv.begin(), icv.end());
  EXPECT_EQ(ToHex(slot.bytes()), ToHex(expected));
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, EspRoundTripTest,
                         ::testing::ValuesIn(testing::AllAlgorithms()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ikevpn::kernel::userspace
