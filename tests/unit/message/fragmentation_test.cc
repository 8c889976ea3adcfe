// RFC 7383: splitting into SKF fragments and reassembling them.
#include "daemon/ike/message/fragmentation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/ike/message/protection.h"
#include "tests/unit/message/fake_cipher.h"
#include "tests/unit/message/sample_messages.h"

namespace ikevpn::ike {
namespace {

using testing::FakeCipher;
using testing::Filled;
using testing::SampleHeader;

// A large IKE_AUTH: the sample plus a 3000-byte certificate.
Payloads BigAuth() {
  Payloads p = testing::SampleIkeAuthPayloads();
  p.insert(p.begin() + 1, CertPayload{CertEncoding::kX509Signature, Filled(3000, 1)});
  return p;
}

class FragmentTest : public ::testing::TestWithParam<FakeCipher::Shape> {
 protected:
  FragmentTest() : out_(9, GetParam()), in_(9, GetParam()) {}

  std::vector<Bytes> Split(const Payloads& inner, size_t max, uint32_t mid = 1) {
    auto chain = EncodePayloadChain(inner);
    EXPECT_TRUE(chain.ok());
    auto frags = SealFragments(SampleHeader(ExchangeType::kIkeAuth, mid), *chain, out_, rng_, max);
    EXPECT_TRUE(frags.ok()) << frags.status().ToString();
    return frags.ok() ? *frags : std::vector<Bytes>{};
  }
  Message Open(const Bytes& wire) {
    auto m = DecodeMessage(wire, &in_);
    EXPECT_TRUE(m.ok()) << m.failure().ToString();
    return m.ok() ? std::move(m).value() : Message{};
  }

  FakeCipher out_, in_;
  DeterministicRng rng_{5};
  FragmentReassembler reassembler_;
};

TEST_P(FragmentTest, SplitsWithinTheSizeAndReassemblesInOrder) {
  std::vector<Bytes> frags = Split(BigAuth(), 576);
  ASSERT_GT(frags.size(), 5u);
  for (size_t i = 0; i < frags.size(); ++i) {
    EXPECT_LE(frags[i].size(), 576u);
    auto h = ParseHeader(frags[i]);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->next_payload, PayloadType::kSkf);
    EXPECT_EQ(h->message_id, 1u);
    Message m = Open(frags[i]);
    ASSERT_TRUE(m.fragment.has_value());
    EXPECT_EQ(m.fragment->number, i + 1);
    EXPECT_EQ(m.fragment->total, frags.size());
    // Only fragment 1 names the first inner payload (§2.5).
    EXPECT_EQ(m.fragment->first_inner, i == 0 ? PayloadType::kIdi : PayloadType::kNone);
    auto r = reassembler_.Add(std::move(m));
    ASSERT_TRUE(r.ok()) << r.failure().ToString();
    if (i + 1 < frags.size()) {
      EXPECT_FALSE(r->has_value());
    } else {
      ASSERT_TRUE(r->has_value());
      EXPECT_EQ((*r)->payloads, BigAuth());
      EXPECT_TRUE((*r)->encrypted);
      EXPECT_TRUE(reassembler_.empty());
    }
  }
}

TEST_P(FragmentTest, OutOfOrderAndDuplicates) {
  std::vector<Bytes> frags = Split(BigAuth(), 700);
  ASSERT_GE(frags.size(), 4u);
  std::vector<size_t> order(frags.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;  // reversed
  std::optional<Message> done;
  for (size_t k = 0; k < order.size(); ++k) {
    auto r = reassembler_.Add(Open(frags[order[k]]));
    ASSERT_TRUE(r.ok());
    // Every fragment arrives twice; the duplicate is ignored.
    if (!r->has_value()) {
      auto dup = reassembler_.Add(Open(frags[order[k]]));
      ASSERT_TRUE(dup.ok());
      EXPECT_FALSE(dup->has_value());
    } else {
      done = std::move(**r);
    }
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->payloads, BigAuth());
}

TEST_P(FragmentTest, SingleFragmentAndEmptyChain) {
  std::vector<Bytes> frags = Split({}, 1280);
  ASSERT_EQ(frags.size(), 1u);
  auto r = reassembler_.Add(Open(frags[0]));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_TRUE((*r)->payloads.empty());
}

TEST_P(FragmentTest, LargerTotalRestartsSmallerTotalIsRejected) {
  std::vector<Bytes> coarse = Split(BigAuth(), 1400);
  std::vector<Bytes> fine = Split(BigAuth(), 600);
  ASSERT_LT(coarse.size(), fine.size());
  ASSERT_TRUE(reassembler_.Add(Open(coarse[0])).ok());
  // Re-fragmented with more fragments: the coarse fragment is discarded.
  ASSERT_TRUE(reassembler_.Add(Open(fine[1])).ok());
  EXPECT_EQ(reassembler_.held_bytes(), Open(fine[1]).fragment->plaintext.size());
  // A stale coarse fragment is rejected and does not disturb the fine set.
  auto stale = reassembler_.Add(Open(coarse[1]));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error(), DecodeError::kInvalidFragment);
  std::optional<Message> done;
  for (size_t i = 0; i < fine.size(); ++i) {
    if (i == 1) continue;
    auto r = reassembler_.Add(Open(fine[i]));
    ASSERT_TRUE(r.ok());
    if (r->has_value()) done = std::move(**r);
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->payloads, BigAuth());
}

TEST_P(FragmentTest, NewMessageIdDiscardsTheOldOne) {
  std::vector<Bytes> a = Split(BigAuth(), 700, 1);
  std::vector<Bytes> b = Split(testing::SampleIkeAuthPayloads(), 200, 2);
  ASSERT_TRUE(reassembler_.Add(Open(a[0])).ok());
  EXPECT_EQ(reassembler_.message_id(), 1u);
  std::optional<Message> done;
  for (const Bytes& f : b) {
    auto r = reassembler_.Add(Open(f));
    ASSERT_TRUE(r.ok());
    if (r->has_value()) done = std::move(**r);
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->header.message_id, 2u);
  EXPECT_EQ(done->payloads, testing::SampleIkeAuthPayloads());
}

TEST_P(FragmentTest, LimitsOnCountAndBytes) {
  // More fragments than the reassembler accepts.
  FragmentReassembler small({/*max_fragments=*/4, kMaxMessageSize});
  std::vector<Bytes> frags = Split(BigAuth(), 600);
  ASSERT_GT(frags.size(), 4u);
  auto r = small.Add(Open(frags[0]));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), DecodeError::kInvalidFragment);
  EXPECT_TRUE(small.empty());
  // More bytes than it holds.
  FragmentReassembler tight({kMaxFragments, 1000});
  auto st = tight.Add(Open(frags[0]));
  ASSERT_TRUE(st.ok());
  st = tight.Add(Open(frags[1]));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error(), DecodeError::kTooLarge);
  EXPECT_TRUE(tight.empty());
}

