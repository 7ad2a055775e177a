// `notify spool` in-process: the real spool in a temp directory, filled by
// app::send against a scripted HTTP client.

#include "app/spool_admin.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "app/profile_file.hpp"
#include "app/send.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::status_reply;

const char* kSpoolAdminConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"

[profiles.me]
type = "mattermost"
webhook_url = "https://mm.example/hooks/mememe"
)";

class SpoolAdminTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-spool-admin"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  config::Config cfg = *parse_profile_file(kSpoolAdminConfig, "test.toml");
  std::string dir = (tmp.path() / "spool").string();

  World world() {
    World w;
    w.http = &http;
    w.spool_dir = dir;
    w.clock = &clock;
    w.random = &random;
    w.env = [](const std::string&) { return std::nullopt; };
    w.masker = &masker;
    return w;
  }
  // A message kept for `target`: pending after a 503, a dead letter after a 400.
  void keep(const std::string& target, const std::string& body, bool dead) {
    http.script["https://mm.example/hooks/" + (target == "ops" ? std::string("opsopsops")
                                                               : std::string("mememe"))] = {
        status_reply(dead ? 400 : 503)};
    Draft d;
    d.title = "title of " + body;
    d.body = body;
    auto w = world();
    const auto r = send(cfg, {target}, d, SendOptions{}, w);
    ASSERT_EQ(r.outcomes.size(), 1u);
    ASSERT_TRUE(r.outcomes[0].spooled);
    ASSERT_EQ(r.outcomes[0].dead, dead);
  }
};

TEST_F(SpoolAdminTest, the_spool_is_under_xdg_state_home_else_home) {
  std::map<std::string, std::string> env;
  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  EXPECT_EQ(spool_dir(lookup), std::nullopt);
  env["HOME"] = "/home/al";
  EXPECT_EQ(spool_dir(lookup), "/home/al/.local/state/notify/spool");
  env["XDG_STATE_HOME"] = "relative";  // not absolute: not a place
  EXPECT_EQ(spool_dir(lookup), "/home/al/.local/state/notify/spool");
  env["XDG_STATE_HOME"] = "/state";
  EXPECT_EQ(spool_dir(lookup), "/state/notify/spool");
}

TEST_F(SpoolAdminTest, lists_pending_then_failed_with_each_targets_state_and_age) {
  keep("ops", "disk full", true);
  keep("me", "backup done", false);
  clock.advance(std::chrono::seconds(90));
  const auto l = list_spool(dir, clock);
  EXPECT_EQ(l.dir, dir);
  ASSERT_EQ(l.messages.size(), 2u);
  EXPECT_FALSE(l.messages[0].failed);
  EXPECT_EQ(l.messages[0].message.body, "backup done");
  EXPECT_TRUE(l.messages[1].failed);
  EXPECT_EQ(l.messages[1].message.title, "title of disk full");
  EXPECT_EQ(l.messages[1].age_seconds, 90);
  ASSERT_EQ(l.messages[1].targets.size(), 1u);
  const auto& t = l.messages[1].targets[0];
  EXPECT_EQ(t.name, "ops");
  EXPECT_EQ(t.attempts, 1);
  EXPECT_THAT(t.last_error, HasSubstr("400"));
  EXPECT_EQ(t.reason, t.last_error);
  EXPECT_TRUE(l.refused.empty());
}

TEST_F(SpoolAdminTest, counts_messages_by_target) {
  keep("ops", "one", false);
  keep("ops", "two", true);
  keep("me", "three", false);
  const auto c = count_spool(dir);
  EXPECT_EQ(c.waiting, (std::map<std::string, int>{{"me", 1}, {"ops", 1}}));
  EXPECT_EQ(c.failed, (std::map<std::string, int>{{"ops", 1}}));
}

TEST_F(SpoolAdminTest, a_file_the_spool_will_not_read_is_named_and_left_alone) {
  keep("me", "real", false);
  tmp.write_file("spool/000000000099.msg", "not a journal at all");
  const auto l = list_spool(dir, clock);
  EXPECT_EQ(l.messages.size(), 1u);
  ASSERT_EQ(l.refused.size(), 1u);
  EXPECT_THAT(l.refused[0], HasSubstr("000000000099.msg"));
  EXPECT_THAT(l.refused[0], HasSubstr("left alone"));
  // show names it as what it is: an io error, not a missing message.
  const auto shown = show_spooled(dir, "99", clock);
  ASSERT_FALSE(shown);
  EXPECT_EQ(shown.error().kind, ErrorKind::io);
  // drop leaves it alone too, saying so.
  const auto dropped = drop_spooled(dir, {{"99"}, false, false});
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error().kind, ErrorKind::io);
  EXPECT_TRUE(fs::exists(tmp.path() / "spool/000000000099.msg"));
}

