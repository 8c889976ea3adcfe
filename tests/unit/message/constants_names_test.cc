#include "daemon/ike/constants.h"

#include <gtest/gtest.h>

namespace ikevpn::ike {
namespace {

TEST(ConstantsNames, KnownValuesUseRegistryNames) {
  EXPECT_EQ(ToString(ExchangeType::kIkeSaInit), "IKE_SA_INIT");
  EXPECT_EQ(ToString(ExchangeType::kInformational), "INFORMATIONAL");
  EXPECT_EQ(ToString(PayloadType::kSkf), "SKF");
  EXPECT_EQ(ToString(ProtocolId::kEsp), "ESP");
  EXPECT_EQ(ToString(TransformType::kInteg), "INTEG");
  EXPECT_EQ(ToString(NotifyType::kNoProposalChosen), "NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(ToString(NotifyType::kIkev2FragmentationSupported), "IKEV2_FRAGMENTATION_SUPPORTED");
  EXPECT_EQ(ToString(AuthMethod::kSharedKey), "SHARED_KEY");
  EXPECT_EQ(ToString(IdType::kFqdn), "ID_FQDN");
}

TEST(ConstantsNames, UnknownValuesRenderAsNumbers) {
  EXPECT_EQ(ToString(static_cast<ExchangeType>(99)), "99");
  EXPECT_EQ(ToString(static_cast<PayloadType>(0)), "NONE");
  EXPECT_EQ(ToString(static_cast<PayloadType>(255)), "255");
  EXPECT_EQ(ToString(static_cast<TransformType>(6)), "6");
  EXPECT_EQ(ToString(static_cast<AuthMethod>(200)), "200");
  EXPECT_EQ(ToString(static_cast<IdType>(0)), "0");
  EXPECT_EQ(ToString(static_cast<ProtocolId>(7)), "7");
  // Two unknown 16-bit values in one expression stay distinct.
  std::string_view a = ToString(static_cast<NotifyType>(40000));
  std::string_view b = ToString(static_cast<NotifyType>(12345));
  EXPECT_EQ(a, "40000");
  EXPECT_EQ(b, "12345");
  EXPECT_EQ(ToString(static_cast<NotifyType>(65535)), "65535");
}

}  // namespace
}  // namespace ikevpn::ike
