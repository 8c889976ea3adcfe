#include "daemon/inertia/peer_file.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/unit/inertia/test_records.h"

namespace ikevpn::inertia {
namespace {

std::vector<PeerRecord> Samples() {
  std::vector<PeerRecord> v;
  for (int i = 1; i <= 5; ++i) v.push_back(SamplePeer(i, i % 3 == 0));
  // Any bytes in names and identities (a DN with spaces, a newline).
  PeerRecord odd = SamplePeer(6);
  odd.connection = "road warriors\n";
  odd.id_type = 9;  // ID_DER_ASN1_DN
  odd.id_text = "C=CH, O=Org, CN=x y";
  odd.id_data = {0x30, 0x00, 0x20, 0x0a};
  odd.address = Endpoint{*IpAddress::Parse("2001:db8::7"), 4500};
  odd.virtual_ip = IpAddress::Parse("fd00::7");
  v.push_back(odd);
  return v;
}

TEST(PeerFileTest, RoundTrips) {
  const auto peers = Samples();
  const std::string text = EncodePeerFile(peers);
  auto back = ParsePeerFile(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, peers);
}

TEST(PeerFileTest, EmptyStoreRoundTrips) {
  auto back = ParsePeerFile(EncodePeerFile({}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->empty());
}

TEST(PeerFileTest, EveryTruncationIsRejected) {
  const std::string text = EncodePeerFile(Samples());
  for (size_t n = 0; n < text.size(); ++n) {
    auto r = ParsePeerFile(std::string_view(text).substr(0, n));
    EXPECT_FALSE(r.ok()) << "a file cut at " << n << " of " << text.size() << " bytes was accepted";
  }
}

TEST(PeerFileTest, ErrorsNameTheLine) {
  std::string text = EncodePeerFile(Samples());
  text.replace(text.find("peer"), 4, "pear");
  auto r = ParsePeerFile(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 2: unknown record \"pear\""), std::string::npos)
      << r.status().message();
  EXPECT_NE(ParsePeerFile("something else\n").status().message().find("line 1: not an ikevpn inertia file"),
            std::string::npos);
  EXPECT_NE(ParsePeerFile("").status().message().find("empty file"), std::string::npos);
}

TEST(PeerFileTest, ChecksumCatchesAChangedField) {
  std::string text = EncodePeerFile(Samples());
  size_t at = text.find(" 192.0.2.1 ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, " 192.0.2.9 ");  // still a valid record, but not what was written
  auto r = ParsePeerFile(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("checksum mismatch"), std::string::npos) << r.status().message();
}

TEST(PeerFileTest, RejectsBadFieldsWithAReason) {
  // Valid framing (count and checksum recomputed by hand would be needed to
  // reach the field checks); field errors surface before the end line.
  const char* bad[] = {
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1 0 0 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1 500 2 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 300.0.2.1 500 0 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 0 6162 6162 192.0.2.1 500 0 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6x62 6162 192.0.2.1 500 0 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer - 2 6162 6162 192.0.2.1 500 0 - 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1 500 0 10.0.0.300 1\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1 500 0 - -5\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1 500 0 -\nend 1 0000000000000000\n",
      "ikevpn-inertia 1\npeer 7277 2 6162 6162 192.0.2.1  500 0 - 1\nend 1 0000000000000000\n",
  };
  for (const char* t : bad) {
    auto r = ParsePeerFile(t);
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_NE(r.status().message().find("line 2:"), std::string::npos) << r.status().message();
  }
}

TEST(PeerFileTest, RejectsDataAfterTheEnd) {
  std::string text = EncodePeerFile(Samples()) + "peer x\n";
  EXPECT_FALSE(ParsePeerFile(text).ok());
}

// Fuzz-like: random byte flips, insertions and deletions never crash the
// parser, and a mutated file is only accepted if it still says the same.
TEST(PeerFileTest, MutationsNeverCrashOrChangeTheMeaning) {
  const auto peers = Samples();
  const std::string good = EncodePeerFile(peers);
  std::mt19937 rng(7);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string m = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0: m[at] = static_cast<char>(rng()); break;
        case 1: m.insert(m.begin() + static_cast<long>(at), static_cast<char>(rng())); break;
        default: m.erase(at, 1 + rng() % 8); break;
      }
      if (m.empty()) m = "x";
    }
    auto r = ParsePeerFile(m);
    if (r.ok()) {
      ++accepted;
      EXPECT_EQ(*r, peers) << "a damaged file was read as different peers";
    }
  }
  EXPECT_LT(accepted, 100);  // only edits that cancel out (e.g. flip to the same byte)
}

}  // namespace
}  // namespace ikevpn::inertia
