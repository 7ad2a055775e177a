// The alert rules with a fake clock: cooldown windows and their counts,
// the line a sent message begins with, the summary a window owes, resolve
// with and without trouble, and --after counting.

#include "app/alerts/rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fake_world.hpp"

namespace notify::app::alerts {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kAlertRulesHour = 3600;

// 2025-12-01 10:02:00 UTC.
constexpr std::int64_t kAlertRulesTen02 = 1764583320;

class AlertRulesTest : public ::testing::Test {
 protected:
  AlertRulesTest() {
    clock.set_unix(kAlertRulesTen02);
    state.key = "disk";
    state.profile = "ops";
  }

  std::int64_t now() const { return clock.unix_seconds(); }

  /// One message of the key at the clock's time, recorded as the rules
  /// say (a send counts as gone out).
  Decision message(const std::string& text, std::int64_t cooldown, bool resolve = false) {
    const auto d = decide(state, now(), cooldown, resolve);
    record(state, d, now(), resolve, text);
    return d;
  }

  test::FakeClock clock;
  AlertState state;
};

TEST(AlertClockTest, utc_hours_and_minutes_and_the_date_from_a_day_back) {
  EXPECT_EQ(clock_text(kAlertRulesTen02, kAlertRulesTen02 + 60), "10:02");
  EXPECT_EQ(clock_text(kAlertRulesTen02, kAlertRulesTen02 + 24 * kAlertRulesHour - 1), "10:02");
  EXPECT_EQ(clock_text(kAlertRulesTen02, kAlertRulesTen02 + 24 * kAlertRulesHour), "2025-12-01 10:02");
}

TEST_F(AlertRulesTest, the_first_message_goes_out_as_it_is) {
  const auto d = message("disk full", kAlertRulesHour);
  EXPECT_EQ(d.verdict, Verdict::send);
  EXPECT_EQ(d.line, "");
  EXPECT_EQ(state.last_sent, now());
}

TEST_F(AlertRulesTest, within_the_window_messages_are_held_and_counted) {
  message("disk full", kAlertRulesHour);
  for (int i = 1; i <= 11; ++i) {
    clock.advance(5min);
    const auto d = message("disk full " + std::to_string(i), kAlertRulesHour);
    EXPECT_EQ(d.verdict, Verdict::hold) << i;
    EXPECT_EQ(d.held, i);
  }
  EXPECT_EQ(state.held, 11);
  EXPECT_EQ(state.first_held, kAlertRulesTen02 + 5 * 60);
  EXPECT_EQ(state.last_held, kAlertRulesTen02 + 55 * 60);
  EXPECT_EQ(state.last_held_line, "disk full 11");
  EXPECT_EQ(state.last_sent, kAlertRulesTen02);  // a held one does not move the window
}

TEST_F(AlertRulesTest, the_window_ends_cooldown_after_the_last_sent_and_the_next_carries_the_count) {
  message("disk full", kAlertRulesHour);
  clock.advance(53min);
  message("disk full", kAlertRulesHour);
  clock.advance(6min);  // 11:01: still inside
  EXPECT_EQ(message("disk full", kAlertRulesHour).verdict, Verdict::hold);
  clock.advance(1min);  // 11:02: exactly the end
  const auto d = message("disk full", kAlertRulesHour);
  EXPECT_EQ(d.verdict, Verdict::send);
  EXPECT_EQ(d.line, "(2 more since 10:02 UTC, last at 11:01)");
  EXPECT_EQ(state.held, 0);
  EXPECT_EQ(state.last_sent, kAlertRulesTen02 + kAlertRulesHour);
  // The new window starts at this one.
  clock.advance(59min);
  EXPECT_EQ(message("disk full", kAlertRulesHour).verdict, Verdict::hold);
}

TEST_F(AlertRulesTest, after_a_quiet_window_the_next_message_has_no_line) {
  message("disk full", kAlertRulesHour);
  clock.advance(2h);
  const auto d = message("disk full", kAlertRulesHour);
  EXPECT_EQ(d.verdict, Verdict::send);
  EXPECT_EQ(d.line, "");
}

TEST_F(AlertRulesTest, without_a_cooldown_nothing_is_held) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(message("x", 0).verdict, Verdict::send);
    clock.advance(1s);
  }
}

TEST_F(AlertRulesTest, the_count_line_dates_a_window_from_an_earlier_day) {
  message("disk full", 2 * 86400);
  clock.advance(std::chrono::hours(30));
  message("disk full", 2 * 86400);
  clock.advance(std::chrono::hours(20));
  EXPECT_EQ(decide(state, now(), 2 * 86400, false).line,
            "(1 more since 2025-12-01 10:02 UTC, last at 16:02)");
}

TEST_F(AlertRulesTest, a_window_with_held_messages_owes_a_summary_due_at_its_end) {
  message("disk full", kAlertRulesHour);
  EXPECT_FALSE(summary(state, kAlertRulesHour, now()));  // nothing held
  clock.advance(8min);
  message("disk full on /var\nUsed 100%", kAlertRulesHour);
  clock.advance(45min);
  message("disk still full on /var\nUsed 100%", kAlertRulesHour);
  const auto s = summary(state, kAlertRulesHour, now());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->due, kAlertRulesTen02 + kAlertRulesHour);
  EXPECT_EQ(s->text,
            "(2 more of 'disk' held back by cooldown, the first at 10:10 UTC, the last at 10:55)\n"
            "disk still full on /var");
  record_summary(state);
  EXPECT_FALSE(summary(state, kAlertRulesHour, now()));
  // The summary moves no window: the next message after it is not held.
  clock.advance(10min);
  const auto d = message("disk full", kAlertRulesHour);
  EXPECT_EQ(d.verdict, Verdict::send);
  EXPECT_EQ(d.line, "");
}

