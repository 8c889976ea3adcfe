// LeaseRegistry: persistence under the state directory, corrupt files.
#include "daemon/pool/lease_registry.h"

#include <gtest/gtest.h>

#include "daemon/base/atomic_file.h"
#include "daemon/config/values.h"
#include "tests/unit/temp_dir.h"

namespace ikevpn::pool {
namespace {

using F = IpAddress::Family;

std::shared_ptr<const config::Connection> Rw(const std::string& name, const std::string& pools) {
  config::Connection c;
  c.name = name;
  c.pools = *config::ParsePools(pools);
  return std::make_shared<const config::Connection>(std::move(c));
}

class LeaseRegistryTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_{"ikevpn-lease"};
  std::string dir_ = tmp_.path(), path_ = dir_ + "/leases.txt";
};

TEST_F(LeaseRegistryTest, LeasesSurviveARestart) {
  IpAddress alice, bob;
  {
    LeaseRegistry r(path_);
    ASSERT_TRUE(r.Load().ok());
    r.Configure({Rw("rw", "10.10.0.0/24, fd00:10::/120")});
    alice = *r.Acquire("rw", "C=CH, O=Org, CN=alice\twith\ttabs\nand newline", F::kV4, 1, 100);
    bob = *r.Acquire("rw", "@bob", F::kV4, 2, 100);
    ASSERT_TRUE(r.Acquire("rw", "@bob", F::kV6, 2, 100).ok());
    // Killed here (no Release): the file already holds all three.
  }
  LeaseRegistry r(path_);
  ASSERT_TRUE(r.Load().ok());
  r.Configure({Rw("rw", "10.10.0.0/24, fd00:10::/120")});
  EXPECT_EQ(r.Leases("rw").size(), 3u);
  // A newcomer first: it must not get a remembered address.
  IpAddress carol = *r.Acquire("rw", "@carol", F::kV4, 3, 200);
  EXPECT_NE(carol, alice);
  EXPECT_NE(carol, bob);
  EXPECT_EQ(*r.Acquire("rw", "@bob", F::kV4, 4, 200), bob);
  EXPECT_EQ(*r.Acquire("rw", "C=CH, O=Org, CN=alice\twith\ttabs\nand newline", F::kV4, 5, 200), alice);
}

TEST_F(LeaseRegistryTest, CorruptFileIsAFreshStartNotACrash) {
  for (const char* junk : {"garbage\n", "# ikevpn address leases v1\nrw\t10.10.0.5\n",
                           "# ikevpn address leases v1\nrw\tnot-an-ip\t1\t@a\n",
                           "# ikevpn address leases v1\nrw\t10.10.0.5\t1\t@a",  // torn: no newline
                           "# ikevpn address leases v1\nrw\t10.10.0.5\tx\t@a\n",
                           "# ikevpn address leases v1\nrw\t10.10.0.5\t1\t@a\\q\n"}) {
    ASSERT_TRUE(WriteFileAtomically(path_, junk).ok());
    LeaseRegistry r(path_);
    Status s = r.Load();
    EXPECT_FALSE(s.ok()) << junk;
    EXPECT_NE(s.message().find(path_ + ":"), std::string::npos) << s.ToString();
    r.Configure({Rw("rw", "10.10.0.0/24")});
    EXPECT_TRUE(r.Leases("rw").empty());
    EXPECT_TRUE(r.Acquire("rw", "@a", F::kV4, 1, 0).ok());
  }
  // The fresh state replaced the corrupt file.
  LeaseRegistry again(path_);
  EXPECT_TRUE(again.Load().ok());
}

TEST_F(LeaseRegistryTest, LineNumberOfTheBadLine) {
  auto p = LeaseRegistry::Parse("# ikevpn address leases v1\nrw\t10.10.0.5\t1\t@a\nrw\t10.10.0.6\t1\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("3: ", 0), 0u) << p.status().message();
}

TEST_F(LeaseRegistryTest, LeasesOfARemovedConnectionAreKept) {
  LeaseRegistry r(path_);
  r.Configure({Rw("rw", "10.10.0.0/24")});
  IpAddress a = *r.Acquire("rw", "@a", F::kV4, 1, 0);
  r.Configure({});
  r.Configure({Rw("rw", "10.10.0.0/24")});
  EXPECT_EQ(*r.Acquire("rw", "@a", F::kV4, 2, 0), a);
  // A changed pool keeps only the leases that still fit.
  r.Configure({Rw("rw", "10.20.0.0/24")});
  EXPECT_TRUE(r.Leases("rw").empty());
}

TEST_F(LeaseRegistryTest, UnwritableStateDirIsLoggedNotFatal) {
  LeaseRegistry r(dir_ + "/missing/leases.txt");
  r.Configure({Rw("rw", "10.10.0.0/24")});
  EXPECT_TRUE(r.Acquire("rw", "@a", F::kV4, 1, 0).ok());
}

}  // namespace
}  // namespace ikevpn::pool
