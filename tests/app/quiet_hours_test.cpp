// Quiet hours in-process: a message below the profile's quiet_below that
// arrives inside its window is kept in the spool, due at the window's end
// (exit status 0); urgent goes at once; a flush before the end sends
// nothing, the first after it one digest per profile, split as usual; a
// digest written before a crash is not sent twice. Real spool in a temp
// directory, a scripted HTTP client, a fake clock (UTC unless a test gives
// it Berlin's rule).

#include "app/flush.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "app/alerts/quiet_hours.hpp"
#include "app/send.hpp"
#include "app/spool_admin.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "spool/spool.hpp"
#include "support/app_world.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using test::status_reply;

const char* kConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"
quiet_hours = "22:00-07:00"
cooldown = "1h"

[profiles.day]
type = "mattermost"
webhook_url = "https://mm.example/hooks/daydayday"

[profiles.loud]
type = "mattermost"
webhook_url = "https://mm.example/hooks/loudloudloud"
quiet_hours = "22:00-07:00"
quiet_below = "high"

[profiles.note]
type = "mattermost"
webhook_url = "https://mm.example/hooks/notenotenote"
quiet_hours = "22:00-07:00"
notice_only = true

[profiles.small]
type = "mattermost"
webhook_url = "https://mm.example/hooks/smallsmall"
quiet_hours = "22:00-07:00"
max_length = 200

[profiles.nospool]
type = "mattermost"
webhook_url = "https://mm.example/hooks/nospoolnospool"
quiet_hours = "22:00-07:00"
spool = false

[groups]
both = ["ops", "day"]
)";

const std::int64_t kEleven = test::utc_at(2025, 12, 1, 23, 0);  // inside 22:00-07:00 (UTC)
const std::int64_t kSeven = test::utc_at(2025, 12, 2, 7, 0);    // the window's end
const std::string kOps = "https://mm.example/hooks/opsopsops";
const std::string kDay = "https://mm.example/hooks/daydayday";

class QuietHoursTest : public ::testing::Test {
 protected:
  QuietHoursTest() { clock.set_unix(kEleven); }

