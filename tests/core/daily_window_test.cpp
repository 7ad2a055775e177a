// Quiet hours' window of local time: how it is written, and where it falls
// on the timeline across midnight and across both changes of daylight
// saving time. The zone is a function here (Berlin's rule written out),
// so the tests do not depend on the machine's zone database; one test
// holds the real clock's offset to the process's TZ.

#include "core/daily_window.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "core/clock.hpp"
#include "support/fake_world.hpp"

namespace notify {
namespace {

using ::testing::HasSubstr;

// Europe/Berlin in 2026: CET (+1), CEST (+2) from 29 March 01:00 UTC (02:00
// local becomes 03:00) to 25 October 01:00 UTC (03:00 local becomes 02:00).
const UtcOffset kBerlin = [](std::int64_t t) -> std::int64_t {
  return t >= test::utc_at(2026, 3, 29, 1, 0) && t < test::utc_at(2026, 10, 25, 1, 0) ? 7200 : 3600;
};
const UtcOffset kUtc = [](std::int64_t) -> std::int64_t { return 0; };
// New York, west of Greenwich: EST (-5) all winter.
const UtcOffset kNewYorkWinter = [](std::int64_t) -> std::int64_t { return -5 * 3600; };

DailyWindow window(const char* text) {
  std::string problem;
  const auto w = parse_daily_window(text, &problem);
  EXPECT_TRUE(w) << text << ": " << problem;
  return w.value_or(DailyWindow{});
}

TEST(DailyWindowTest, reads_hours_and_minutes_and_says_them_back) {
  EXPECT_EQ(window_text(window("22:00-07:00")), "22:00-07:00");
  EXPECT_EQ(window_text(window("7:05-9:30")), "07:05-09:30");
  EXPECT_EQ(window("00:00-23:59").end, 23 * 60 + 59);
}

TEST(DailyWindowTest, refuses_what_is_not_a_window_in_one_line_naming_the_value) {
  for (const char* bad : {"", "22-07", "22:00", "22:00-", "24:00-07:00", "22:60-07:00",
                          "22:00 - 07:00", "22:00-07:00:00", "10pm-7am", "2200-0700",
                          "-1:00-07:00", "022:00-07:00"}) {
    std::string problem;
    EXPECT_FALSE(parse_daily_window(bad, &problem)) << bad;
    EXPECT_THAT(problem, HasSubstr("\"22:00-07:00\"")) << bad;
    EXPECT_THAT(problem, HasSubstr("\"" + std::string(bad) + "\"")) << bad;
    EXPECT_EQ(problem.find('\n'), std::string::npos);
  }
}

TEST(DailyWindowTest, refuses_a_window_that_starts_where_it_ends) {
  std::string problem;
  EXPECT_FALSE(parse_daily_window("22:00-22:00", &problem));
  EXPECT_EQ(problem, "starts and ends at 22:00: give two different times, such as \"22:00-07:00\"");
}

TEST(DailyWindowTest, a_window_across_midnight_ends_the_next_morning) {
  const auto w = window("22:00-07:00");
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 22, 0), kUtc), test::utc_at(2025, 12, 2, 7, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 23, 59), kUtc), test::utc_at(2025, 12, 2, 7, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 0, 0), kUtc), test::utc_at(2025, 12, 2, 7, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 6, 59), kUtc), test::utc_at(2025, 12, 2, 7, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 7, 0), kUtc), std::nullopt) << "the end is outside";
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 12, 0), kUtc), std::nullopt);
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 21, 59), kUtc), std::nullopt);
}

TEST(DailyWindowTest, a_window_within_a_day_holds_only_between_its_times) {
  const auto w = window("09:00-17:00");
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 8, 59), kUtc), std::nullopt);
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 9, 0), kUtc), test::utc_at(2025, 12, 1, 17, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 16, 59), kUtc), test::utc_at(2025, 12, 1, 17, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 17, 0), kUtc), std::nullopt);
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 23, 0), kUtc), std::nullopt);
}

TEST(DailyWindowTest, local_time_is_the_zones_east_and_west_of_greenwich) {
  const auto w = window("22:00-07:00");
  // 22:30 UTC is 23:30 in Berlin (inside) and 17:30 in New York (outside).
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 22, 30), kBerlin), test::utc_at(2025, 12, 2, 6, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 1, 22, 30), kNewYorkWinter), std::nullopt);
  // 04:00 UTC is 23:00 the day before in New York: due at 07:00 there, 12:00 UTC.
  EXPECT_EQ(window_end(w, test::utc_at(2025, 12, 2, 4, 0), kNewYorkWinter), test::utc_at(2025, 12, 2, 12, 0));
  EXPECT_EQ(local_clock_text(test::utc_at(2025, 12, 2, 12, 0), kNewYorkWinter), "07:00");
  EXPECT_EQ(local_clock_text(test::utc_at(2025, 12, 2, 6, 0), kBerlin), "07:00");
}

