// Reading built netlink messages back in tests.
#pragma once

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <cstring>
#include <string>

#include "daemon/kernel/xfrm/netlink_message.h"

namespace ikevpn::kernel::xfrm::testing {

struct Built {
  nlmsghdr hdr{};
  NlMessageView view;
  NlAttrs attrs;
};

// Splits a built request: exactly one message, its fixed struct `T` and its
// attributes. Fails the test on any framing error.
template <typename T>
Built ReadBuilt(const NlMessage& msg, T* fixed) {
  Built b;
  EXPECT_GE(msg.size(), sizeof(nlmsghdr));
  std::memcpy(&b.hdr, msg.data(), sizeof b.hdr);
  EXPECT_EQ(b.hdr.nlmsg_len, msg.size());
  EXPECT_EQ(b.hdr.nlmsg_seq, 0u);
  auto split = SplitNlMessages(msg.span());
  EXPECT_TRUE(split.ok());
  if (!split.ok() || split->size() != 1) return b;
  b.view = split->front();
  EXPECT_TRUE(ReadStruct(b.view.payload, fixed));
  auto attrs = NlAttrs::Parse(AttrsAfter(b.view.payload, sizeof(T)));
  EXPECT_TRUE(attrs.ok()) << attrs.status().ToString();
  if (attrs.ok()) b.attrs = *attrs;
  return b;
}

inline std::string AlgName(const char* name) { return std::string(name); }

// The bytes after a fixed struct T inside an attribute (the key after xfrm_algo).
template <typename T>
ByteSpan TailOf(ByteSpan attr) {
  return attr.size() >= sizeof(T) ? attr.subspan(sizeof(T)) : ByteSpan{};
}

}  // namespace ikevpn::kernel::xfrm::testing