TEST_P(FragmentTest, SplitRefusesImpossibleSizes) {
  auto chain = EncodePayloadChain(BigAuth());
  ASSERT_TRUE(chain.ok());
  IkeHeader h = SampleHeader(ExchangeType::kIkeAuth, 1);
  EXPECT_FALSE(SealFragments(h, *chain, out_, rng_, 60).ok());
  // 3.4 KB in fragments of ~40 bytes of data would need more than 64.
  EXPECT_FALSE(SealFragments(h, *chain, out_, rng_, 110).ok());
}

TEST_P(FragmentTest, TamperedFragmentNeverReachesTheReassembler) {
  std::vector<Bytes> frags = Split(BigAuth(), 700);
  Bytes bad = frags[1];
  bad.back() ^= 1;
  auto m = DecodeMessage(bad, &in_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kIntegrityCheckFailed);
  // Fragment number and total are covered by the ICV too.
  Bytes renumbered = frags[1];
  renumbered[kIkeHeaderSize + 5] ^= 1;
  m = DecodeMessage(renumbered, &in_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), DecodeError::kIntegrityCheckFailed);
}

TEST(FragmentReassembler, RejectsNonFragmentsAndBadNumbers) {
  FragmentReassembler r;
  Message plain;
  EXPECT_EQ(r.Add(plain).error(), DecodeError::kInvalidFragment);
  Message zero;
  zero.fragment = Fragment{0, 3, PayloadType::kNone, {}};
  EXPECT_EQ(r.Add(zero).error(), DecodeError::kInvalidFragment);
  Message beyond;
  beyond.fragment = Fragment{4, 3, PayloadType::kNone, {}};
  EXPECT_EQ(r.Add(beyond).error(), DecodeError::kInvalidFragment);
  // A reassembled chain that is malformed is reported and discarded.
  Message only;
  only.fragment = Fragment{1, 1, PayloadType::kNonce, Bytes{0, 0, 0, 5, 1}};
  auto res = r.Add(only);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error(), DecodeError::kInvalidSyntax);
  EXPECT_TRUE(r.empty());
}

INSTANTIATE_TEST_SUITE_P(Shapes, FragmentTest,
                         ::testing::Values(FakeCipher::kAeadShape, FakeCipher::kCbcShape),
                         [](const auto& info) { return info.param.block == 1 ? "aead" : "cbc"; });

}  // namespace
}  // namespace ikevpn::ike
