// StoreDirTest: a fixture with a fresh state directory and a fake clock,
// for the PeerStore tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "daemon/base/clock.h"
#include "daemon/base/timers.h"

namespace ikevpn::inertia {

class StoreDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peer_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/inertia";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  void WriteRaw(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  bool Exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

  FakeClock clock_;
  TimerQueue timers_{clock_};
  std::string dir_, path_;
};

}  // namespace ikevpn::inertia
