#include "tests/unit/userspace/test_util.h"

#include <algorithm>
#include <cassert>

namespace ikevpn::kernel::userspace::testing {

IpAddress Ip(const std::string& text) { return *IpAddress::Parse(text); }
TrafficSelector Ts(const std::string& prefix) { return *TrafficSelector::Parse(prefix); }

Bytes MakeUdpPacket(const std::string& src, const std::string& dst, uint16_t sport,
                    uint16_t dport, size_t payload) {
  IpAddress s = Ip(src), d = Ip(dst);
  size_t ip_header = s.is_v4() ? 20 : 40;
  Bytes p(ip_header + 8 + payload, 0);
  if (s.is_v4()) {
    p[0] = 0x45;
    StoreBe16(&p[2], static_cast<uint16_t>(p.size()));
    p[8] = 64;
    p[9] = 17;
    std::copy(s.bytes().begin(), s.bytes().end(), &p[12]);
    std::copy(d.bytes().begin(), d.bytes().end(), &p[16]);
  } else {
    p[0] = 0x60;
    StoreBe16(&p[4], static_cast<uint16_t>(p.size() - 40));
    p[6] = 17;
    p[7] = 64;
    std::copy(s.bytes().begin(), s.bytes().end(), &p[8]);
    std::copy(d.bytes().begin(), d.bytes().end(), &p[24]);
  }
  StoreBe16(&p[ip_header], sport);
  StoreBe16(&p[ip_header + 2], dport);
  StoreBe16(&p[ip_header + 4], static_cast<uint16_t>(8 + payload));
  for (size_t i = 0; i < payload; ++i) p[ip_header + 8 + i] = static_cast<uint8_t>(i * 7);
  return p;
}

Slot::Slot(ByteSpan packet) {
  pkt.Reset(storage.data(), storage.size());
  std::copy(packet.begin(), packet.end(), pkt.data());
  pkt.length = packet.size();
}

std::vector<Algorithm> AllAlgorithms() {
  return {
      {"aes128gcm16", ike::EncrId::kAesGcm16, 128, ike::IntegId::kNone},
      {"aes256gcm16", ike::EncrId::kAesGcm16, 256, ike::IntegId::kNone},
      {"chacha20poly1305", ike::EncrId::kChaCha20Poly1305, 256, ike::IntegId::kNone},
      {"aes128cbc_sha256", ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128},
      {"aes256cbc_sha256", ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_256_128},
      {"aes256cbc_sha384", ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_384_192},
      {"aes256cbc_sha512", ike::EncrId::kAesCbc, 256, ike::IntegId::kHmacSha2_512_256},
  };
}

namespace {

SecretBytes KeyBytes(size_t n, uint8_t seed) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.data()[i] = static_cast<uint8_t>(seed * 31 + i);
  return k;
}

}  // namespace

SaData MakeSaData(const Algorithm& alg, uint8_t seed, bool inbound, bool esn) {
  SaData d;
  d.inbound = inbound;
  d.reqid = 1;
  d.encr = alg.encr;
  d.encr_key_bits = alg.key_bits;
  d.integ = alg.integ;
  crypto::CipherSpec spec{alg.encr, alg.key_bits, alg.integ};
  d.encr_key = KeyBytes(*crypto::Cipher::EncrKeySize(spec), seed);
  if (alg.integ != ike::IntegId::kNone) {
    d.integ_key = KeyBytes(*crypto::Cipher::IntegKeySize(alg.integ), seed + 100);
  }
  d.esn = esn;
  d.encap = UdpEncap{};
  return d;
}

std::unique_ptr<crypto::Cipher> MakeCipher(const Algorithm& alg, uint8_t seed) {
  SaData d = MakeSaData(alg, seed, false);
  auto c = crypto::Cipher::Create({alg.encr, alg.key_bits, alg.integ}, d.encr_key, d.integ_key);
  assert(c.ok());
  return std::move(c).value();
}

void FakeCipher::Icv(ByteSpan aad, ByteSpan iv, ByteSpan data, ByteSpan tail, uint8_t* out) const {
  uint64_t h = 1469598103934665603ull;
  for (ByteSpan part : {aad, iv, data, tail}) {
    for (uint8_t b : part) h = (h ^ b) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // part boundary
  }
  for (size_t i = 0; i < icv_; ++i) out[i] = static_cast<uint8_t>(h >> (8 * (i % 8)));
}

Status FakeCipher::Seal(ByteSpan aad, ByteSpan iv, MutableByteSpan data, MutableByteSpan icv,
                        ByteSpan aad_tail) {
  last_aad.assign(aad.begin(), aad.end());
  last_iv.assign(iv.begin(), iv.end());
  last_data.assign(data.begin(), data.end());
  last_tail.assign(aad_tail.begin(), aad_tail.end());
  Icv(aad, iv, data, aad_tail, icv.data());
  return Status::Ok();
}

Status FakeCipher::Open(ByteSpan aad, ByteSpan iv, MutableByteSpan data, ByteSpan icv,
                        ByteSpan aad_tail) {
  last_aad.assign(aad.begin(), aad.end());
  last_tail.assign(aad_tail.begin(), aad_tail.end());
  Bytes expect(icv_);
  Icv(aad, iv, data, aad_tail, expect.data());
  if (!std::equal(expect.begin(), expect.end(), icv.begin(), icv.end())) {
    return Status(Code::kAuthFailed, "fake ICV mismatch");
  }
  return Status::Ok();
}

}  // namespace ikevpn::kernel::userspace::testing
