// Alert keys end to end: the real binary, a fake Mattermost, and the key
// states under the isolated XDG_STATE_HOME. Held back is exit status 0 and
// counted; sixteen processes at once send one; a resolve speaks only after
// trouble.

#include "e2e.hpp"

#include <regex>

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class AlertE2E : public E2E {
 protected:
  FakeServer mm;
  std::string path;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    path = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) +
                  "\"\nretries = 0\n\n[profiles.slow]\ntype = \"mattermost\"\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\ncooldown = \"1h\"\n");
  }
  std::vector<std::string> texts() {
    std::vector<std::string> out;
    for (const auto& r : mm.requests())
      for (auto& t : texts_of(r)) out.push_back(t);
    return out;
  }
};

TEST_F(AlertE2E, a_hundred_keyed_sends_within_the_cooldown_give_one_message) {
  for (int i = 0; i < 100; ++i) {
    auto r = notify({"-c", path, "--key", "disk", "--cooldown", "1h", "ops", "disk full"});
    ASSERT_EQ(r.exit_code, 0) << i << ": " << r.err;
    ASSERT_EQ(r.err, "") << i;  // held back quietly: cron mails nothing
  }
  EXPECT_EQ(texts(), std::vector<std::string>{"disk full"});
  // The count is kept: -v and --json say so.
  auto v = notify({"-c", path, "-v", "--key", "disk", "--cooldown", "1h", "ops", "disk full"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_THAT(v.err, HasSubstr("ops: held back by cooldown (100 so far)"));
  auto j = notify({"-c", path, "--json", "--key", "disk", "--cooldown", "1h", "ops", "x"});
  EXPECT_EQ(j.exit_code, 0);
  const auto line = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_TRUE(line.is_object()) << j.out;
  EXPECT_EQ(line.value("status", ""), "held");
  EXPECT_EQ(line.value("held", 0), 101);
  EXPECT_EQ(line.value("delivered", true), false);
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(AlertE2E, a_hundred_keyed_sends_give_one_message_and_flush_then_sends_one_summary) {
  // The window must outlast the sends (the first one opens it): a hundred
  // processes under the sanitizers take 10 s here alone and more than 20 s
  // beside the rest of the suite. So the 99 after the first go eleven at a
  // time, and the window is a minute; the summary falls due while the test
  // polls for it.
  const std::string cooldown = "60s";
  auto first = notify({"-c", path, "--key", "disk", "--cooldown", cooldown, "ops", "disk full"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunOptions o;
  o.isolate(home.path());
  o.timeout = std::chrono::seconds(60);
  for (int batch = 0; batch < 9; ++batch) {
    std::vector<Child> children;
    for (int i = 0; i < 11; ++i)
      children.push_back(spawn({NOTIFY_BINARY, "-c", path, "--key", "disk", "--cooldown", cooldown,
                                "ops", "disk still full"},
                               o));
    for (auto& c : children) {
      const auto r = c.wait();
      ASSERT_EQ(r.exit_code, 0) << r.err;
      ASSERT_EQ(r.err, "") << "held back quietly";
    }
  }
  ASSERT_EQ(mm.request_count(), 1u) << "the loop outlasted the window";
  auto list = notify({"-c", path, "spool", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto rows = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(rows.is_array() && rows.size() == 1u) << list.out;
  EXPECT_EQ(rows[0].value("summary_of", ""), "disk");
  EXPECT_EQ(rows[0].value("due", true), false);
  EXPECT_TRUE(rows[0]["due_unix"].is_number_integer());
  auto text = notify({"-c", path, "spool", "list"});
  EXPECT_THAT(text.out, HasSubstr("DUE"));
  EXPECT_THAT(text.out, MatchesRegex("(.|\n)*pending +ops +[0-9]+s +in [0-9]+s(.|\n)*"));

  auto show = notify({"-c", path, "spool", "show", std::to_string(rows[0].value("id", 0))});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, MatchesRegex("(.|\n)*\ndue: +[0-9-]+ [0-9:]+ UTC\n(.|\n)*"));
  EXPECT_THAT(show.out, HasSubstr("summary:  of key 'disk'"));
  EXPECT_THAT(show.out, HasSubstr("(99 more of 'disk'"));

  auto f = notify({"-c", path, "flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(mm.request_count(), 1u) << "not due yet";

  // Poll until it falls due and goes: no sleep, bounded by a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (mm.request_count() < 2 && std::chrono::steady_clock::now() < deadline) {
    f = notify({"-c", path, "flush"});
    ASSERT_EQ(f.exit_code, 0) << f.err;
  }
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_THAT(texts()[1], MatchesRegex("\\(99 more of 'disk' held back by cooldown, the first at "
                                       "[0-9]{2}:[0-9]{2} UTC, the last at [0-9]{2}:[0-9]{2}\\)\ndisk still full"));
  EXPECT_EQ(notify({"-c", path, "flush"}).exit_code, 0);
  EXPECT_EQ(mm.request_count(), 2u) << "said once";
  list = notify({"-c", path, "spool", "list", "--json"});
  EXPECT_EQ(nlohmann::json::parse(list.out, nullptr, false), nlohmann::json::array());
}

TEST_F(AlertE2E, the_profiles_cooldown_holds_and_a_zero_cooldown_does_not) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(notify({"-c", path, "--key", "k", "slow", "again"}).exit_code, 0);
  EXPECT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(notify({"-c", path, "--key", "k", "--cooldown", "0s", "slow", "again"}).exit_code, 0);
  // The three held back are counted in the one that went out.
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_THAT(texts()[1], MatchesRegex("\\(2 more since [0-9]{2}:[0-9]{2} UTC, last at "
                                       "[0-9]{2}:[0-9]{2}\\)\nagain"));
}

TEST_F(AlertE2E, sixteen_processes_at_once_with_one_key_send_one_message) {
  RunOptions o;
  o.isolate(home.path());
  o.timeout = std::chrono::seconds(60);
  std::vector<Child> children;
  for (int i = 0; i < 16; ++i)
    children.push_back(spawn({NOTIFY_BINARY, "-c", path, "--key", "backup", "--cooldown", "1h",
                              "ops", "backup failed"},
                             o));
  for (auto& c : children) {
    const auto r = c.wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(AlertE2E, resolve_sends_nothing_without_trouble_and_says_so_after_it) {
  auto r = notify({"-c", path, "--key", "backup", "--resolve", "ops", "backup ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(mm.request_count(), 0u);

  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(notify({"-c", path, "--key", "backup", "--cooldown", "1h", "ops", "backup failed"})
                  .exit_code,
              0);
  r = notify({"-c", path, "--key", "backup", "--resolve", "ops", "backup ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_THAT(texts()[1],
              MatchesRegex("resolved after 3 alerts since [0-9]{2}:[0-9]{2} UTC\nbackup ok"));
  // Resolved: the next resolve has nothing to say, the next failure goes out.
  EXPECT_EQ(notify({"-c", path, "--key", "backup", "--resolve", "ops", "ok"}).exit_code, 0);
  EXPECT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(notify({"-c", path, "--key", "backup", "--cooldown", "1h", "ops", "failed"}).exit_code,
            0);
  EXPECT_EQ(mm.request_count(), 3u);
}

TEST_F(AlertE2E, a_damaged_state_file_is_a_warning_and_the_message_goes_out) {
  ASSERT_EQ(notify({"-c", path, "--key", "disk", "--cooldown", "1h", "ops", "one"}).exit_code, 0);
  const auto dir = home / ".local/state/notify/alerts";
  ASSERT_TRUE(std::filesystem::exists(dir));
  for (const auto& e : std::filesystem::directory_iterator(dir))
    home.write_file(std::filesystem::relative(e.path(), home.path()).string(), "{broken");
  auto r = notify({"-c", path, "--key", "disk", "--cooldown", "1h", "ops", "two"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("is damaged"));
  EXPECT_EQ(mm.request_count(), 2u);
}

TEST_F(AlertE2E, a_duration_that_cannot_be_read_is_exit_status_2) {
  auto r = notify({"-c", path, "--key", "k", "--cooldown", "1week", "ops", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'1week'"));
  const auto bad = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
                          mattermost_url(mm) + "\"\ncooldown = \"soon\"\n");
  r = notify({"-c", bad, "--key", "k", "ops", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'soon'"));
  r = notify({"-c", bad, "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(AlertE2E, cooldown_and_resolve_need_a_key) {
  for (const char* flag : {"--resolve", "--cooldown=1h"}) {
    auto r = notify({"-c", path, flag, "ops", "x"});
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_THAT(r.err, HasSubstr("needs --key")) << flag;
  }
  EXPECT_EQ(mm.request_count(), 0u);
}

// `notify run` keys itself by its command line: a failing cron job with a
// cooldown sends its failure once, holds the next (its exit status still
// the command's), and says "resolved" on the first success.
TEST_F(AlertE2E, run_fail_fail_ok_with_a_cooldown_gives_failure_held_resolved) {
  const std::string fixed = (home / "fixed").string();
  const std::vector<std::string> job = {"-c", path, "run", "ops", "--cooldown", "1h", "--",
                                        "sh", "-c", "[ -e " + fixed + " ] || { echo broken; exit 4; }"};
  auto r = notify(job);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.out, "broken\n");
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts()[0], HasSubstr("sh failed (exit 4"));

  r = notify(job);
  EXPECT_EQ(r.exit_code, 4) << "held back is not a failure: the status is the command's";
  EXPECT_EQ(r.err, "") << "held back quietly: cron mails nothing but the job's output";
  EXPECT_EQ(mm.request_count(), 1u);

  home.write_file("fixed", "");
  r = notify(job);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_THAT(texts()[1], MatchesRegex("(.|\n)*resolved after 2 alerts since [0-9]{2}:[0-9]{2} "
                                       "UTC\n(.|\n)*"));
  r = notify(job);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 2u) << "resolved once; a healthy run says nothing";
}

TEST_F(AlertE2E, run_after_2_reports_the_second_failure_in_a_row) {
  const std::vector<std::string> job = {"-c", path, "run", "ops", "--after", "2", "--",
                                        "sh", "-c", "echo flaky; exit 1"};
  auto r = notify(job);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(mm.request_count(), 0u) << "one failure is not yet news";
  r = notify(job);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts()[0], HasSubstr("flaky"));
  // A wrong --after is said, and the job still runs: its status is ours.
  auto bad = notify({"-c", path, "run", "ops", "--after", "0", "--", "sh", "-c", "exit 5"});
  EXPECT_EQ(bad.exit_code, 5);
  EXPECT_THAT(bad.err, HasSubstr("--after 0: give a whole number from 1"));
}

}  // namespace
}  // namespace notify::test
