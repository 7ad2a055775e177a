// Who gets a message and how much of it: min_priority skips a profile,
// notice_only sends it a notice instead of the text. In-process, with the
// real spool in a temp directory and a scripted HTTP client.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/flush.hpp"
#include "app/send.hpp"
#include "app/targets.hpp"
#include "spool/spool.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using test::status_reply;

const char* kLoudnessRouteConfig = R"(
[defaults]
retries = 0

[profiles.team]
type = "mattermost"
webhook_url = "https://mm.example/hooks/teamteam"

[profiles.phone]
type = "mattermost"
webhook_url = "https://mm.example/hooks/phonephone"
min_priority = "urgent"

[profiles.pager]
type = "mattermost"
webhook_url = "https://mm.example/hooks/pagerpager"
min_priority = "high"
fallback = "team"

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsops"
fallback = ["pager", "backup"]

[profiles.backup]
type = "mattermost"
webhook_url = "https://mm.example/hooks/backupbackup"

[profiles.public]
type = "mattermost"
webhook_url = "https://mm.example/hooks/publicpublic"
notice_only = true

[profiles.private]
type = "mattermost"
webhook_url = "https://mm.example/hooks/privateprivate"
fallback = "public"

[groups]
all = ["phone", "team"]
)";

const std::string kTeam = "https://mm.example/hooks/teamteam";
const std::string kPhone = "https://mm.example/hooks/phonephone";
const std::string kPager = "https://mm.example/hooks/pagerpager";
const std::string kLoudnessRouteOps = "https://mm.example/hooks/opsops";
const std::string kBackup = "https://mm.example/hooks/backupbackup";
const std::string kPublic = "https://mm.example/hooks/publicpublic";
const std::string kPrivate = "https://mm.example/hooks/privateprivate";
const std::string kSecret = "db password is hunter2";

class LoudnessRouteTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-loud"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  config::Config cfg = *config::parse_config(kLoudnessRouteConfig, "test.toml", services::catalog());

  World world() {
    World w;
    w.http = &http;
    w.spool_dir = (tmp.path() / "spool").string();
    w.clock = &clock;
    w.random = &random;
    w.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    w.read_file = [](const std::string&) -> Result<std::string> {
      return make_error(ErrorKind::io, "no files here");
    };
    w.masker = &masker;
    return w;
  }
  SendResult send(std::vector<std::string> targets, std::optional<Priority> level,
                  const std::string& body = "disk full", const std::string& title = "",
                  bool dry_run = false) {
    Draft d;
    d.body = body;
    d.title = title;
    d.priority = level;
    auto w = world();
    SendOptions so;
    so.dry_run = dry_run;
    return app::send(cfg, targets, d, so, w);
  }
  FlushResult flush() {
    auto w = world();
    auto r = app::flush(cfg, FlushOptions{}, w);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : FlushResult{};
  }
  std::vector<spool::Listed> pending() {
    return spool::Spool((tmp.path() / "spool").string()).list().pending;
  }
  // Every byte the spool holds on disk, whatever its layout.
  std::string spool_bytes() {
    std::string all;
    const auto root = tmp.path() / "spool";
    if (!fs::exists(root)) return all;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
  std::size_t sent_to(const std::string& url) {
    std::size_t n = 0;
    for (const auto& r : http.sent) n += r.url == url;
    return n;
  }
  std::string body_sent_to(const std::string& url) {
    std::string all;
    for (const auto& r : http.sent)
      if (r.url == url) all += r.body;
    return all;
  }
};

TEST_F(LoudnessRouteTest, an_urgent_message_reaches_every_member_of_the_group) {
  auto r = send({"phone", "team"}, Priority::urgent);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(sent_to(kPhone), 1u);
  EXPECT_EQ(sent_to(kTeam), 1u);
  for (const auto& oc : r.outcomes) EXPECT_TRUE(oc.skipped.empty()) << oc.target;
}

TEST_F(LoudnessRouteTest, a_quieter_message_skips_the_profile_without_failing_or_spooling) {
  http.script[kTeam] = {status_reply(200)};
  auto r = send({"phone", "team"}, std::nullopt);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(sent_to(kPhone), 0u);
  EXPECT_EQ(sent_to(kTeam), 1u);
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].target, "phone");
  EXPECT_FALSE(r.outcomes[0].delivered);
  EXPECT_EQ(r.outcomes[0].skipped, "priority normal is below its min_priority urgent");
  EXPECT_FALSE(r.outcomes[0].spooled);
  EXPECT_TRUE(r.outcomes[1].delivered);
  EXPECT_TRUE(r.lost.empty());
  EXPECT_TRUE(pending().empty());
}

TEST_F(LoudnessRouteTest, the_profiles_own_priority_counts_as_the_messages_level) {
  cfg.profiles.at("phone").priority = Priority::urgent;
  send({"phone"}, std::nullopt);
  EXPECT_EQ(sent_to(kPhone), 1u);
}

TEST_F(LoudnessRouteTest, a_failing_send_keeps_only_the_targets_that_took_part) {
  http.script[kTeam] = {status_reply(503)};
  auto r = send({"phone", "team"}, Priority::high);
  EXPECT_EQ(r.exit_status, 1);
  auto kept = pending();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].record.targets, std::vector<std::string>{"team"});
}

TEST_F(LoudnessRouteTest, every_target_skipped_sends_nothing_and_exits_0) {
  auto r = send({"phone", "pager"}, Priority::low);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_TRUE(pending().empty());
  for (const auto& oc : r.outcomes) EXPECT_FALSE(oc.skipped.empty()) << oc.target;
}

