#include <gtest/gtest.h>

#include "daemon/base/log.h"
#include "daemon/base/rng.h"
#include "daemon/base/secret_bytes.h"
#include "daemon/base/status.h"

namespace ikevpn {
namespace {

Result<int> Half(int v) {
  if (v % 2) return Status(Code::kInvalidArgument, "odd");
  return v / 2;
}

Status UseHalf(int v, int* out) {
  IKEVPN_ASSIGN_OR_RETURN(int h, Half(v));
  *out = h;
  return Status::Ok();
}

TEST(Status, ResultCarriesValueOrError) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status s = UseHalf(3, &out);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.Annotate("halving").ToString(), "invalid argument: halving: odd");
}

TEST(Status, ErrnoMapsToNextStep) {
  EXPECT_EQ(ErrnoStatus("x", EAGAIN).code(), Code::kRetry);
  EXPECT_EQ(ErrnoStatus("x", EEXIST).code(), Code::kExists);
  EXPECT_EQ(ErrnoStatus("x", EPERM).code(), Code::kIoError);
}

TEST(SecretBytes, SliceAppendAndCompare) {
  const uint8_t k[] = {1, 2, 3, 4, 5};
  SecretBytes s(k);
  EXPECT_TRUE(s.Slice(1, 2).Equals(std::vector<uint8_t>{2, 3}));
  s.Append(std::vector<uint8_t>{6});
  EXPECT_EQ(s.size(), 6u);
  EXPECT_FALSE(s.Equals(std::vector<uint8_t>{1, 2, 3}));
  SecretBytes moved = std::move(s);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(moved.size(), 6u);
  moved.Wipe();
  EXPECT_TRUE(moved.empty());
}

TEST(Rng, DeterministicRepeatsAndUniformIsBounded) {
  DeterministicRng a(7), b(7);
  EXPECT_EQ(a.U64(), b.U64());
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.Uniform(10), 10u);
}

TEST(Log, ConfigureIsAllOrNothing) {
  std::string err;
  ASSERT_TRUE(Log::Configure("warn,ike=debug", &err));
  EXPECT_TRUE(Log::Enabled(Subsys::kIke, LogLevel::kDebug));
  EXPECT_FALSE(Log::Enabled(Subsys::kKnl, LogLevel::kInfo));
  EXPECT_FALSE(Log::Configure("info,nosuch=trace", &err));
  EXPECT_NE(err.find("nosuch"), std::string::npos);
  EXPECT_FALSE(Log::Enabled(Subsys::kKnl, LogLevel::kInfo));  // unchanged
  std::vector<std::string> lines;
  Log::SetSink([&](Subsys, LogLevel, std::string_view l) { lines.emplace_back(l); });
  IKEVPN_LOG(kIke, kDebug) << "shown " << 1;
  IKEVPN_LOG(kIke, kTrace) << "hidden";
  Log::SetSink(nullptr);
  EXPECT_EQ(lines, std::vector<std::string>{"shown 1"});
  Log::SetAllLevels(LogLevel::kInfo);
}

}  // namespace
}  // namespace ikevpn
