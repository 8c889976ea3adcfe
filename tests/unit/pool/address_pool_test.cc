// AddressPool: allocation, stable leases per identity, exhaustion.
#include "daemon/pool/address_pool.h"

#include <gtest/gtest.h>

namespace ikevpn::pool {
namespace {

using F = IpAddress::Family;

config::AddressRange Range(const char* first, const char* last) {
  return {*IpAddress::Parse(first), *IpAddress::Parse(last)};
}
IpAddress Ip(const char* s) { return *IpAddress::Parse(s); }

TEST(AddressPool, CidrSkipsNetworkAndBroadcast) {
  AddressPool pool({Range("10.10.0.0", "10.10.0.255")});
  EXPECT_EQ(*pool.Acquire("@0", F::kV4, 1, 100), Ip("10.10.0.1"));
  for (int i = 1; i < 254; ++i) ASSERT_TRUE(pool.Acquire("@" + std::to_string(i), F::kV4, i + 1, 100).ok()) << i;
  // .0 and .255 (broadcast) are never handed out: the pool is full.
  auto c = pool.Acquire("@last", F::kV4, 1000, 100);
  EXPECT_EQ(c.status().code(), Code::kRetry) << c.status().ToString();
  EXPECT_FALSE(pool.Contains(Ip("10.10.0.255")));
  EXPECT_FALSE(pool.Contains(Ip("10.10.0.0")));
}

TEST(AddressPool, RangeHandsOutEveryAddressInOrder) {
  AddressPool pool({Range("10.10.0.10", "10.10.0.12")});
  EXPECT_EQ(*pool.Acquire("@a", F::kV4, 1, 0), Ip("10.10.0.10"));
  EXPECT_EQ(*pool.Acquire("@b", F::kV4, 2, 0), Ip("10.10.0.11"));
  EXPECT_EQ(*pool.Acquire("@c", F::kV4, 3, 0), Ip("10.10.0.12"));
  EXPECT_FALSE(pool.Acquire("@d", F::kV4, 4, 0).ok());
}

TEST(AddressPool, ExcludedAddressesAreSkipped) {
  AddressPool pool({Range("10.10.0.0", "10.10.0.255")}, {Ip("10.10.0.1")});
  EXPECT_EQ(*pool.Acquire("@a", F::kV4, 1, 0), Ip("10.10.0.2"));
}

TEST(AddressPool, SameIdentityGetsItsAddressBack) {
  AddressPool pool({Range("10.10.0.0", "10.10.0.255")});
  IpAddress a = *pool.Acquire("@alice", F::kV4, 1, 10);
  IpAddress b = *pool.Acquire("@bob", F::kV4, 2, 10);
  EXPECT_NE(a, b);
  EXPECT_EQ(pool.Release("@alice", 1, 20), std::vector<IpAddress>{a});
  EXPECT_EQ(pool.online(), 1u);
  // A newcomer does not get alice's reserved address while others are free.
  EXPECT_NE(*pool.Acquire("@carol", F::kV4, 3, 30), a);
  EXPECT_EQ(*pool.Acquire("@alice", F::kV4, 4, 40), a);
}

TEST(AddressPool, NewSaOfSameIdentityTakesTheLeaseOver) {
  AddressPool pool({Range("10.10.0.0", "10.10.0.255")});
  IpAddress a = *pool.Acquire("@alice", F::kV4, 1, 10);
  EXPECT_EQ(*pool.Acquire("@alice", F::kV4, 2, 11), a);
  // The old SA going away releases nothing: SA 2 holds the lease now.
  EXPECT_TRUE(pool.Release("@alice", 1, 12).empty());
  EXPECT_EQ(pool.online(), 1u);
  EXPECT_EQ(pool.Release("@alice", 2, 13), std::vector<IpAddress>{a});
}

TEST(AddressPool, FullPoolReusesTheOldestReservedLease) {
  AddressPool pool({Range("10.10.0.10", "10.10.0.11")});
  IpAddress a = *pool.Acquire("@a", F::kV4, 1, 10);
  IpAddress b = *pool.Acquire("@b", F::kV4, 2, 10);
  pool.Release("@b", 2, 20);
  pool.Release("@a", 1, 30);
  // Full: @b's reservation is the oldest, so @c gets b's address.
  EXPECT_EQ(*pool.Acquire("@c", F::kV4, 3, 40), b);
  // @b comes back: only @a's reservation is left to give way.
  EXPECT_EQ(*pool.Acquire("@b", F::kV4, 4, 50), a);
  // Everything online now: exhausted.
  EXPECT_EQ(pool.Acquire("@a", F::kV4, 5, 60).status().code(), Code::kRetry);
}

TEST(AddressPool, V6PoolsAndFamilies) {
  AddressPool pool({Range("10.10.0.0", "10.10.0.255"), Range("fd00:10::", "fd00:10::ff")});
  EXPECT_EQ(*pool.Acquire("@a", F::kV6, 1, 0), Ip("fd00:10::1"));
  EXPECT_EQ(*pool.Acquire("@a", F::kV4, 1, 0), Ip("10.10.0.1"));
  EXPECT_EQ(*pool.Acquire("@b", F::kV6, 2, 0), Ip("fd00:10::2"));
  EXPECT_EQ(pool.Release("@a", 1, 1).size(), 2u);
  AddressPool v4only({Range("10.10.0.0", "10.10.0.255")});
  EXPECT_EQ(v4only.Acquire("@a", F::kV6, 1, 0).status().code(), Code::kNotFound);
}

TEST(AddressPool, HugeV6PoolAllocatesWithoutScanning) {
  AddressPool pool({Range("fd00::", "fd00::ffff:ffff:ffff:ffff")});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pool.Acquire("@" + std::to_string(i), F::kV6, i + 1, 0).ok());
  EXPECT_EQ(*pool.Acquire("@last", F::kV6, 5000, 0), Ip("fd00::3e9"));
}

TEST(AddressPool, RestoreRejectsAddressesOutsideOrTaken) {
  AddressPool pool({Range("10.10.0.10", "10.10.0.20")});
  EXPECT_TRUE(pool.Restore({"@a", Ip("10.10.0.15"), 7, 100}));
  EXPECT_FALSE(pool.Restore({"@b", Ip("10.10.0.15"), 0, 100}));  // taken
  EXPECT_FALSE(pool.Restore({"@c", Ip("10.99.0.1"), 0, 100}));   // outside
  EXPECT_EQ(pool.online(), 0u);                                  // restored leases are reserved
  EXPECT_EQ(*pool.Acquire("@a", F::kV4, 1, 200), Ip("10.10.0.15"));
}

}  // namespace
}  // namespace ikevpn::pool
