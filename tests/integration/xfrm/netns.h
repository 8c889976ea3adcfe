// The xfrm integration tests' environment: a private network namespace per
// test, and `ip` for cross-checks.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace ikevpn::kernel::xfrm::testing {

// Moves the process into a new, empty network namespace (lo up). Returns
// why it could not (not root, unshare failed), or "" on success. Each test
// calls it first, so tests see an empty SPD/SAD whether ctest runs them one
// per process or the binary runs them all; the namespace dies with the
// process (or with the next call), leaving nothing behind.
std::string EnterFreshNetns();

// Runs `command` with /bin/sh (stderr folded into the output). With
// IKEVPN_IP set, `ip` in the command runs that binary (the qemu guest).
struct ShellResult {
  int status = -1;
  std::string output;
};
ShellResult Sh(const std::string& command);

// Counts non-overlapping occurrences of `needle`.
int CountOf(const std::string& haystack, const std::string& needle);

}  // namespace ikevpn::kernel::xfrm::testing

#define XFRM_NEEDS_NETNS()                                                  \
  do {                                                                      \
    std::string why = ::ikevpn::kernel::xfrm::testing::EnterFreshNetns();  \
    if (!why.empty()) GTEST_SKIP() << why;                                  \
  } while (0)
