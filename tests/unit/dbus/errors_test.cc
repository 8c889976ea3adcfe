#include "dbus/errors.h"

#include <gtest/gtest.h>

namespace ikevpn::dbus {
namespace {

TEST(ErrorNameTest, EachCodeHasItsName) {
  EXPECT_EQ(ErrorName(Code::kNotFound), "net.ikevpn.Error.NotFound");
  EXPECT_EQ(ErrorName(Code::kInvalidArgument), "net.ikevpn.Error.InvalidArgument");
  EXPECT_EQ(ErrorName(Code::kExists), "net.ikevpn.Error.Exists");
  EXPECT_EQ(ErrorName(Code::kUnsupported), "net.ikevpn.Error.Unsupported");
  EXPECT_EQ(ErrorName(Code::kAuthFailed), "net.ikevpn.Error.AuthFailed");
  EXPECT_EQ(ErrorName(Code::kRetry), "net.ikevpn.Error.Timeout");
  EXPECT_EQ(ErrorName(Code::kIoError), "net.ikevpn.Error.Failed");
  EXPECT_EQ(ErrorName(Code::kInternal), "net.ikevpn.Error.Failed");
  EXPECT_EQ(ErrorName(Code::kDrop), "net.ikevpn.Error.Failed");
}

TEST(ErrorNameTest, InvalidArgumentFromReloadIsInvalidConfig) {
  EXPECT_EQ(ErrorName(Code::kInvalidArgument, ErrorContext::kReload), "net.ikevpn.Error.InvalidConfig");
  // The context changes nothing else.
  EXPECT_EQ(ErrorName(Code::kNotFound, ErrorContext::kReload), "net.ikevpn.Error.NotFound");
  EXPECT_EQ(ErrorName(Code::kIoError, ErrorContext::kReload), "net.ikevpn.Error.Failed");
}

TEST(ErrorNameTest, OkIsACallerBugAndStillANameOfOurs) {
  EXPECT_EQ(ErrorName(Code::kOk), "net.ikevpn.Error.Failed");
}

}  // namespace
}  // namespace ikevpn::dbus
