#include "services/server_wait.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace notify::services {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kNow = 1764561600;  // Mon, 01 Dec 2025 04:00:00 GMT

TEST(ServerWaitTest, delta_seconds_are_read_with_decimals) {
  EXPECT_EQ(parse_retry_after("5", kNow), milliseconds(5000));
  EXPECT_EQ(parse_retry_after(" 1.5 ", kNow), milliseconds(1500));
  EXPECT_EQ(parse_retry_after("0", kNow), milliseconds(0));
}

TEST(ServerWaitTest, an_http_date_counts_from_now_in_all_three_forms) {
  EXPECT_EQ(parse_retry_after("Mon, 01 Dec 2025 04:00:30 GMT", kNow), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Monday, 01-Dec-25 04:00:30 GMT", kNow), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Mon Dec  1 04:00:30 2025", kNow), milliseconds(30000));
}

TEST(ServerWaitTest, unusable_values_are_ignored) {
  for (const char* bad : {"", "-5", "abc", "1e400", "nan", "inf", "5s", "3601", "99999999999999999999",
                          "Mon, 01 Dec 2025 03:59:00 GMT" /* in the past */,
                          "Mon, 01 Dec 2025 06:00:00 GMT" /* two hours away */, "+5"})
    EXPECT_FALSE(parse_retry_after(bad, kNow)) << bad;
}

TEST(ServerWaitTest, body_waits_follow_the_same_rules) {
  EXPECT_EQ(server_wait(0.3), milliseconds(300));
  EXPECT_FALSE(server_wait(-1));
  EXPECT_FALSE(server_wait(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(server_wait(std::nan("")));
  EXPECT_FALSE(server_wait(7200));
  EXPECT_EQ(server_wait(3600), milliseconds(3600000));
}

}  // namespace
}  // namespace notify::services
