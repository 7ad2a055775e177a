#include "core/files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "support/open_fds.hpp"
#include "support/temp_dir.hpp"

namespace notify {
namespace {

namespace fs = std::filesystem;

TEST(FilesTest, write_file_atomically_replaces_the_file_with_mode_0600) {
  const test::TempDir tmp{"notify-files"};
  const auto path = tmp / "a" / "b.txt";
  ASSERT_TRUE(write_file_atomically(path.string(), "one"));
  ASSERT_TRUE(write_file_atomically(path.string(), "two"));
  EXPECT_EQ(tmp.read_file("a/b.txt"), "two");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp / "a"), fs::directory_iterator()), 1);
}

TEST(FilesTest, a_write_that_cannot_take_the_name_leaves_no_descriptor_and_no_temp_file) {
  const test::TempDir tmp{"notify-files"};
  // A non-empty directory where the file should go: the temp file is written
  // and fsync'd, and only the rename fails.
  tmp.write_file("taken/inside", "x");
  const auto before = test::open_fds();
  const auto w = write_file_atomically((tmp / "taken").string(), "text");
  ASSERT_FALSE(w);
  EXPECT_THAT(w.error().message, ::testing::HasSubstr("writing " + (tmp / "taken").string()));
  EXPECT_EQ(test::open_fds(), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace notify