TEST_F(AlertRulesTest, a_message_sent_after_the_held_ones_settles_the_summary) {
  message("disk full", kAlertRulesHour);
  clock.advance(30min);
  message("disk full", kAlertRulesHour);
  clock.advance(31min);
  message("disk full", kAlertRulesHour);  // goes out with the count
  EXPECT_FALSE(summary(state, kAlertRulesHour, now()));
}

TEST_F(AlertRulesTest, resolve_without_trouble_sends_nothing_and_changes_nothing) {
  const auto d = message("all good", kAlertRulesHour, true);
  EXPECT_EQ(d.verdict, Verdict::nothing);
  EXPECT_FALSE(state.in_trouble());
  EXPECT_FALSE(state.last_sent);
}

TEST_F(AlertRulesTest, resolve_after_trouble_counts_every_alert_held_ones_included) {
  clock.set_unix(kAlertRulesTen02 - 8 * kAlertRulesHour);  // 02:02
  message("backup failed", kAlertRulesHour);
  for (int i = 0; i < 13; ++i) {
    clock.advance(5min);
    message("backup failed", kAlertRulesHour);
  }
  EXPECT_EQ(state.alerts, 14);
  clock.advance(1min);
  const auto d = message("backup ok", kAlertRulesHour, true);
  EXPECT_EQ(d.verdict, Verdict::send);  // never held back: the fix is news
  EXPECT_EQ(d.line, "resolved after 14 alerts since 02:02 UTC");
  EXPECT_FALSE(state.in_trouble());
  EXPECT_EQ(state.held, 0);
  EXPECT_FALSE(summary(state, kAlertRulesHour, now()));  // the resolve said it all
  // Resolved once: a second resolve has nothing to say.
  EXPECT_EQ(message("backup ok", kAlertRulesHour, true).verdict, Verdict::nothing);
  // A failure right after the fix goes out at once, and is trouble anew.
  clock.advance(1min);
  EXPECT_EQ(message("backup failed", kAlertRulesHour).verdict, Verdict::send);
  EXPECT_EQ(decide(state, now(), kAlertRulesHour, true).line, "resolved after 1 alert since 03:09 UTC");
}

TEST_F(AlertRulesTest, a_message_never_recorded_changes_nothing) {
  // A send neither delivered nor kept is not recorded by the caller: the
  // next one is not held back for it.
  const auto d = decide(state, now(), kAlertRulesHour, false);
  EXPECT_EQ(d.verdict, Verdict::send);
  clock.advance(1min);
  EXPECT_EQ(decide(state, now(), kAlertRulesHour, false).verdict, Verdict::send);
}

TEST(AlertAfterTest, a_failure_is_reported_from_the_nth_in_a_row) {
  AlertState s;
  EXPECT_FALSE(count_run(s, true, 3));
  EXPECT_FALSE(count_run(s, true, 3));
  EXPECT_TRUE(count_run(s, true, 3));
  EXPECT_TRUE(count_run(s, true, 3));
  EXPECT_EQ(s.failures, 4);
  EXPECT_FALSE(count_run(s, false, 3));  // a success resets the count
  EXPECT_EQ(s.failures, 0);
  EXPECT_FALSE(count_run(s, true, 3));
  EXPECT_FALSE(count_run(s, true, 3));
  EXPECT_FALSE(count_run(s, false, 3));
  EXPECT_FALSE(count_run(s, true, 3));
}

TEST(AlertAfterTest, after_one_reports_every_failure) {
  AlertState s;
  EXPECT_TRUE(count_run(s, true, 1));
  EXPECT_FALSE(count_run(s, false, 1));
  EXPECT_TRUE(count_run(s, true, 1));
}

TEST(RememberTest, ids_replace_part_by_part_and_a_shorter_text_keeps_the_later_ones) {
  AlertState s;
  remember(s, true, false, {"1", "", "2"});  // "": a file, never edited
  EXPECT_EQ(s.message_ids, (std::vector<std::string>{"1", "2"}));
  remember(s, true, false, {"5"});
  EXPECT_EQ(s.message_ids, (std::vector<std::string>{"5", "2"}));
  EXPECT_EQ(s.thread_id, "");
}

TEST(RememberTest, the_threads_first_stays_and_a_late_delivery_replaces_nothing) {
  AlertState s;
  remember(s, false, true, {"7", "8"});
  remember(s, false, true, {"9"});
  EXPECT_EQ(s.thread_id, "7");
  EXPECT_TRUE(s.message_ids.empty());
  s.message_ids = {"3"};
  remember(s, true, false, {"4"}, true);
  EXPECT_EQ(s.message_ids, std::vector<std::string>{"3"});
  remember(s, true, false, {}, false);  // nothing known: nothing forgotten
  EXPECT_EQ(s.message_ids, std::vector<std::string>{"3"});
}

}  // namespace
}  // namespace notify::app::alerts
