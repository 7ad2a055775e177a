// A keyed send in-process: the real spool and alert states in a temp
// directory, a scripted HTTP client and a fake clock. What goes out, what
// is held back and counted, what a resolve says, and when a window starts.

#include "app/send.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/alerts/store.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "support/app_world.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using test::status_reply;

const char* kAlertSendConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"
cooldown = "1h"

[profiles.me]
type = "mattermost"
webhook_url = "https://mm.example/hooks/mememe"

[profiles.nospool]
type = "mattermost"
webhook_url = "https://mm.example/hooks/nospool"
spool = false
)";

constexpr std::int64_t kAlertSendTen02 = 1764583320;  // 2025-12-01 10:02 UTC

class AlertSendTest : public ::testing::Test {
 protected:
  AlertSendTest() { clock.set_unix(kAlertSendTen02); }

  test::TempDir tmp{"notify-alert-send"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  std::vector<std::string> said;
  config::Config cfg = *config::parse_config(kAlertSendConfig, "test.toml", services::catalog());

  SendResult send(std::vector<std::string> targets, const std::string& body,
                  AlertOptions alert) {
    World w = test::world_in(tmp, http, clock, random);
    w.masker = &masker;
    w.say = [this](Level, const std::string& t) { said.push_back(t); };
    Draft d;
    d.body = body;
    SendOptions o;
    o.alert = std::move(alert);
    return app::send(cfg, targets, d, o, w);
  }
  std::vector<std::string> texts_to(const std::string& hook) {
    std::vector<std::string> out;
    for (const auto& r : http.sent)
      if (r.url == "https://mm.example/hooks/" + hook)
        out.push_back(nlohmann::json::parse(r.body).value("text", ""));
    return out;
  }
};

TEST_F(AlertSendTest, the_profiles_cooldown_holds_back_and_the_next_says_how_many) {
  const AlertOptions disk{"disk", std::nullopt, false};
  auto r = send({"ops"}, "disk full", disk);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_TRUE(r.outcomes[0].delivered);
  for (int i = 1; i <= 11; ++i) {
    clock.advance(5min);
    r = send({"ops"}, "disk full", disk);
    EXPECT_EQ(r.exit_status, 0);
    ASSERT_EQ(r.outcomes.size(), 1u);
    EXPECT_FALSE(r.outcomes[0].delivered);
    EXPECT_EQ(r.outcomes[0].held, i);
  }
  EXPECT_THAT(said.back(), HasSubstr("ops: held back by cooldown (11 so far)"));
  clock.advance(5min);  // 11:02: the window is over
  r = send({"ops"}, "disk full", disk);
  EXPECT_TRUE(r.outcomes[0].delivered);
  EXPECT_THAT(texts_to("opsopsops"),
              ::testing::ElementsAre("disk full",
                                     "(11 more since 10:02 UTC, last at 10:57)\ndisk full"));
}

TEST_F(AlertSendTest, each_profile_has_its_own_window_and_count_line) {
  const AlertOptions disk{"disk", std::nullopt, false};
  send({"ops", "me"}, "disk full", disk);  // me has no cooldown
  clock.advance(5min);
  const auto r = send({"ops", "me"}, "disk full", disk);
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].target, "ops");
  EXPECT_EQ(r.outcomes[0].held, 1);
  EXPECT_EQ(r.outcomes[1].target, "me");
  EXPECT_TRUE(r.outcomes[1].delivered);
  EXPECT_EQ(texts_to("mememe").size(), 2u);
  EXPECT_EQ(texts_to("opsopsops").size(), 1u);
}

TEST_F(AlertSendTest, the_command_lines_cooldown_wins_over_the_profiles) {
  const AlertOptions disk{"disk", 60, false};
  send({"ops"}, "disk full", disk);
  clock.advance(30s);
  EXPECT_EQ(send({"ops"}, "disk full", disk).outcomes[0].held, 1);
  clock.advance(1min);  // past the minute, well inside the profile's hour
  EXPECT_TRUE(send({"ops"}, "disk full", disk).outcomes[0].delivered);
}

TEST_F(AlertSendTest, messages_without_a_key_are_never_held) {
  send({"ops"}, "disk full", {});
  EXPECT_TRUE(send({"ops"}, "disk full", {}).outcomes[0].delivered);
  EXPECT_EQ(texts_to("opsopsops").size(), 2u);
}

TEST_F(AlertSendTest, resolve_without_trouble_sends_nothing) {
  const auto r = send({"ops"}, "backup ok", {"backup", std::nullopt, true});
  EXPECT_TRUE(http.sent.empty());
  EXPECT_EQ(r.exit_status, 0);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_THAT(r.outcomes[0].skipped, HasSubstr("not in trouble"));
}

TEST_F(AlertSendTest, resolve_after_trouble_says_since_when_and_how_many) {
  clock.set_unix(kAlertSendTen02 - 8 * 3600);  // 02:02
  for (int i = 0; i < 3; ++i) {
    send({"ops"}, "backup failed", {"backup", std::nullopt, false});
    clock.advance(10min);
  }
  const auto r = send({"ops"}, "backup ok", {"backup", std::nullopt, true});
  EXPECT_TRUE(r.outcomes[0].delivered);
  EXPECT_EQ(texts_to("opsopsops").back(), "resolved after 3 alerts since 02:02 UTC\nbackup ok");
  EXPECT_EQ(texts_to("opsopsops").size(), 2u);  // two of the three were held back
  http.sent.clear();
  send({"ops"}, "backup ok", {"backup", std::nullopt, true});
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(AlertSendTest, a_message_kept_in_the_spool_starts_the_window) {
  http.respond = [](const HttpRequest&) { return status_reply(503); };
  auto r = send({"ops"}, "disk full", {"disk", std::nullopt, false});
  EXPECT_TRUE(r.outcomes[0].spooled);
  clock.advance(1min);
  r = send({"ops"}, "disk full", {"disk", std::nullopt, false});
  EXPECT_EQ(r.outcomes[0].held, 1);  // one copy waits already
}

TEST_F(AlertSendTest, a_message_neither_delivered_nor_kept_starts_no_window) {
  cfg.profiles.at("nospool").cooldown_s = 3600;
  http.respond = [](const HttpRequest&) { return status_reply(503); };
  auto r = send({"nospool"}, "disk full", {"disk", std::nullopt, false});
  EXPECT_FALSE(r.outcomes[0].delivered);
  EXPECT_FALSE(r.outcomes[0].spooled);
  http.respond = nullptr;
  clock.advance(1min);
  r = send({"nospool"}, "disk full", {"disk", std::nullopt, false});
  EXPECT_TRUE(r.outcomes[0].delivered);
}

TEST_F(AlertSendTest, a_damaged_state_is_reported_and_the_message_goes_out) {
  tmp.write_file("alerts/" + alerts::AlertStore::file_name("disk", "ops"), "garbage");
  const auto r = send({"ops"}, "disk full", {"disk", std::nullopt, false});
  EXPECT_TRUE(r.outcomes[0].delivered);
  EXPECT_THAT(said, ::testing::Contains(HasSubstr("is damaged")));
}

}  // namespace
}  // namespace notify::app
