// The application layer in-process: the real spool in a temp directory,
// a scripted HTTP client and a clock that moves only when the code waits.

#include "app/send.hpp"
#include "app/targets.hpp"
#include "spool/spool.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "app/flush.hpp"
#include "config/loader.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"
#include "services/registry.hpp"

namespace notify::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::status_reply;

const char* kSendConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"
fallback = "me"
max_length = 64

[profiles.me]
type = "mattermost"
webhook_url = "https://mm.example/hooks/mememe"

[profiles.env]
type = "mattermost"
webhook_url = "${HOOK}"

[profiles.family]
type = "line"
token = "line-token-123456"
to = "U0123456789abcdef0123456789abcdef"
api_base = "https://line.example"

[groups]
all = ["ops", "me"]
)";

std::string text_of(const HttpRequest& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.contains("text")) return j["text"];
  if (j.contains("messages")) return j["messages"][0]["text"];
  return "";
}

class AppTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-app"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  std::map<std::string, std::string> env;
  std::vector<std::string> said;
  config::Config cfg = *config::parse_config(kSendConfig, "test.toml", services::catalog());

  World world() {
    World w;
    w.http = &http;
    w.spool_dir = (tmp.path() / "spool").string();
    w.clock = &clock;
    w.random = &random;
    w.env = [this](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    w.read_file = [](const std::string&) -> Result<std::string> {
      return make_error(ErrorKind::io, "no files here");
    };
    w.masker = &masker;
    w.say = [this](Level, const std::string& t) { said.push_back(t); };
    return w;
  }
  SendResult send(std::vector<std::string> targets, const std::string& body) {
    Draft d;
    d.body = body;
    auto w = world();
    return app::send(cfg, targets, d, SendOptions{}, w);
  }
  FlushResult flush() {
    auto w = world();
    auto r = app::flush(cfg, FlushOptions{}, w);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : FlushResult{};
  }
  std::size_t spooled(bool failed = false) {
    spool::Spool sp((tmp.path() / "spool").string());
    auto l = sp.list();
    return failed ? l.failed.size() : l.pending.size();
  }
  std::size_t sent_to(const std::string& url) {
    std::size_t n = 0;
    for (const auto& r : http.sent) n += r.url == url;
    return n;
  }
};

TEST_F(AppTest, the_message_is_on_disk_before_the_first_request_and_gone_after) {
  std::size_t on_disk_at_first_request = 0;
  http.respond = [&](const HttpRequest&) {
    if (http.sent.size() == 1) on_disk_at_first_request = spooled();
    return status_reply(200);
  };
  auto r = send({"me"}, "hello");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(on_disk_at_first_request, 1u);
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(AppTest, a_split_message_resumes_after_its_last_accepted_part) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += "line " + std::to_string(i) + " " + std::string(40, 'x') + "\n";
  // ops takes part 1, then fails; its fallback is down too.
  int ops_calls = 0;
  http.respond = [&](const HttpRequest& r) {
    if (r.url.find("opsopsops") != std::string::npos) return status_reply(++ops_calls == 1 ? 200 : 503);
    return status_reply(503);
  };
  auto r = send({"ops"}, body);
  EXPECT_EQ(r.exit_status, 1);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_TRUE(r.outcomes[0].spooled);
  EXPECT_EQ(spooled(), 1u);
  const auto first_part = text_of(http.sent[0]);

  http.sent.clear();
  http.respond = nullptr;
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_EQ(f.delivered, 1);
  ASSERT_EQ(sent_to("https://mm.example/hooks/opsopsops"), 2u);  // parts 2 and 3 only
  for (const auto& req : http.sent) EXPECT_NE(text_of(req), first_part);
  EXPECT_THAT(text_of(http.sent[0]), HasSubstr("(2/3)"));
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(AppTest, a_destination_reached_as_target_and_as_fallback_gets_one_copy) {
  http.script["https://mm.example/hooks/opsopsops"] = {status_reply(500)};
  auto r = send({"ops", "me"}, "datacenter power back");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.outcomes[0].via, "me");
  EXPECT_EQ(sent_to("https://mm.example/hooks/mememe"), 1u);
}