  test::TempDir tmp{"notify-quiet"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  std::vector<std::string> said;
  config::Config cfg = *config::parse_config(kConfig, "test.toml", services::catalog());

  std::string spool_dir() const { return (tmp.path() / "spool").string(); }
  World world() {
    World w = test::world_in(tmp, http, clock, random);
    w.masker = &masker;
    w.say = [this](Level, const std::string& t) { said.push_back(t); };
    return w;
  }
  SendResult send(const std::vector<std::string>& targets, const std::string& body,
                  std::optional<Priority> priority = std::nullopt, SendOptions o = {}) {
    World w = world();
    Draft d;
    d.body = body;
    d.priority = priority;
    return app::send(cfg, targets, d, o, w);
  }
  FlushResult flush(bool dry_run = false) {
    World w = world();
    FlushOptions o;
    o.dry_run = dry_run;
    auto r = app::flush(cfg, o, w);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : FlushResult{};
  }
  std::vector<SpooledMessage> spooled() { return list_spool(spool_dir(), clock).messages; }
  std::vector<std::string> texts(const std::string& url = kOps) {
    std::vector<std::string> out;
    for (const auto& r : http.sent)
      if (r.url == url) out.push_back(nlohmann::json::parse(r.body).value("text", ""));
    return out;
  }
  bool said_with(const std::string& part) const {
    return std::any_of(said.begin(), said.end(),
                       [&](const std::string& s) { return s.find(part) != std::string::npos; });
  }
};

TEST_F(QuietHoursTest, a_message_in_the_window_is_kept_due_at_its_end_and_is_no_failure) {
  const auto r = send({"ops"}, "disk full");
  EXPECT_EQ(r.exit_status, 0);
  ASSERT_EQ(r.outcomes.size(), 1u);
  const auto& oc = r.outcomes[0];
  EXPECT_FALSE(oc.delivered);
  EXPECT_EQ(oc.quiet_hours, "22:00-07:00");
  EXPECT_EQ(oc.quiet_until, kSeven);
  EXPECT_EQ(oc.quiet_until_local, "07:00");
  EXPECT_TRUE(oc.spooled);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_TRUE(said_with("ops: kept for quiet hours 22:00-07:00 until 07:00"));
  const auto waiting = spooled();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(std::to_string(waiting[0].id), oc.spool_id);
  EXPECT_EQ(waiting[0].due_unix, kSeven);
  EXPECT_FALSE(waiting[0].due);
  EXPECT_EQ(waiting[0].quiet_hours, "22:00-07:00");
  EXPECT_EQ(waiting[0].message.body, "disk full");
}

TEST_F(QuietHoursTest, urgent_goes_at_once_and_quiet_below_decides_what_else_does) {
  auto r = send({"ops"}, "the database is down", Priority::urgent);
  ASSERT_TRUE(r.outcomes.at(0).delivered);
  EXPECT_THAT(texts(), ElementsAre(HasSubstr("the database is down")));
  // quiet_below = "high": high goes, normal waits.
  EXPECT_TRUE(send({"loud"}, "high", Priority::high).outcomes.at(0).delivered);
  EXPECT_EQ(send({"loud"}, "normal", Priority::normal).outcomes.at(0).quiet_until, kSeven);
  EXPECT_EQ(spooled().size(), 1u);
}

TEST_F(QuietHoursTest, an_edit_in_place_goes_at_once_and_a_new_message_still_waits) {
  // The rule looks only at the anchor keyed_send gives a message that
  // replaces one (where the service can edit): an edit rings nobody.
  World w = world();
  Draft edit;
  edit.body = "disk 91%";
  edit.anchors["ops"].edit = {"m-1"};
  const auto r = app::send(cfg, {"ops"}, edit, SendOptions{}, w);
  EXPECT_EQ(r.outcomes.at(0).quiet_hours, "");
  EXPECT_EQ(http.sent.size(), 1u);
  EXPECT_TRUE(spooled().empty());
  EXPECT_EQ(send({"ops"}, "disk 92%").outcomes.at(0).quiet_until, kSeven);
  EXPECT_EQ(http.sent.size(), 1u);
}

TEST_F(QuietHoursTest, outside_the_window_a_message_goes_at_once) {
  clock.set_unix(kSeven);
  EXPECT_TRUE(send({"ops"}, "morning").outcomes.at(0).delivered);
  clock.set_unix(test::utc_at(2025, 12, 2, 21, 59));
  EXPECT_TRUE(send({"ops"}, "evening").outcomes.at(0).delivered);
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_group_is_held_per_profile) {
  const auto r = send({"ops", "day"}, "disk full");
  EXPECT_EQ(r.exit_status, 0);
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].target, "ops");
  EXPECT_EQ(r.outcomes[0].quiet_until, kSeven);
  EXPECT_EQ(r.outcomes[1].target, "day");
  EXPECT_TRUE(r.outcomes[1].delivered);
  EXPECT_TRUE(texts(kOps).empty());
  EXPECT_THAT(texts(kDay), ElementsAre("disk full"));
  ASSERT_EQ(spooled().size(), 1u);
  EXPECT_EQ(spooled()[0].targets.at(0).name, "ops");
}

TEST_F(QuietHoursTest, a_flush_in_the_window_sends_nothing_and_the_first_after_it_one_digest) {
  send({"ops"}, "disk full on db1");
  clock.set_unix(test::utc_at(2025, 12, 2, 1, 30));
  World w = world();
  Draft titled;
  titled.title = "backup";
  titled.body = "backup failed\nrsync: error 23";
  ASSERT_EQ(app::send(cfg, {"ops"}, titled, {}, w).outcomes.at(0).quiet_until, kSeven);
  clock.set_unix(test::utc_at(2025, 12, 2, 5, 0));
  send({"ops"}, "disk full on db2", Priority::low);

  clock.set_unix(kSeven - 1);
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.not_due, 3);
  EXPECT_EQ(f.delivered, 0);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_EQ(spooled().size(), 3u);

  clock.set_unix(kSeven + 120);
  f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts(), ElementsAre("3 messages held during quiet hours 22:00-07:00:\n\n"
                                   "[23:00] disk full on db1\n\n"
                                   "[01:30] backup\nbackup failed\nrsync: error 23\n\n"
                                   "[05:00] disk full on db2"));
  EXPECT_TRUE(spooled().empty());
  EXPECT_TRUE(said_with("ops: 3 messages held for quiet hours go as one digest"));
  // Sent once: the next flush has nothing.
  EXPECT_EQ(flush().delivered, 0);
  EXPECT_EQ(http.sent.size(), 1u);
}

