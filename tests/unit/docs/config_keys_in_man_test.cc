// Every key the configuration parser knows (the key tables of [global] and
// of connection sections) has an entry in ikevpn.conf(5): a ".TP" followed by
// ".B key ...". A key added to a table without documentation fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <span>
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

// Every key of `keys` has an entry; `section` names them in messages.
template <typename Target>
void ExpectDocumented(std::span<const KeyDef<Target>> keys, const char* section) {
  std::string page = ReadManPage();
  ASSERT_FALSE(page.empty()) << "cannot read " << IKEVPN_CONF_MAN;
  auto documented = DocumentedKeys(page);
  ASSERT_FALSE(keys.empty());
  for (const auto& key : keys) {
    EXPECT_TRUE(documented.count(std::string(key.name)))
        << section << " key '" << key.name << "' is missing from man/ikevpn.conf.5 (add a .TP/.B entry)";
  }
}

TEST(ConfigKeysInMan, EveryGlobalKeyIsDocumented) { ExpectDocumented(GlobalKeys(), "[global]"); }

TEST(ConfigKeysInMan, EveryConnectionKeyIsDocumented) { ExpectDocumented(ConnectionKeys(), "connection"); }

}  // namespace
}  // namespace ikevpn::config
