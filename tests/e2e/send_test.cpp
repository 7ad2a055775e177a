// The real binary, end to end: stdin, arguments, exit status, output.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Services {
  FakeServer mm, tg, line, dc;
  Services() {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    line.set_handler(line_handler());
    dc.set_handler(discord_handler());
  }
  FakeServer& by_profile(const std::string& p) {
    if (p == "ops") return mm;
    if (p == "me") return tg;
    if (p == "family") return line;
    return dc;
  }
};

class SendE2E : public E2E {
 protected:
  Services s;
  std::string path;
  void SetUp() override { path = config(four_profiles(s.mm, s.tg, s.line, s.dc)); }
};

TEST_F(SendE2E, piped_text_arrives_exactly_at_each_service) {
  for (std::string p : {"ops", "me", "family", "dev"}) {
    auto r = notify({"-c", path, p}, std::string("disk /var 91%\n"));
    EXPECT_EQ(r.exit_code, 0) << p << ": " << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    auto reqs = s.by_profile(p).requests();
    ASSERT_EQ(reqs.size(), 1u) << p;
    EXPECT_EQ(texts_of(reqs[0]), std::vector<std::string>{"disk /var 91%"}) << p;
  }
  // Service specifics as they went over the wire.
  auto tg = s.tg.requests()[0];
  EXPECT_EQ(tg.path, std::string("/bot") + kTgToken + "/sendMessage");
  EXPECT_EQ(s.line.requests()[0].header("authorization"), std::string("Bearer ") + kLineToken);
  EXPECT_TRUE(s.line.requests()[0].header("x-line-retry-key"));
  EXPECT_EQ(s.dc.requests()[0].query_param("wait"), "true");
}

