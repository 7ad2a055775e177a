// Quiet hours end to end: the real binary, a fake Mattermost, and a zone
// made up for the test (a POSIX TZ with an offset to the second) in which
// it is a few seconds before 07:00, the end of the profile's 22:00-07:00
// window. Messages sent then are kept (exit 0, quiet), urgent goes at
// once, and once the window is over the first flush sends one digest; a
// flush killed while the digest is in flight leaves the digest alone in
// the spool, and the next flush sends it, not the held messages again.

#include "e2e.hpp"

#include <regex>

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class QuietHoursE2E : public E2E {
 protected:
  FakeServer mm;
  std::string path;
  std::string tz;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    path = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) +
                  "\"\nretries = 0\nquiet_hours = \"22:00-07:00\"\n");
  }
  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, std::nullopt, {{"TZ", tz}});
  }
  std::vector<std::string> texts() {
    std::vector<std::string> out;
    for (const auto& r : mm.requests())
      for (auto& t : texts_of(r)) out.push_back(t);
    return out;
  }
};

TEST_F(QuietHoursE2E, kept_in_the_window_urgent_at_once_and_one_digest_after_a_kill_mid_flush) {
  // Half a minute of window left: room for the sends under the sanitizers,
  // and not long to wait for its end.
  tz = tz_where_now_is(6, 59, 30);
  auto r = run({"--json", "ops", "disk full on db1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "kept is not failed: cron mails nothing";
  const auto line = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(line.is_object()) << r.out;
  EXPECT_EQ(line.value("status", ""), "quiet");
  EXPECT_EQ(line.value("delivered", true), false);
  EXPECT_EQ(line.value("quiet_hours", ""), "22:00-07:00");
  EXPECT_EQ(line.value("until", ""), "07:00");
  const std::int64_t due = line.value("due_unix", std::int64_t{0});
  ASSERT_GT(due, std::time(nullptr) - 60) << "the test's zone puts now just before 07:00";

  r = run({"-v", "-t", "backup", "ops", "backup failed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("ops: kept for quiet hours 22:00-07:00 until 07:00"));
  r = run({"--dry-run", "ops", "what would happen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("--- ops: kept for quiet hours 22:00-07:00 until 07:00"));
  r = run({"--priority", "urgent", "ops", "the database is down"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(texts(), std::vector<std::string>{"the database is down"}) << "urgent goes at once";

  r = run({"spool", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << r.out;
  ASSERT_EQ(rows.size(), 2u) << r.out;
  for (const auto& row : rows) {
    EXPECT_EQ(row.value("quiet_hours", ""), "22:00-07:00");
    EXPECT_EQ(row.value("due_unix", std::int64_t{0}), due);
  }
  if (std::time(nullptr) < due) {
    r = run({"flush"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (std::time(nullptr) < due) {
      EXPECT_EQ(mm.request_count(), 1u) << "not due yet";
    }
  }

  // The window is over: the first flush that sends is killed with the
  // digest in flight (the service took it and has not answered).
  mm.push_reply([] {
    Reply slow = json_reply(200, "{}");
    slow.delay = std::chrono::seconds(30);
    return slow;
  }());
  RunOptions o;
  o.isolate(home.path());
  o.set_env("TZ", tz);
  o.timeout = std::chrono::seconds(90);
  bool killed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!killed && std::chrono::steady_clock::now() < deadline) {
    auto flush = spawn({NOTIFY_BINARY, "-c", path, "flush", "-v"}, o);
    // A flush before the end says nothing of a digest and ends.
    if (flush.wait_for_err("held for quiet hours go as one digest")) {
      ASSERT_TRUE(mm.wait_for_requests(2, std::chrono::seconds(20)));
      killed = flush.signal(SIGKILL);
    }
    flush.wait();
  }
  ASSERT_TRUE(killed);
  ASSERT_EQ(mm.request_count(), 2u);
  const std::regex digest(
      "2 messages held during quiet hours 22:00-07:00:\n\n\\[06:59\\] disk full on db1\n\n"
      "\\[06:59\\] backup\nbackup failed");
  EXPECT_TRUE(std::regex_match(texts()[1], digest)) << texts()[1];

  // Only the digest is left, with its text; the held messages are gone.
  r = run({"spool", "list", "--json"});
  const auto left = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(left.is_array() && left.size() == 1u) << r.out;
  EXPECT_TRUE(left[0]["quiet_hours"].is_null());
  EXPECT_EQ(left[0].value("due", false), true);

  r = run({"flush"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 3u);
  EXPECT_EQ(texts()[2], texts()[1]) << "the digest again (it was in flight), nothing else";
  EXPECT_EQ(pending(), 0u);
  r = run({"flush"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 3u);
}

TEST_F(QuietHoursE2E, a_window_that_is_none_is_exit_status_2_in_one_line) {
  const auto bad = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
                          mattermost_url(mm) + "\"\nquiet_hours = \"07:00-07:00\"\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-c", bad, "ops", "x"}, std::vector<std::string>{"-c", bad, "check"}}) {
    const auto r = notify(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "notify: error: " + bad + ":4:15: profile 'ops': 'quiet_hours' starts and ends at "
                     "07:00: give two different times, such as \"22:00-07:00\"\n");
  }
  const auto worse = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
                            mattermost_url(mm) + "\"\nquiet_below = \"never\"\n");
  const auto r = notify({"-c", worse, "ops", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'quiet_below' must be low, normal, high or urgent"));
  EXPECT_EQ(mm.request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
