// AddressMonitor: which rtnetlink messages count as address or route
// changes, and that a buffer with a bad length is not read past its end.
#include "daemon/net/address_monitor.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include <gtest/gtest.h>

namespace ikevpn::net {
namespace {

// Appends a netlink message of `type` with `payload` bytes of zeros.
void Append(Bytes& buf, uint16_t type, size_t payload = 8, uint32_t len_override = 0) {
  nlmsghdr h{};
  h.nlmsg_len = len_override ? len_override : static_cast<uint32_t>(NLMSG_LENGTH(payload));
  h.nlmsg_type = type;
  size_t at = buf.size();
  buf.resize(at + NLMSG_ALIGN(NLMSG_LENGTH(payload)));
  std::memcpy(buf.data() + at, &h, sizeof h);
}

TEST(AddressMonitorTest, AddressRouteAndLinkMessagesAreChanges) {
  for (uint16_t t : {RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWLINK, RTM_DELLINK}) {
    Bytes b;
    Append(b, t);
    EXPECT_TRUE(HasAddressOrRouteChange(b)) << t;
  }
}

TEST(AddressMonitorTest, OtherMessagesAreNot) {
  Bytes b;
  Append(b, RTM_NEWNEIGH);
  Append(b, RTM_NEWRULE);
  Append(b, NLMSG_DONE, 4);
  EXPECT_FALSE(HasAddressOrRouteChange(b));
  // ...until an address message follows them in the same buffer.
  Append(b, RTM_DELADDR);
  EXPECT_TRUE(HasAddressOrRouteChange(b));
}

TEST(AddressMonitorTest, BadLengthsEndTheScan) {
  Bytes b;
  Append(b, RTM_NEWNEIGH, 8, /*len_override=*/4);  // shorter than its header
  Append(b, RTM_NEWADDR);
  EXPECT_FALSE(HasAddressOrRouteChange(b));
  Bytes c;
  Append(c, RTM_NEWADDR, 8, /*len_override=*/4096);  // longer than the buffer
  EXPECT_FALSE(HasAddressOrRouteChange(c));
  EXPECT_FALSE(HasAddressOrRouteChange(ByteSpan(c.data(), 7)));  // truncated header
}

}  // namespace
}  // namespace ikevpn::net