TEST_F(SendE2E, message_words_are_joined_with_spaces) {
  auto r = notify({"-c", path, "ops", "backup", "done:", "3", "files"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(s.mm.request_count(), 1u);
  EXPECT_EQ(texts_of(s.mm.requests()[0]), std::vector<std::string>{"backup done: 3 files"});
}

TEST_F(SendE2E, group_reaches_every_member_once) {
  auto r = notify({"-c", path, "all,ops", "-t", "nightly"}, std::string("all good\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (std::string p : {"ops", "me", "family", "dev"})
    EXPECT_EQ(s.by_profile(p).request_count(), 1u) << p;
}

TEST_F(SendE2E, empty_input_sends_nothing_and_exits_0) {
  auto r = notify({"-c", path, "all"}, std::string(" \n\t\n"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("nothing to send"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  auto q = notify({"-c", path, "-q", "all"}, std::string(""));
  EXPECT_EQ(q.exit_code, 0);
  EXPECT_EQ(q.err, "");
  for (std::string p : {"ops", "me", "family", "dev"}) EXPECT_EQ(s.by_profile(p).request_count(), 0u);
}

TEST_F(SendE2E, terminal_on_stdin_without_message_fails_fast) {
  RunOptions o;
  o.isolate(home.path());
  o.stdin_tty = true;
  o.timeout = std::chrono::seconds(10);
  auto r = run_process({NOTIFY_BINARY, "-c", path, "ops"}, o);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no message"));
  EXPECT_EQ(s.mm.request_count(), 0u);
}

TEST_F(SendE2E, unknown_target_exits_2_listing_known_names) {
  auto r = notify({"-c", path, "ops,nope"}, std::string("x"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown profile or group 'nope'"));
  EXPECT_THAT(r.err, HasSubstr("known: dev, family, me, ops, all"));
  EXPECT_EQ(s.mm.request_count(), 0u);
}

TEST_F(SendE2E, dry_run_prints_requests_masked_and_sends_nothing) {
  auto r = notify({"-c", path, "--dry-run", "all"}, std::string("hello\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (std::string p : {"ops", "me", "family", "dev"}) EXPECT_EQ(s.by_profile(p).request_count(), 0u);
  EXPECT_THAT(r.out, HasSubstr("POST " + s.mm.base_url() + "/hooks/***"));
  EXPECT_THAT(r.out, HasSubstr("POST " + s.tg.base_url() + "/bot***/sendMessage"));
  EXPECT_THAT(r.out, HasSubstr("Authorization: Bearer ***"));
  EXPECT_THAT(r.out, HasSubstr("/api/webhooks/1100000000000000001/***?wait=true"));
  for (const char* secret : {kTgToken, kLineToken, "testhook1234", "test-webhook-token"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(secret)));
    EXPECT_THAT(r.err, Not(HasSubstr(secret)));
  }
}

TEST_F(SendE2E, service_error_is_shown_with_hint_and_exit_1) {
  TelegramOptions only;
  only.known_chats = std::set<std::string>{"42"};
  s.tg.set_handler(telegram_handler(only));
  auto r = notify({"-c", path, "me", "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("chat not found"));
  // A command that works as it is: this file, this profile.
  EXPECT_THAT(r.err, HasSubstr("`notify -c " + path + " telegram discover --profile me`"));
  EXPECT_THAT(r.err, Not(HasSubstr(kTgToken)));
  EXPECT_EQ(s.tg.request_count(), 1u);  // a 400 is not retried
}

TEST_F(SendE2E, verbose_output_never_shows_secrets) {
  s.tg.push_reply(server_error(500));
  auto r = notify({"-c", path, "-v", "all"}, std::string("x\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("me: part 1: HTTP 500"));
  for (const char* secret : {kTgToken, kLineToken, "testhook1234", "test-webhook-token"})
    EXPECT_THAT(r.err, Not(HasSubstr(secret)));
}

TEST_F(SendE2E, json_reports_one_object_per_target) {
  auto r = notify({"-c", path, "--json", "ops,me"}, std::string("x\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> objs;
  while (std::getline(lines, line)) objs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0]["target"], "ops");
  EXPECT_EQ(objs[0]["delivered"], true);
  EXPECT_EQ(objs[0]["via"], "ops");
  EXPECT_EQ(objs[0]["parts"], 1);
  EXPECT_EQ(objs[0]["http_status"], 200);
  EXPECT_EQ(objs[0]["attempts"], 1);
  EXPECT_TRUE(objs[0]["error"].is_null());
  EXPECT_EQ(objs[1]["target"], "me");
}

TEST_F(SendE2E, retries_5xx_and_delivers_once) {
  s.mm.push_reply(server_error(500));
  s.mm.push_reply(server_error(502));
  auto r = notify({"-c", path, "--retries", "3", "ops", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(s.mm.request_count(), 3u);
}

TEST_F(SendE2E, test_command_reports_per_target) {
  auto r = notify({"-c", path, "test", "ops,dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("ops: delivered"));
  EXPECT_THAT(r.err, HasSubstr("dev: delivered"));
  ASSERT_EQ(s.dc.request_count(), 1u);
  EXPECT_THAT(texts_of(s.dc.requests()[0])[0], HasSubstr("Test message from notify"));
}

TEST_F(SendE2E, list_masks_secrets) {
  auto r = notify({"-c", path, "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ops"));
  EXPECT_THAT(r.out, HasSubstr("mattermost"));
  EXPECT_THAT(r.out, HasSubstr("all"));
  auto j = notify({"-c", path, "list", "--json"});
  EXPECT_EQ(j.exit_code, 0);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["profiles"].size(), 4u);
  auto n = notify({"-c", path, "list", "--names"});
  EXPECT_EQ(n.out, "dev\nfamily\nme\nops\nall\n");
  for (const auto& out : {r.out, j.out})
    for (const char* secret : {kTgToken, kLineToken, "testhook1234", "test-webhook-token"})
      EXPECT_THAT(out, Not(HasSubstr(secret)));
}

TEST_F(SendE2E, fallback_delivers_when_primary_fails) {
  auto cfg = four_profiles(s.mm, s.tg, s.line, s.dc);
  cfg.insert(cfg.find("[profiles.me]"), "fallback = \"me\"\nretries = 0\n\n");
  auto p = config(cfg);
  s.mm.push_reply(server_error(503));
  auto r = notify({"-c", p, "--json", "ops", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["delivered"], true);
  EXPECT_EQ(j["via"], "me");
  EXPECT_EQ(s.tg.request_count(), 1u);
  EXPECT_THAT(r.err, HasSubstr("via fallback 'me'"));
}

TEST_F(SendE2E, connection_refused_is_exit_1_with_reason) {
  int port;
  {
    FakeServer gone;
    port = gone.port();
  }
  auto p = config("[profiles.ops]\ntype = \"mattermost\"\nretries = 0\n"
                  "webhook_url = \"http://127.0.0.1:" + std::to_string(port) + "/hooks/abcdefgh123\"\n");
  auto r = notify({"-c", p, "ops", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("could not connect"));
  EXPECT_THAT(r.err, Not(HasSubstr("abcdefgh123")));
}

}  // namespace
}  // namespace notify::test
