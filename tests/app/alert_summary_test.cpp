// The cooldown summary in-process: held messages leave one summary due in
// the spool at the window's end; a flush before then sends nothing and
// holds nothing back, after it sends the summary once, and drops it when a
// message of the key went out meanwhile. Real spool and alert states in a
// temp directory, a scripted HTTP client, a fake clock.

#include "app/flush.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/alerts/store.hpp"
#include "app/send.hpp"
#include "app/spool_admin.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "spool/journal.hpp"
#include "support/app_world.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::status_reply;

const char* kAlertSummaryConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"
cooldown = "1h"
)";

constexpr std::int64_t kAlertSummaryTen02 = 1764583320;  // 2025-12-01 10:02 UTC
const std::string kAlertSummaryOps = "https://mm.example/hooks/opsopsops";

class AlertSummaryTest : public ::testing::Test {
 protected:
  AlertSummaryTest() { clock.set_unix(kAlertSummaryTen02); }

  test::TempDir tmp{"notify-alert-summary"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  std::vector<std::string> said;
  config::Config cfg = *config::parse_config(kAlertSummaryConfig, "test.toml", services::catalog());
  const AlertOptions disk{"disk", std::nullopt, false};

  World world() {
    World w = test::world_in(tmp, http, clock, random);
    w.masker = &masker;
    w.say = [this](Level, const std::string& t) { said.push_back(t); };
    return w;
  }
  SendResult send(const std::string& body, std::optional<AlertOptions> alert) {
    World w = world();
    Draft d;
    d.body = body;
    SendOptions o;
    if (alert) o.alert = *alert;
    return app::send(cfg, {"ops"}, d, o, w);
  }
  FlushResult flush() {
    World w = world();
    auto r = app::flush(cfg, FlushOptions{}, w);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : FlushResult{};
  }
  std::vector<SpooledMessage> spooled() {
    return list_spool((tmp.path() / "spool").string(), clock).messages;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> out;
    for (const auto& r : http.sent)
      if (r.url == kAlertSummaryOps) out.push_back(nlohmann::json::parse(r.body).value("text", ""));
    return out;
  }
  // 10:02 sent, then five held at 10:07 ... 10:27.
  void one_sent_five_held() {
    ASSERT_TRUE(send("disk full", disk).outcomes.at(0).delivered);
    for (int i = 1; i <= 5; ++i) {
      clock.advance(5min);
      ASSERT_EQ(send("disk full " + std::to_string(i) + "\nsecond line", disk).outcomes.at(0).held,
                i);
    }
  }
};

TEST_F(AlertSummaryTest, held_messages_leave_one_summary_due_at_the_windows_end) {
  one_sent_five_held();
  const auto waiting = spooled();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].summary_of, "disk");
  EXPECT_EQ(waiting[0].due_unix, kAlertSummaryTen02 + 3600);
  EXPECT_FALSE(waiting[0].due);
  ASSERT_EQ(waiting[0].targets.size(), 1u);
  EXPECT_EQ(waiting[0].targets[0].name, "ops");
  // Kept up to date for `spool show`.
  EXPECT_THAT(waiting[0].message.body, HasSubstr("(5 more of 'disk'"));
}

TEST_F(AlertSummaryTest, a_flush_before_the_due_time_sends_nothing_and_after_it_the_summary_once) {
  one_sent_five_held();
  const auto file = spooled().at(0);
  clock.set_unix(kAlertSummaryTen02 + 3599);
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.not_due, 1);
  EXPECT_EQ(f.left, 0);
  EXPECT_EQ(texts().size(), 1u);
  ASSERT_EQ(spooled().size(), 1u);
  EXPECT_EQ(spooled()[0].id, file.id);
  EXPECT_EQ(spooled()[0].message.body, file.message.body);  // untouched

  clock.set_unix(kAlertSummaryTen02 + 3600);
  f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts(), ElementsAre("disk full",
                                   "(5 more of 'disk' held back by cooldown, the first at 10:07 "
                                   "UTC, the last at 10:27)\ndisk full 5"));
  EXPECT_TRUE(spooled().empty());
  // Said once: not again by a flush, nor by the key's next message.
  flush();
  EXPECT_EQ(texts().size(), 2u);
  ASSERT_TRUE(send("disk full again", disk).outcomes.at(0).delivered);
  EXPECT_EQ(texts().back(), "disk full again");
}

TEST_F(AlertSummaryTest, a_summary_is_dropped_when_a_message_of_the_key_went_out_after) {
  one_sent_five_held();
  clock.set_unix(kAlertSummaryTen02 + 3700);  // the window is over: this one carries the count
  ASSERT_TRUE(send("disk full", disk).outcomes.at(0).delivered);
  EXPECT_THAT(texts().back(), HasSubstr("(5 more since 10:02 UTC, last at 10:27)"));
  ASSERT_EQ(spooled().size(), 1u);  // due, and owed nothing
  const auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.delivered, 0);
  EXPECT_EQ(texts().size(), 2u);
  EXPECT_TRUE(spooled().empty());
}

