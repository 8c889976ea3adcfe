// Every api::DownCause a D-Bus client can see is documented: in the cause
// table of dbus/SPEC.md and in ikevpnctl(8)'s monitor entry. A cause added
// without documentation fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "daemon/api/control.h"

namespace ikevpn::api {
namespace {

std::string Read(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// roff's "\-" is a plain "-" in the rendered page.
std::string Unescape(std::string roff) {
  for (size_t i; (i = roff.find("\\-")) != std::string::npos;) roff.erase(i, 1);
  return roff;
}

TEST(DownCausesDocumentedTest, EveryCauseIsInTheSpecAndTheManPage) {
  const std::string spec = Read(IKEVPN_DBUS_SPEC);
  const std::string man = Unescape(Read(IKEVPN_CTL_MAN));
  ASSERT_FALSE(spec.empty()) << IKEVPN_DBUS_SPEC;
  ASSERT_FALSE(man.empty()) << IKEVPN_CTL_MAN;
  int causes = 0;
  // ToString answers "?" past the last enumerator.
  for (int i = static_cast<int>(DownCause::kNone) + 1; ToString(static_cast<DownCause>(i)) != "?"; ++i) {
    const std::string name(ToString(static_cast<DownCause>(i)));
    EXPECT_NE(spec.find("| `" + name + "` |"), std::string::npos) << name << " not in the cause table of SPEC.md";
    EXPECT_NE(man.find(" " + name), std::string::npos) << name << " not in ikevpnctl.8";
    ++causes;
  }
  EXPECT_GE(causes, 10);
}

}  // namespace
}  // namespace ikevpn::api
