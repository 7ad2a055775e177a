// Durations as a cooldown is written: 90s, 30m, 6h, 1d.

#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

TEST(DurationTest, reads_seconds_minutes_hours_and_days) {
  EXPECT_EQ(*parse_duration("90s"), 90);
  EXPECT_EQ(*parse_duration("30m"), 1800);
  EXPECT_EQ(*parse_duration("6h"), 6 * 3600);
  EXPECT_EQ(*parse_duration("1d"), 86400);
  EXPECT_EQ(*parse_duration("0s"), 0);
  EXPECT_EQ(*parse_duration("999999999d"), 999999999LL * 86400);
}

TEST(DurationTest, anything_else_is_a_config_error_naming_the_value) {
  for (const char* bad : {"", "h", "1", "1w", "1.5h", "-1h", " 1h", "1h ", "1H", "1hh", "9999999999d"}) {
    const auto r = parse_duration(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::config);
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
}

TEST(DurationTest, prints_the_largest_whole_unit) {
  EXPECT_EQ(duration_text(90), "90s");
  EXPECT_EQ(duration_text(5400), "90m");
  EXPECT_EQ(duration_text(7200), "2h");
  EXPECT_EQ(duration_text(86400), "1d");
  EXPECT_EQ(duration_text(0), "0s");
}

}  // namespace
}  // namespace notify
