#include "daemon/config/config_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config/test_util.h"

namespace ikevpn::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Parse;

Config Load(std::string_view text) {
  auto out = Parse(text);
  EXPECT_TRUE(out.ok()) << testing::Render(out.diags.errors).front();
  return std::move(out.config);
}

constexpr std::string_view kOld = R"(
[keep]
auth = psk
[change]
auth = psk
dpd-delay = 30s
[drop]
auth = psk
)";

TEST(ConfigDiff, AddedRemovedChanged) {
  Config old_config = Load(kOld);
  Config new_config = Load(R"(
[new]
auth = psk
[change]
auth = psk
dpd-delay = 10s
[keep]          # moved, same content
auth = psk
)");
  ConfigDiff d = DiffConfigs(old_config, new_config);
  EXPECT_THAT(d.added, ElementsAre("new"));
  EXPECT_THAT(d.removed, ElementsAre("drop"));
  EXPECT_THAT(d.changed, ElementsAre("change"));
  EXPECT_FALSE(d.globals_changed);
  EXPECT_FALSE(d.secrets_changed);
  EXPECT_FALSE(d.empty());
}

TEST(ConfigDiff, SameConfigIsEmpty) { EXPECT_TRUE(DiffConfigs(Load(kOld), Load(kOld)).empty()); }

TEST(ConfigDiff, InlinePskAndGlobalsAndSecrets) {
  Config a = Load("[c]\nauth = psk\npsk = 0x00112233445566778899aabbccddeeff\n");
  Config b = Load("[c]\nauth = psk\npsk = 0x00112233445566778899aabbccddeeee\n");
  EXPECT_THAT(DiffConfigs(a, b).changed, ElementsAre("c"));
  b = Load("log-level = debug\n[c]\nauth = psk\npsk = 0x00112233445566778899aabbccddeeff\n");
  ConfigDiff d = DiffConfigs(a, b);
  EXPECT_THAT(d.changed, IsEmpty());
  EXPECT_TRUE(d.globals_changed);
  Diagnostics diags;
  b = a;
  b.secrets = ParseSecretsText("[s]\npsk = 0x00112233445566778899aabbccddeeff\n", "s", &diags);
  EXPECT_TRUE(DiffConfigs(a, b).secrets_changed);
}

TEST(ConfigDiff, ReloadWithErrorsKeepsTheRunningConfig) {
  Config running = Load(kOld);
  Config before = running;
  ReloadResult r = ApplyReload(running, Parse("[keep]\nauth = nope\n"));
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(r.diff.empty());
  EXPECT_EQ(r.diags.errors.size(), 1u);
  EXPECT_EQ(running.connections, before.connections);

  r = ApplyReload(running, Parse("[keep]\nauth = psk\ndns = 192.0.2.1\n"));
  EXPECT_TRUE(r.applied);
  EXPECT_THAT(r.diff.removed, ElementsAre("change", "drop"));
  EXPECT_THAT(r.diff.changed, ElementsAre("keep"));
  EXPECT_EQ(r.diags.warnings.size(), 1u);
  ASSERT_EQ(running.connections.size(), 1u);
  EXPECT_EQ(running.connections[0].dns.size(), 1u);
}

}  // namespace
}  // namespace ikevpn::config
