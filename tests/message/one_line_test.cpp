#include "message/one_line.hpp"

#include <gtest/gtest.h>

namespace notify::message {
namespace {

TEST(OneLineTest, line_breaks_and_tabs_become_spaces) {
  EXPECT_EQ(one_line("a\nb\r\tc", 10), "a b  c");
}

TEST(OneLineTest, shortens_by_code_points_not_bytes) {
  EXPECT_EQ(one_line("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\u2026");
  EXPECT_EQ(one_line("\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9");
}

}  // namespace
}  // namespace notify::message