TEST_F(SpoolAdminTest, show_takes_one_id_and_says_why_it_cannot) {
  keep("me", "the body", false);
  const auto id = std::to_string(list_spool(dir, clock).messages.at(0).id);
  const auto m = show_spooled(dir, id, clock);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->message.body, "the body");
  EXPECT_EQ(m->targets.at(0).name, "me");
  const auto word = show_spooled(dir, "1x", clock);
  ASSERT_FALSE(word);
  EXPECT_EQ(word.error().kind, ErrorKind::usage);
  EXPECT_EQ(word.error().message, "'1x' is not a message id");
  const auto none = show_spooled(dir, "12345", clock);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::usage);
  EXPECT_EQ(none.error().message, "no message 12345 in " + dir);
}

TEST_F(SpoolAdminTest, a_selection_is_ids_or_failed_or_all_never_two_of_them) {
  keep("me", "x", true);
  auto both = drop_spooled(dir, {{"1"}, true, false});
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message, "give IDs or --failed, not both");
  auto none = drop_spooled(dir, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "give message IDs, --failed or --all (see `notify spool`)");
  auto all = retry_spooled(dir, {{}, false, true}, cfg, [](const std::string&) { return true; });
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().message, "--all is not an option; use --failed or IDs");
  EXPECT_EQ(list_spool(dir, clock).messages.size(), 1u);  // nothing changed
}

TEST_F(SpoolAdminTest, drop_all_removes_pending_and_failed) {
  keep("ops", "a", false);
  keep("me", "b", true);
  auto r = drop_spooled(dir, {{}, false, true});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->done, 2);
  EXPECT_TRUE(r->problems.empty());
  EXPECT_TRUE(list_spool(dir, clock).messages.empty());
}

TEST_F(SpoolAdminTest, drop_failed_leaves_what_still_waits) {
  keep("ops", "waits", false);
  keep("me", "dead", true);
  auto r = drop_spooled(dir, {{}, true, false});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->done, 1);
  const auto l = list_spool(dir, clock);
  ASSERT_EQ(l.messages.size(), 1u);
  EXPECT_EQ(l.messages[0].message.body, "waits");
}

TEST_F(SpoolAdminTest, retry_reaches_dead_letters_only) {
  keep("ops", "waits", false);
  const auto id = std::to_string(list_spool(dir, clock).messages.at(0).id);
  auto r = retry_spooled(dir, {{id}, false, false}, cfg, [](const std::string&) { return true; });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(r.error().message, "no failed message " + id + " in " + dir);
}

TEST_F(SpoolAdminTest, retry_queues_a_dead_letter_again_with_the_profile_file_there_is_now) {
  cfg.absolute_path = "/old/profiles.toml";
  keep("me", "try me again", true);
  cfg.absolute_path = "/now/profiles.toml";
  std::vector<std::string> asked;
  auto r = retry_spooled(dir, {{}, true, false}, cfg, [&](const std::string& path) {
    asked.push_back(path);
    return false;  // the file it was sent with is gone
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->done, 1);
  EXPECT_THAT(asked, ElementsAre("/old/profiles.toml"));
  const auto l = list_spool(dir, clock);
  ASSERT_EQ(l.messages.size(), 1u);
  EXPECT_FALSE(l.messages[0].failed);
  EXPECT_EQ(l.messages[0].profile_file, "/now/profiles.toml");
}

TEST_F(SpoolAdminTest, retry_keeps_the_profile_file_that_is_still_there) {
  cfg.absolute_path = "/old/profiles.toml";
  keep("me", "try me again", true);
  cfg.absolute_path = "/now/profiles.toml";
  auto r = retry_spooled(dir, {{}, true, false}, cfg, [](const std::string&) { return true; });
  ASSERT_TRUE(r);
  EXPECT_EQ(list_spool(dir, clock).messages.at(0).profile_file, "/old/profiles.toml");
}

}  // namespace
}  // namespace notify::app
