// The integration tests run as root inside a network namespace of their own,
// entered once before any test runs.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "tests/integration/ifmgr/ip_tool.h"
#include "tests/integration/ifmgr/netns_env.h"

namespace ikevpn::ifmgr::testing {
std::string netns_error = "not entered";
}

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing |= std::strcmp(argv[i], "--gtest_list_tests") == 0;
  if (!listing) {
    ikevpn::ifmgr::testing::netns_error = ikevpn::ifmgr::testing::EnterPrivateNetns();
    if (!ikevpn::ifmgr::testing::netns_error.empty()) {
      std::fprintf(stderr, "skipping: %s\n", ikevpn::ifmgr::testing::netns_error.c_str());
    }
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