TEST_F(AppTest, a_permanent_failure_is_a_dead_letter_never_retried_by_flush) {
  HttpResponse invalid = status_reply(400);
  invalid.body = R"({"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook"})";
  http.script["https://mm.example/hooks/mememe"] = {invalid};
  auto r = send({"me"}, "x");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_TRUE(r.outcomes[0].dead);
  EXPECT_EQ(spooled(), 0u);
  EXPECT_EQ(spooled(true), 1u);
  http.sent.clear();
  auto f = flush();
  EXPECT_EQ(f.exit_status, 0);
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(AppTest, an_unresolvable_secret_keeps_only_that_profiles_messages) {
  env["HOOK"] = "https://mm.example/hooks/envenvenv";
  http.script["https://mm.example/hooks/envenvenv"] = {status_reply(503)};
  http.script["https://mm.example/hooks/mememe"] = {status_reply(503)};
  send({"env"}, "first");
  send({"me"}, "second");
  ASSERT_EQ(spooled(), 2u);
  env.clear();  // cron's environment lacks it
  http.script.clear();
  http.sent.clear();
  auto f = flush();
  EXPECT_EQ(f.delivered, 1);
  EXPECT_EQ(f.left, 1);
  EXPECT_EQ(f.exit_status, 1);
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(text_of(http.sent[0]), "second");
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_THAT(f.items[0].outcome.error, HasSubstr("HOOK"));
}

TEST_F(AppTest, a_resumed_line_push_reuses_its_retry_key) {
  http.script["https://line.example/v2/bot/message/push"] = {status_reply(500)};
  send({"family"}, "hello");
  ASSERT_EQ(http.sent.size(), 1u);
  const auto key = http.sent[0].headers;
  http.script.clear();
  auto f = flush();
  EXPECT_EQ(f.delivered, 1);
  ASSERT_EQ(http.sent.size(), 2u);
  auto header = [](const HttpRequest& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "X-Line-Retry-Key") return v;
    return std::string();
  };
  EXPECT_FALSE(header(http.sent[0]).empty());
  EXPECT_EQ(header(http.sent[0]), header(http.sent[1]));
}

TEST_F(AppTest, a_late_delivery_says_when_the_message_was_first_sent) {
  http.script["https://mm.example/hooks/mememe"] = {status_reply(503)};
  send({"me"}, "hello");
  http.script.clear();
  http.sent.clear();
  clock.advance(std::chrono::minutes(10));
  flush();
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_THAT(text_of(http.sent[0]), HasSubstr("queued 04:00 UTC"));
}

TEST_F(AppTest, flush_goes_in_sequence_order_and_holds_back_a_failed_targets_later_messages) {
  http.script["https://mm.example/hooks/mememe"] = {status_reply(503)};
  for (std::string m : {"one", "two", "three"}) send({"me"}, m);
  http.script["https://mm.example/hooks/mememe"] = {status_reply(200), status_reply(503)};
  http.sent.clear();
  auto f = flush();
  // "one" goes, "two" fails, "three" must wait behind it.
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_EQ(text_of(http.sent[0]), "one");
  EXPECT_EQ(text_of(http.sent[1]), "two");
  EXPECT_EQ(f.left, 2);
}

TEST_F(AppTest, an_unusable_spool_is_an_error_before_anything_is_sent) {
  fs::create_directories(tmp.path());
  tmp.write_file("spool", "a file where the directory should be");
  auto w = world();
  auto r = app::flush(cfg, FlushOptions{}, w);
  EXPECT_FALSE(r);
  EXPECT_TRUE(http.sent.empty());
  // A send still goes out, without its safety copy, and says so.
  auto s = send({"me"}, "hello");
  EXPECT_EQ(s.exit_status, 0);
  EXPECT_FALSE(s.unspooled_reason.empty());
}

TEST_F(AppTest, a_stop_before_the_first_request_keeps_the_message_in_the_spool) {
  auto w = world();
  w.stop.requested = [] { return true; };
  Draft d;
  d.body = "hello";
  auto r = app::send(cfg, {"me"}, d, SendOptions{}, w);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_TRUE(r.outcomes[0].spooled);
  EXPECT_FALSE(r.outcomes[0].dead);
  EXPECT_EQ(spooled(), 1u);
}

}  // namespace
}  // namespace notify::app

namespace notify::app {
namespace {

// A flush of many messages must not pay a new client (connections, TLS
// handshakes) for each one.
TEST_F(AppTest, a_flush_makes_one_client_for_all_its_messages) {
  http.respond = [](const HttpRequest&) { return status_reply(503); };
  for (int i = 0; i < 5; ++i) send({"me"}, "kept " + std::to_string(i));
  ASSERT_EQ(spooled(), 5u);
  http.respond = nullptr;
  int made = 0;
  auto w = world();
  w.http = nullptr;
  w.make_http = [&] {
    ++made;
    return std::make_unique<test::FakeHttpClient>(&clock);
  };
  auto r = app::flush(cfg, FlushOptions{}, w);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->delivered, 5);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(w.http, nullptr) << "the flush's client outlived it in the world";
}

}  // namespace
}  // namespace notify::app