TEST_F(LoudnessRouteTest, a_skipped_targets_fallbacks_are_not_tried) {
  // pager falls back to team; a normal message is not pager's at all.
  auto r = send({"pager"}, std::nullopt);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(sent_to(kTeam), 0u);
}

TEST_F(LoudnessRouteTest, a_fallback_that_skips_the_level_is_passed_over) {
  http.script[kLoudnessRouteOps] = {status_reply(500)};
  auto normal = send({"ops"}, std::nullopt);
  EXPECT_EQ(normal.exit_status, 0);
  EXPECT_EQ(sent_to(kPager), 0u);
  EXPECT_EQ(normal.outcomes[0].via, "backup");

  http.sent.clear();
  http.script[kLoudnessRouteOps] = {status_reply(500)};
  auto high = send({"ops"}, Priority::high);
  EXPECT_EQ(high.outcomes[0].via, "pager");
  EXPECT_EQ(sent_to(kBackup), 0u);
}

TEST_F(LoudnessRouteTest, a_spooled_message_keeps_its_level_through_flush) {
  http.script[kPhone] = {status_reply(503)};
  send({"phone", "team"}, Priority::urgent);
  ASSERT_EQ(pending().size(), 1u);
  http.script.clear();
  http.sent.clear();
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.delivered, 1);
  EXPECT_EQ(sent_to(kPhone), 1u);
}

TEST_F(LoudnessRouteTest, flush_skips_with_the_profile_as_it_is_then) {
  http.script[kTeam] = {status_reply(503)};
  send({"team"}, std::nullopt);
  ASSERT_EQ(pending().size(), 1u);
  cfg.profiles.at("team").min_priority = Priority::high;
  http.script.clear();
  http.sent.clear();
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_TRUE(http.sent.empty());
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_THAT(f.items[0].outcome.skipped, HasSubstr("min_priority high"));
  EXPECT_EQ(f.left, 0);
  EXPECT_TRUE(pending().empty());
}

TEST_F(LoudnessRouteTest, a_notice_only_profile_gets_the_title_and_where_the_text_went) {
  auto r = send({"private", "public"}, std::nullopt, kSecret, "db alert");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_THAT(body_sent_to(kPrivate), HasSubstr("hunter2"));
  const auto notice = body_sent_to(kPublic);
  EXPECT_THAT(notice, Not(HasSubstr("hunter2")));
  EXPECT_THAT(notice, HasSubstr("db alert"));
  EXPECT_THAT(notice, HasSubstr("new message (full text: private)"));
}

TEST_F(LoudnessRouteTest, a_notice_without_a_title_says_new_message) {
  send({"public"}, std::nullopt, kSecret);
  const auto notice = body_sent_to(kPublic);
  EXPECT_THAT(notice, HasSubstr("new message"));
  EXPECT_THAT(notice, Not(HasSubstr("hunter2")));
  EXPECT_THAT(notice, Not(HasSubstr("full text")));
}

TEST_F(LoudnessRouteTest, a_failed_notice_is_spooled_without_the_text_and_flushed_as_written) {
  http.script[kPublic] = {status_reply(503)};
  auto r = send({"private", "public"}, std::nullopt, kSecret);
  EXPECT_EQ(r.exit_status, 1);
  auto kept = pending();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].record.targets, std::vector<std::string>{"public"});
  EXPECT_THAT(spool_bytes(), Not(HasSubstr("hunter2")));
  http.script.clear();
  http.sent.clear();
  auto f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_THAT(body_sent_to(kPublic), HasSubstr("new message (full text: private)"));
}

TEST_F(LoudnessRouteTest, a_notice_only_fallback_gets_only_the_notice) {
  http.script[kPrivate] = {status_reply(500)};
  auto r = send({"private"}, std::nullopt, kSecret, "db alert");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.outcomes[0].via, "public");
  const auto notice = body_sent_to(kPublic);
  EXPECT_THAT(notice, Not(HasSubstr("hunter2")));
  EXPECT_THAT(notice, HasSubstr("db alert"));
}

TEST_F(LoudnessRouteTest, a_dry_run_shows_the_notice_and_the_skips) {
  auto r = send({"phone", "private", "public"}, std::nullopt, kSecret, "", true);
  EXPECT_TRUE(http.sent.empty());
  ASSERT_EQ(r.dry_run.size(), 3u);
  EXPECT_EQ(r.dry_run[0].target, "phone");
  EXPECT_THAT(r.dry_run[0].skipped, HasSubstr("min_priority urgent"));
  EXPECT_EQ(r.dry_run[2].target, "public");
  ASSERT_FALSE(r.dry_run[2].requests.empty());
  for (const auto& req : r.dry_run[2].requests) EXPECT_THAT(req.body, Not(HasSubstr("hunter2")));
}

TEST(NoticeTest, a_notice_is_recognised_and_the_text_is_not) {
  Draft d;
  d.title = "db alert";
  d.body = kSecret;
  EXPECT_FALSE(is_notice(d));
  EXPECT_TRUE(is_notice(notice_of(d, {"private", "mm-2.home"})));
  EXPECT_TRUE(is_notice(notice_of(d, {})));
  d.body = "new message (full text: x) and the password";
  EXPECT_FALSE(is_notice(d));
  d.body = "new message (full text: ops; rm -rf)";
  EXPECT_FALSE(is_notice(d));
}

}  // namespace
}  // namespace notify::app