TEST_F(QuietHoursTest, one_digest_per_profile) {
  send({"ops", "loud"}, "disk full");
  send({"loud"}, "cpu hot");
  clock.set_unix(kSeven);
  const auto f = flush();
  EXPECT_EQ(f.delivered, 2);
  EXPECT_THAT(texts(kOps), ElementsAre(StartsWith("1 message held during quiet hours")));
  EXPECT_THAT(texts("https://mm.example/hooks/loudloudloud"),
              ElementsAre("2 messages held during quiet hours 22:00-07:00:\n\n[23:00] disk full\n\n"
                          "[23:00] cpu hot"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_long_digest_is_split_into_parts_as_usual) {
  for (int i = 0; i < 4; ++i) send({"small"}, "message " + std::to_string(i) + " " + std::string(120, 'x'));
  clock.set_unix(kSeven);
  EXPECT_EQ(flush().delivered, 1);
  const auto parts = texts("https://mm.example/hooks/smallsmall");
  ASSERT_GE(parts.size(), 3u);
  std::string all;
  for (const auto& p : parts) {
    EXPECT_LE(p.size(), 200u);
    all += p;
  }
  for (int i = 0; i < 4; ++i) EXPECT_THAT(all, HasSubstr("message " + std::to_string(i)));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_digest_that_cannot_go_waits_as_one_message_and_goes_whole_later) {
  send({"ops"}, "one");
  send({"ops"}, "two");
  clock.set_unix(kSeven);
  http.script[kOps] = {status_reply(500), status_reply(200)};
  auto f = flush();
  EXPECT_EQ(f.exit_status, 1);
  EXPECT_EQ(f.left, 1);
  auto waiting = spooled();
  ASSERT_EQ(waiting.size(), 1u) << "the digest, in place of the two";
  EXPECT_EQ(waiting[0].quiet_hours, "");
  EXPECT_TRUE(waiting[0].due);
  f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts(), ElementsAre(StartsWith("2 messages"), StartsWith("2 messages")));
  EXPECT_EQ(texts()[0], texts()[1]);
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, held_messages_a_digest_already_holds_are_removed_not_sent_again) {
  // A flush died after writing the digest and before removing the two held
  // messages it is made of: all three are in the spool.
  const auto one = send({"ops"}, "one").outcomes.at(0).spool_id;
  const auto two = send({"ops"}, "two").outcomes.at(0).spool_id;
  spool::Record digest;
  digest.message.body = "the digest of one and two";
  digest.targets = {"ops"};
  digest.created_unix = kSeven;
  digest.digest_of = {std::stoull(one), std::stoull(two)};
  ASSERT_TRUE(spool::Spool(spool_dir()).begin(digest));
  ASSERT_EQ(spooled().size(), 3u);
  clock.set_unix(kSeven);
  const auto f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(texts(), ElementsAre("the digest of one and two"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_dry_run_says_the_message_would_be_kept_and_keeps_nothing) {
  SendOptions o;
  o.dry_run = true;
  const auto r = send({"ops", "day"}, "disk full", std::nullopt, o);
  ASSERT_EQ(r.dry_run.size(), 2u);
  EXPECT_EQ(r.dry_run[0].target, "ops");
  EXPECT_EQ(r.dry_run[0].quiet, "22:00-07:00 until 07:00");
  EXPECT_TRUE(r.dry_run[0].requests.empty());
  EXPECT_EQ(r.dry_run[1].target, "day");
  EXPECT_EQ(r.dry_run[1].quiet, "");
  EXPECT_FALSE(r.dry_run[1].requests.empty());
  EXPECT_TRUE(spooled().empty());
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(QuietHoursTest, a_dry_run_flush_shows_the_digest_and_changes_nothing) {
  send({"ops"}, "one");
  send({"ops"}, "two");
  clock.set_unix(kSeven);
  const auto f = flush(true);
  ASSERT_EQ(f.dry_run.size(), 1u);
  ASSERT_EQ(f.dry_run[0].requests.size(), 1u);
  EXPECT_THAT(f.dry_run[0].requests[0].body, HasSubstr("2 messages held during quiet hours"));
  EXPECT_TRUE(http.sent.empty());
  EXPECT_EQ(spooled().size(), 2u);
  EXPECT_EQ(flush().delivered, 1);
}

TEST_F(QuietHoursTest, a_connectivity_check_is_answered_at_once) {
  SendOptions o;
  o.journal = false;  // notify test
  EXPECT_TRUE(send({"ops"}, "test", std::nullopt, o).outcomes.at(0).delivered);
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_notice_only_profile_keeps_the_notice_never_the_text) {
  const auto r = send({"note", "day"}, "the secret report");
  ASSERT_EQ(r.outcomes.at(0).quiet_until, kSeven);
  const auto waiting = spooled();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].message.body, "new message (full text: day)");
  clock.set_unix(kSeven);
  EXPECT_EQ(flush().delivered, 1);
  const auto sent = texts("https://mm.example/hooks/notenotenote");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_THAT(sent[0], HasSubstr("[23:00] new message (full text: day)"));
  EXPECT_THAT(sent[0], Not(HasSubstr("secret")));
}

TEST_F(QuietHoursTest, a_keyed_message_counts_as_sent_when_kept_and_its_summary_joins_the_digest) {
  const AlertOptions disk{"disk", std::nullopt, false};
  SendOptions keyed;
  keyed.alert = disk;
  EXPECT_EQ(send({"ops"}, "disk full", std::nullopt, keyed).outcomes.at(0).quiet_until, kSeven);
  clock.advance(5min);
  EXPECT_EQ(send({"ops"}, "disk full again", std::nullopt, keyed).outcomes.at(0).held, 1)
      << "kept for quiet hours starts the cooldown window, as delivered would";
  // The summary is due at midnight, inside the window: it waits for the digest.
  clock.set_unix(kEleven + 3600);
  auto f = flush();
  EXPECT_EQ(f.delivered, 0);
  EXPECT_TRUE(http.sent.empty());
  clock.set_unix(kSeven);
  f = flush();
  EXPECT_EQ(f.delivered, 1);
  ASSERT_EQ(texts().size(), 1u);
  EXPECT_THAT(texts()[0], StartsWith("2 messages held during quiet hours 22:00-07:00:\n\n"
                                     "[23:00] disk full\n\n[00:00] (1 more of 'disk' held back"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, local_time_is_the_clocks_zone_across_the_change_to_winter_time) {
  // Berlin, 24 October 2026 23:00 CEST: the night ends at 07:00 CET, 06:00 UTC.
  const std::int64_t back = test::utc_at(2026, 10, 25, 1, 0);
  clock.zone = [back](std::int64_t t) -> std::int64_t { return t < back ? 7200 : 3600; };
  clock.set_unix(test::utc_at(2026, 10, 24, 21, 0));
  const auto oc = send({"ops"}, "disk full").outcomes.at(0);
  EXPECT_EQ(oc.quiet_until, test::utc_at(2026, 10, 25, 6, 0));
  EXPECT_EQ(oc.quiet_until_local, "07:00");
  clock.set_unix(test::utc_at(2026, 10, 25, 5, 59));
  EXPECT_EQ(flush().delivered, 0);
  clock.set_unix(test::utc_at(2026, 10, 25, 6, 0));
  EXPECT_EQ(flush().delivered, 1);
  EXPECT_THAT(texts(), ElementsAre(HasSubstr("[23:00] disk full")));
}

TEST_F(QuietHoursTest, the_digest_is_as_loud_as_the_loudest_message_in_it) {
  send({"ops"}, "low", Priority::low);
  send({"ops"}, "high", Priority::high);
  send({"ops"}, "normal");
  clock.set_unix(kSeven);
  EXPECT_EQ(flush().delivered, 1);
  ASSERT_EQ(http.sent.size(), 1u);
  const auto body = nlohmann::json::parse(http.sent[0].body);
  EXPECT_EQ(body["priority"]["priority"], "important") << body.dump();
}

TEST_F(QuietHoursTest, a_held_message_with_files_goes_on_its_own_at_the_same_flush) {
  World w = world();
  Draft with_file;
  with_file.body = "the report";
  with_file.files.push_back(Attachment{"report.txt", "numbers"});
  ASSERT_EQ(app::send(cfg, {"ops"}, with_file, {}, w).outcomes.at(0).quiet_until, kSeven);
  send({"ops"}, "disk full");
  clock.set_unix(kSeven);
  const auto f = flush();
  EXPECT_EQ(f.delivered, 2);
  const auto sent = texts();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_THAT(sent[0], HasSubstr("the report"));
  EXPECT_THAT(sent[0], HasSubstr("report.txt"));
  EXPECT_EQ(sent[1], "1 message held during quiet hours 22:00-07:00:\n\n[23:00] disk full");
  EXPECT_TRUE(spooled().empty());
}

TEST_F(QuietHoursTest, a_profile_that_spools_nothing_still_keeps_what_its_quiet_hours_hold) {
  // spool = false drops a message that failed; one held on purpose is kept.
  EXPECT_EQ(send({"nospool"}, "disk full").outcomes.at(0).quiet_until, kSeven);
  EXPECT_EQ(spooled().size(), 1u);
  clock.set_unix(kSeven);
  EXPECT_EQ(flush().delivered, 1);
  EXPECT_THAT(texts("https://mm.example/hooks/nospoolnospool"),
              ElementsAre(HasSubstr("[23:00] disk full")));
}

TEST_F(QuietHoursTest, a_held_batch_of_a_dead_stream_is_neither_lost_nor_sent_twice) {
  // A --stream died after cutting a batch and journalling it, held for quiet
  // hours, before it could note the batch taken: the buffer still says it
  // was cutting "batch one", which the spool has under the buffer's tag.
  const spool::Spool sp(spool_dir());
  spool::Record buffer;
  buffer.message.body = "the rest of the stream";
  buffer.targets = {"ops"};
  buffer.created_unix = kEleven;
  buffer.stream_open = true;
  buffer.taking = spool::Record::Taking{1, "batch one"};
  ASSERT_TRUE(sp.begin(buffer));
  spool::Record batch;
  batch.message.body = "batch one";
  batch.targets = {"ops"};
  batch.created_unix = kEleven;
  batch.batch_of = std::to_string(buffer.id) + ":1";
  batch.due_unix = kSeven;
  batch.quiet = spool::Record::QuietHold{"22:00-07:00"};
  ASSERT_TRUE(sp.begin(batch));

  clock.set_unix(kSeven);
  flush();
  flush();
  const auto sent = texts();
  ASSERT_EQ(sent.size(), 2u);
  std::string all;
  for (const auto& t : sent) all += t + "\n";
  EXPECT_EQ(all.find("batch one"), all.rfind("batch one")) << all;
  EXPECT_NE(all.find("batch one"), std::string::npos) << all;
  EXPECT_NE(all.find("the rest of the stream"), std::string::npos) << all;
  EXPECT_TRUE(spooled().empty());
}

TEST(QuietJournalTest, quiet_and_digest_of_are_written_only_when_set_and_read_back) {
  spool::Record r;
  r.id = 7;
  r.targets = {"ops"};
  r.message.body = "x";
  std::string text = spool::encode_record(r);
  EXPECT_EQ(text.find("\"quiet\""), std::string::npos);
  EXPECT_EQ(text.find("\"digest_of\""), std::string::npos);
  r.quiet = spool::Record::QuietHold{"22:00-07:00"};
  r.digest_of = {3, 4};
  const auto back = spool::decode_journal(spool::encode_record(r));
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->quiet);
  EXPECT_EQ(back->quiet->window, "22:00-07:00");
  EXPECT_EQ(back->digest_of, (std::vector<std::uint64_t>{3, 4}));
}

}  // namespace
}  // namespace notify::app
