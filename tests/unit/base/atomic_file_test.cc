#include "daemon/base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "tests/unit/temp_dir.h"

namespace ikevpn {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_{"atomic_file_test"};
  std::string dir_ = tmp_.path(), path_ = dir_ + "/state";
};

TEST_F(AtomicFileTest, WritesAndReadsBack) {
  ASSERT_TRUE(WriteFileAtomically(path_, "one\n").ok());
  EXPECT_EQ(*ReadSmallFile(path_), "one\n");
  ASSERT_TRUE(WriteFileAtomically(path_, "two").ok());
  EXPECT_EQ(*ReadSmallFile(path_), "two");
  EXPECT_NE(access((path_ + ".tmp").c_str(), F_OK), 0) << "the temp file must be gone";
}

TEST_F(AtomicFileTest, NewFileGetsTheMode) {
  ASSERT_TRUE(WriteFileAtomically(path_, "x", 0600).ok());
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AtomicFileTest, LeftoverTempFileFromACrashDoesNotMatter) {
  ASSERT_TRUE(WriteFileAtomically(path_, "old").ok());
  std::ofstream(path_ + ".tmp") << "torn wr";  // a crash in the middle of the next write
  EXPECT_EQ(*ReadSmallFile(path_), "old");
  ASSERT_TRUE(WriteFileAtomically(path_, "new").ok());
  EXPECT_EQ(*ReadSmallFile(path_), "new");
}

TEST_F(AtomicFileTest, MissingFileIsNotFound) {
  Result<std::string> r = ReadSmallFile(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

TEST_F(AtomicFileTest, OversizedFileIsRefused) {
  ASSERT_TRUE(WriteFileAtomically(path_, std::string(100, 'a')).ok());
  Result<std::string> r = ReadSmallFile(path_, 99);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST_F(AtomicFileTest, UnwritableDirectoryIsAnError) {
  Status s = WriteFileAtomically(dir_ + "/no/such/dir/state", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ikevpn