TEST(DailyWindowTest, spring_forward_a_night_window_ends_at_seven_summer_time) {
  // 28 March 23:00 CET; the clocks skip 02:00-03:00; 07:00 CEST is 05:00 UTC.
  const auto w = window("22:00-07:00");
  EXPECT_EQ(window_end(w, test::utc_at(2026, 3, 28, 22, 0), kBerlin), test::utc_at(2026, 3, 29, 5, 0));
  EXPECT_EQ(local_clock_text(test::utc_at(2026, 3, 29, 5, 0), kBerlin), "07:00");
}

TEST(DailyWindowTest, spring_forward_an_end_the_clocks_skip_is_when_they_jump_past_it) {
  // 02:30 never shows on 29 March: the window ends at the jump, 03:00 CEST.
  const auto w = window("22:00-02:30");
  const auto jump = test::utc_at(2026, 3, 29, 1, 0);
  EXPECT_EQ(window_end(w, test::utc_at(2026, 3, 29, 0, 30), kBerlin), jump);  // 01:30 CET
  EXPECT_EQ(window_end(w, jump, kBerlin), std::nullopt);              // 03:00 CEST
  EXPECT_EQ(local_clock_text(jump, kBerlin), "03:00");
  // A start the clocks skip begins the window at the jump too.
  EXPECT_EQ(window_end(window("02:30-06:00"), jump, kBerlin), test::utc_at(2026, 3, 29, 4, 0));
  EXPECT_EQ(window_end(window("02:30-06:00"), jump - 1, kBerlin), std::nullopt);
}

TEST(DailyWindowTest, fall_back_an_end_shown_twice_is_its_first_showing) {
  // 25 October shows 02:00-03:00 twice (CEST, then CET). 02:30 first shows
  // at 00:30 UTC; the window is over then, and the second 02:10 (01:10 UTC)
  // is after it, not in it again.
  const auto w = window("22:00-02:30");
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 24, 21, 0), kBerlin), test::utc_at(2026, 10, 25, 0, 30));
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 25, 0, 10), kBerlin), test::utc_at(2026, 10, 25, 0, 30));
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 25, 0, 30), kBerlin), std::nullopt);
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 25, 1, 10), kBerlin), std::nullopt);
  EXPECT_EQ(local_clock_text(test::utc_at(2026, 10, 25, 1, 10), kBerlin), "02:10");
}

TEST(DailyWindowTest, fall_back_a_night_window_ends_at_seven_winter_time) {
  // 24 October 23:00 CEST; 07:00 CET is 06:00 UTC: the night is an hour longer.
  const auto w = window("22:00-07:00");
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 24, 21, 0), kBerlin), test::utc_at(2026, 10, 25, 6, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 25, 5, 59), kBerlin), test::utc_at(2026, 10, 25, 6, 0));
}

TEST(DailyWindowTest, first_reaching_is_the_first_instant_the_clock_reads_it) {
  // An ordinary day: the one instant.
  EXPECT_EQ(first_reaching(test::utc_at(2026, 1, 15, 7, 0), kBerlin), test::utc_at(2026, 1, 15, 6, 0));
  // A reading shown twice: the first; one skipped: the jump.
  EXPECT_EQ(first_reaching(test::utc_at(2026, 10, 25, 2, 30), kBerlin), test::utc_at(2026, 10, 25, 0, 30));
  EXPECT_EQ(first_reaching(test::utc_at(2026, 3, 29, 2, 30), kBerlin), test::utc_at(2026, 3, 29, 1, 0));
}

// The real clock reads the process's TZ: set here as a POSIX rule (no zone
// database needed) and put back after.
class LocalZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    ::setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_) ::setenv("TZ", saved_->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  std::optional<std::string> saved_;
};

TEST_F(LocalZoneTest, the_real_clocks_offset_is_the_process_tz_with_its_summer_time) {
  const Clock& clock = system_clock();
  EXPECT_EQ(clock.utc_offset(test::utc_at(2026, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(clock.utc_offset(test::utc_at(2026, 7, 1, 12, 0)), 7200);
  EXPECT_EQ(clock.utc_offset(test::utc_at(2026, 3, 29, 1, 0) - 1), 3600);
  EXPECT_EQ(clock.utc_offset(test::utc_at(2026, 3, 29, 1, 0)), 7200);
  EXPECT_EQ(clock.utc_offset(test::utc_at(2026, 10, 25, 1, 0)), 3600);
  // And the window through it agrees with the rule written out above.
  const UtcOffset real = [&clock](std::int64_t t) { return clock.utc_offset(t); };
  std::string problem;
  const auto w = *parse_daily_window("22:00-02:30", &problem);
  EXPECT_EQ(window_end(w, test::utc_at(2026, 3, 29, 0, 30), real), test::utc_at(2026, 3, 29, 1, 0));
  EXPECT_EQ(window_end(w, test::utc_at(2026, 10, 24, 21, 0), real), test::utc_at(2026, 10, 25, 0, 30));
}

}  // namespace
}  // namespace notify