TEST_F(AlertSummaryTest, a_new_window_gets_its_own_summary_and_the_old_one_is_dropped) {
  one_sent_five_held();
  clock.set_unix(kAlertSummaryTen02 + 3700);
  ASSERT_TRUE(send("disk full", disk).outcomes.at(0).delivered);  // 11:03:40
  clock.advance(10min);
  ASSERT_EQ(send("still full", disk).outcomes.at(0).held, 1);
  ASSERT_EQ(spooled().size(), 2u);
  auto f = flush();  // the old one is due, and owed nothing: the new one waits
  EXPECT_EQ(f.delivered, 0);
  EXPECT_EQ(f.not_due, 1);
  ASSERT_EQ(spooled().size(), 1u);
  EXPECT_EQ(spooled()[0].due_unix, kAlertSummaryTen02 + 3700 + 3600);
  clock.set_unix(kAlertSummaryTen02 + 3700 + 3600);
  f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts().back(), HasSubstr("(1 more of 'disk' held back by cooldown"));
}

TEST_F(AlertSummaryTest, an_ordinary_message_is_not_held_back_by_a_summary_due_later) {
  one_sent_five_held();
  http.script[kAlertSummaryOps] = {status_reply(500), status_reply(200)};  // the last one stays
  const auto r = send("an ordinary message", std::nullopt);
  ASSERT_TRUE(r.outcomes.at(0).spooled);
  ASSERT_EQ(spooled().size(), 2u);
  const auto f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_EQ(f.not_due, 1);
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(texts().back(), "an ordinary message");
  ASSERT_EQ(spooled().size(), 1u);
  EXPECT_EQ(spooled()[0].summary_of, "disk");
}

TEST_F(AlertSummaryTest, a_summary_that_cannot_go_waits_in_the_journal_like_any_message) {
  one_sent_five_held();
  clock.set_unix(kAlertSummaryTen02 + 3600);
  http.script[kAlertSummaryOps] = {status_reply(500), status_reply(200)};  // the last one stays
  auto f = flush();
  EXPECT_EQ(f.left, 1);
  EXPECT_EQ(f.exit_status, 1);
  auto waiting = spooled();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].summary_of, "");  // an ordinary message now, with its text
  EXPECT_TRUE(waiting[0].due);
  EXPECT_THAT(waiting[0].message.body, HasSubstr("(5 more of 'disk'"));
  f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts().back(), HasSubstr("(5 more of 'disk'"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(AlertSummaryTest, a_dry_run_flush_shows_the_summary_and_changes_nothing) {
  one_sent_five_held();
  clock.set_unix(kAlertSummaryTen02 + 3600);
  World w = world();
  FlushOptions o;
  o.dry_run = true;
  const auto f = app::flush(cfg, o, w);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->dry_run.size(), 1u);
  EXPECT_EQ(texts().size(), 1u);
  ASSERT_EQ(spooled().size(), 1u);
  EXPECT_EQ(spooled()[0].summary_of, "disk");
  EXPECT_EQ(flush().delivered, 1);
}

TEST(AlertSummaryStateTest, the_waiting_summarys_id_is_kept_in_the_state_file) {
  alerts::AlertState st;
  st.key = "disk";
  st.profile = "ops";
  st.last_sent = kAlertSummaryTen02;
  st.held = 2;
  st.summary_id = 42;
  const auto back = alerts::decode_state(alerts::encode_state(st));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->summary_id, 42u);
  EXPECT_EQ(alerts::decode_state("{\"notify_alert\":1,\"summary_id\":\"x\"}"), std::nullopt)
      << "a field of the wrong type is damage";
}

TEST(DueJournalTest, due_and_summary_are_written_only_when_set_and_read_back) {
  spool::Record r;
  r.id = 7;
  r.targets = {"ops"};
  r.message.body = "x";
  std::string text = spool::encode_record(r);
  EXPECT_EQ(text.find("\"due\""), std::string::npos);
  EXPECT_EQ(text.find("\"summary\""), std::string::npos);
  auto back = spool::decode_journal(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->due_unix, 0);
  EXPECT_FALSE(back->summary);

  r.due_unix = kAlertSummaryTen02;
  r.summary = spool::Record::AlertSummary{"disk", 3600};
  back = spool::decode_journal(spool::encode_record(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->due_unix, kAlertSummaryTen02);
  ASSERT_TRUE(back->summary);
  EXPECT_EQ(back->summary->key, "disk");
  EXPECT_EQ(back->summary->cooldown, 3600);
}

TEST_F(AlertSummaryTest, a_journal_from_before_due_times_is_due_at_once) {
  // Written by the previous edition: no "due", no "summary".
  const std::string old =
      "{\"journal\":\"notify\",\"version\":3}\n"
      "{\"version\":3,\"id\":1,\"created\":1764583000,\"config\":\"\",\"message\":{\"body\":"
      "\"from an old journal\"},\"targets\":[\"ops\"],\"state\":{},\"plans\":{},\"accepted\":{},"
      "\"have\":[],\"destinations\":{},\"accept_new\":[],\"stream\":false,\"taking\":null,"
      "\"batch_of\":\"\"}\n";
  const auto rec = spool::decode_journal(old);
  ASSERT_TRUE(rec) << "the test's journal must be one the previous edition wrote";
  EXPECT_EQ(rec->due_unix, 0);
  tmp.make_dir("spool");
  tmp.write_file("spool/000000000001.msg", old);
  const auto f = flush();
  EXPECT_EQ(f.delivered, 1) << (f.refused.empty() ? "" : f.refused[0]);
  EXPECT_THAT(texts(), ElementsAre(HasSubstr("from an old journal")));  // late: "queued" first
}

}  // namespace
}  // namespace notify::app
