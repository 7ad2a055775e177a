// Names: the rule for profile and group names, and "did you mean".

#include "core/names.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

TEST(NamesTest, ProfileNamesFollowTheRule) {
  for (const char* good : {"ops", "my.ops", "a-b", "_x", "9", "A.b-c_d"})
    EXPECT_TRUE(valid_name(good)) << good;
  for (const char* bad : {"", "-x", ".x", "a b", "a/b", "a,b", "é", "a:b"})
    EXPECT_FALSE(valid_name(bad)) << bad;
}

TEST(NamesTest, CommandNames) {
  for (const char* c : {"send", "list", "check", "test", "flush", "spool", "setup", "run", "help"})
    EXPECT_TRUE(is_command_name(c)) << c;
  EXPECT_FALSE(is_command_name("ops"));
  EXPECT_FALSE(is_command_name("discover"));
  // A service's word is the catalog's (config::Catalog::command_words()).
  EXPECT_FALSE(is_command_name("telegram"));
}

TEST(NamesTest, EditDistanceCountsASwapOnce) {
  EXPECT_EQ(edit_distance("list", "list"), 0u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);
  EXPECT_EQ(edit_distance("opz", "ops"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(NamesTest, ClosestOnlyForASlip) {
  EXPECT_EQ(closest("lsit", {"send", "list", "test"}), "list");
  EXPECT_EQ(closest("opz", {"ops", "me"}), "ops");
  EXPECT_EQ(closest("nope", {"ops", "me"}), "");
  EXPECT_EQ(closest("x", {"v", "me"}), "");
  EXPECT_EQ(closest("webhok_url", {"webhook_url", "token"}), "webhook_url");
  EXPECT_EQ(closest("anything", {}), "");
}

TEST(NamesTest, CountsInTheSingularForOne) {
  EXPECT_EQ(count_of(1, "profile", "profiles"), "1 profile");
  EXPECT_EQ(count_of(0, "profile", "profiles"), "0 profiles");
  EXPECT_EQ(count_of(2, "attempt", "attempts"), "2 attempts");
}

}  // namespace
}  // namespace notify
