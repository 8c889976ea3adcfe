// IkevpndPresence: which NameOwnerChanged signals mean that the ikevpnd
// holding the plugin's connection is gone.
#include "nm/ikevpnd_presence.h"

#include <gtest/gtest.h>

#include "nm/ikevpnd_client.h"

namespace ikevpn::nm {
namespace {

TEST(IkevpndPresence, NothingPinnedIgnoresEveryChange) {
  IkevpndPresence p;
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ""), "");
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ":1.9"), "");
  EXPECT_FALSE(p.gone());
}

TEST(IkevpndPresence, NameReleasedIsGone) {
  IkevpndPresence p;
  p.Pin(":1.5");
  std::string why = p.OnOwnerChanged(kIkevpndService, "");
  EXPECT_NE(why.find(":1.5"), std::string::npos) << why;
  EXPECT_NE(why.find("left the bus"), std::string::npos) << why;
  EXPECT_TRUE(p.gone());
  // Reported once: the restart's ""->:1.7 that follows says nothing new.
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ":1.7"), "");
  EXPECT_TRUE(p.gone());
}

TEST(IkevpndPresence, SameNameWithAnotherOwnerIsGone) {
  // A restarted (or replacing) ikevpnd under the same well-known name, with
  // no release seen in between: it does not have our connection.
  IkevpndPresence p;
  p.Pin(":1.5");
  std::string why = p.OnOwnerChanged(kIkevpndService, ":1.7");
  EXPECT_NE(why.find(":1.7"), std::string::npos) << why;
  EXPECT_NE(why.find(":1.5"), std::string::npos) << why;
  EXPECT_TRUE(p.gone());
}

TEST(IkevpndPresence, SameOwnerAndOtherNamesAreNotGone) {
  IkevpndPresence p;
  p.Pin(":1.5");
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ":1.5"), "");
  EXPECT_EQ(p.OnOwnerChanged("org.freedesktop.NetworkManager", ""), "");
  EXPECT_EQ(p.OnOwnerChanged(":1.5", ""), "");  // the unique name, not the service name
  EXPECT_FALSE(p.gone());
  EXPECT_TRUE(p.pinned());
}

TEST(IkevpndPresence, UnpinAndRepinStartOver) {
  IkevpndPresence p;
  p.Pin(":1.5");
  ASSERT_NE(p.OnOwnerChanged(kIkevpndService, ""), "");
  p.Unpin();
  EXPECT_FALSE(p.gone());
  EXPECT_FALSE(p.pinned());
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ":1.7"), "");
  // The next connection goes to the restarted ikevpnd.
  p.Pin(":1.7");
  EXPECT_EQ(p.OnOwnerChanged(kIkevpndService, ":1.7"), "");
  EXPECT_NE(p.OnOwnerChanged(kIkevpndService, ""), "");
}

}  // namespace
}  // namespace ikevpn::nm
