// Every key the configuration parser knows (the key tables of [global] and
// of connection sections) has an entry in ikevpn.conf(5): a ".TP" followed by
// ".B key ...". A key added to a table without documentation fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "daemon/config/connection_keys.h"

namespace ikevpn::config {
namespace {

// The first word of each ".B" line that follows a ".TP", with the roff
// escape "\-" read as "-".
std::set<std::string> DocumentedKeys(const std::string& roff) {
  std::set<std::string> keys;
  std::istringstream in(roff);
  std::string line, previous;
  while (std::getline(in, line)) {
    if (previous == ".TP" && line.rfind(".B ", 0) == 0) {
      std::string word = line.substr(3, line.find(' ', 3) - 3);
      std::string key;
      for (size_t i = 0; i < word.size(); ++i) {
        if (word.compare(i, 2, "\\-") == 0) {
          key += '-';
          ++i;
        } else {
          key += word[i];
        }
      }
      keys.insert(key);
    }
    previous = line;
  }
  return keys;
}

std::string ReadManPage() {
  std::ifstream f(IKEVPN_CONF_MAN);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ConfigKeysInMan, ExtractorReadsTermsOnly) {
  auto keys = DocumentedKeys(".TP\n.B port\\-nat\\-t = \\fIport\\fR\ntext\n.B not\\-a\\-term\n.TP\n.BR other\n");
  EXPECT_EQ(keys, (std::set<std::string>{"port-nat-t"}));
}

TEST(ConfigKeysInMan, EveryGlobalKeyIsDocumented) {
  std::string page = ReadManPage();
  ASSERT_FALSE(page.empty()) << "cannot read " << IKEVPN_CONF_MAN;
  auto documented = DocumentedKeys(page);
  ASSERT_FALSE(GlobalKeys().empty());
  for (const auto& key : GlobalKeys()) {
    EXPECT_TRUE(documented.count(std::string(key.name)))
        << "[global] key '" << key.name << "' is missing from man/ikevpn.conf.5 (add a .TP/.B entry)";
  }
}

TEST(ConfigKeysInMan, EveryConnectionKeyIsDocumented) {
  std::string page = ReadManPage();
  ASSERT_FALSE(page.empty()) << "cannot read " << IKEVPN_CONF_MAN;
  auto documented = DocumentedKeys(page);
  ASSERT_FALSE(ConnectionKeys().empty());
  for (const auto& key : ConnectionKeys()) {
    EXPECT_TRUE(documented.count(std::string(key.name)))
        << "connection key '" << key.name << "' is missing from man/ikevpn.conf.5 (add a .TP/.B entry)";
  }
}

}  // namespace
}  // namespace ikevpn::config
