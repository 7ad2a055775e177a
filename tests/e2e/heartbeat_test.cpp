// Heartbeats through the real binary (PRODUCT.md "Heartbeats"): healthchecks
// and Uptime Kuma against fakes that validate as the servers do. `run` pings
// start and exit status with one rid; a plain send is success whatever its
// priority; --fail is failure; the report keeps its tail within the server's
// Ping-Body-Limit; secrets never show; errors, retries and the spool.

#include <csignal>
#include <filesystem>
#include <regex>

#include "e2e.hpp"
#include "support/fake_heartbeat.hpp"
#include "support/subprocess.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCheckUuid = "5c1ab0d2-7e0b-4c1f-9b6e-2f7d8a9c0e11";
constexpr const char* kPushToken = "AbCdEf0123456789AbCdEf0123456789";

class HeartbeatE2E : public E2E {
 protected:
  FakeServer hc_server, kuma_server, chat;
  FakeHealthchecks hc;
  FakeUptimeKuma kuma;
  std::string path;

  void SetUp() override {
    hc_server.set_handler(hc.handler());
    kuma_server.set_handler(kuma.handler());
    chat.set_handler(mattermost_handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& defaults = "retries = 0\ntimeout = 5\n") const {
    return "[defaults]\n" + defaults + "\n[profiles.hc]\ntype = \"healthchecks\"\nping_url = \"" +
           hc.ping_url(hc_server) + "\"\n\n[profiles.kuma]\ntype = \"uptime_kuma\"\npush_url = \"" +
           kuma.push_url(kuma_server) + "?status=up&msg=OK&ping=\"\n\n[profiles.ops]\ntype = " +
           "\"mattermost\"\nwebhook_url = \"" + mattermost_url(chat) +
           "\"\n\n[groups]\nbeats = [\"hc\", \"kuma\"]\nall = [\"hc\", \"kuma\", \"ops\"]\n";
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    for (const auto* secret : {kCheckUuid, kPushToken}) {
      EXPECT_THAT(r.out, Not(HasSubstr(secret)));
      EXPECT_THAT(r.err, Not(HasSubstr(secret)));
    }
  }
};

TEST_F(HeartbeatE2E, a_plain_send_pings_success_with_the_text_whatever_its_priority) {
  auto r = run({"--priority", "urgent", "beats"}, std::string("backup done\nall 3 volumes\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(pings[0].kind, "success");
  EXPECT_EQ(pings[0].body, "backup done\nall 3 volumes");
  EXPECT_EQ(pings[0].rid, "");
  const auto pushes = kuma.pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].status, "up");
  EXPECT_EQ(pushes[0].msg, "backup done");
  EXPECT_FALSE(pushes[0].ping.has_value());
}

TEST_F(HeartbeatE2E, fail_pings_failure_even_with_nothing_on_stdin) {
  auto r = run({"--fail", "beats"}, std::string(""));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(hc.pings().size(), 1u);
  EXPECT_EQ(hc.pings()[0].kind, "fail");
  ASSERT_EQ(kuma.pushes().size(), 1u);
  EXPECT_EQ(kuma.pushes()[0].status, "down");
  // A chat in the same group gets no empty message.
  auto mixed = run({"--fail", "all"}, std::string(""));
  EXPECT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(hc.pings().size(), 2u);
  EXPECT_EQ(chat.request_count(), 0u);
}

TEST_F(HeartbeatE2E, run_pings_start_then_the_exit_status_with_one_rid_whatever_on_says) {
  // --on success: a failure is no report for the chat, but the switches hear it.
  auto r = run({"run", "--on", "success", "all", "--", "sh", "-c", "echo step one; echo boom >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(chat.request_count(), 0u);
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_EQ(pings[0].kind, "start");
  EXPECT_EQ(pings[0].body, "");
  EXPECT_EQ(pings[1].kind, "exit");
  EXPECT_EQ(pings[1].exit_status, 3);
  EXPECT_TRUE(std::regex_match(pings[0].rid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << pings[0].rid;
  EXPECT_EQ(pings[1].rid, pings[0].rid);
  EXPECT_THAT(pings[1].body, HasSubstr("sh failed (exit 3"));
  EXPECT_THAT(pings[1].body, HasSubstr("boom"));
  // Kuma has no start: one push, down, with the report's first line and the time.
  const auto pushes = kuma.pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].status, "down");
  EXPECT_THAT(pushes[0].msg, HasSubstr("sh failed (exit 3"));
  ASSERT_TRUE(pushes[0].ping.has_value());
  EXPECT_GE(*pushes[0].ping, 0);

  // A second run: a new rid, and a success is /0 and up.
  auto ok = run({"run", "beats", "--", "true"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto again = hc.pings();
  ASSERT_EQ(again.size(), 4u);
  EXPECT_EQ(again[3].kind, "exit");
  EXPECT_EQ(again[3].exit_status, 0);
  EXPECT_EQ(again[2].rid, again[3].rid);
  EXPECT_NE(again[3].rid, pings[0].rid);
  ASSERT_EQ(kuma.pushes().size(), 2u);
  EXPECT_EQ(kuma.pushes()[1].status, "up");
}

TEST_F(HeartbeatE2E, run_with_a_key_and_after_still_pings_every_end) {
  // --after 3 holds the chat's failure report back twice; a dead-man switch
  // must still hear each run.
  for (int i = 0; i < 2; ++i) {
    auto r = run({"run", "--after", "3", "all", "--", "false"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
  }
  EXPECT_EQ(chat.request_count(), 0u);
  int ends = 0;
  for (const auto& p : hc.pings()) ends += p.kind == "exit" && p.exit_status == 1;
  EXPECT_EQ(ends, 2);
}

TEST_F(HeartbeatE2E, dry_run_list_and_json_never_show_the_uuid_or_the_token) {
  auto dry = run({"--dry-run", "beats", "hello"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out + dry.err, HasSubstr("healthchecks"));
  EXPECT_THAT(dry.out + dry.err, HasSubstr("status=up"));
  expect_no_secret(dry);
  auto run_dry = run({"--dry-run", "run", "beats", "--", "false"});
  expect_no_secret(run_dry);
  auto listed = run({"list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("healthchecks  "));
  EXPECT_THAT(listed.out, HasSubstr("/api/push/***"));
  expect_no_secret(listed);
  auto listed_json = run({"list", "--json"});
  expect_no_secret(listed_json);
  auto verbose = run({"-v", "beats", "hi"});
  expect_no_secret(verbose);
  EXPECT_TRUE(hc.pings().size() == 1u && hc.pings()[0].body == "hi");
  EXPECT_EQ(dry.exit_code + listed.exit_code + listed_json.exit_code + verbose.exit_code, 0);
}

TEST_F(HeartbeatE2E, a_deleted_check_is_one_clear_line_and_a_dead_letter) {
  const std::string other = hc_server.base_url() + "/ping/00000000-0000-4000-8000-000000000000";
  path = config("[profiles.hc]\ntype = \"healthchecks\"\nping_url = \"" + other +
                "\"\nretries = 0\n[profiles.kuma]\ntype = \"uptime_kuma\"\npush_url = \"" +
                kuma_server.base_url() + "/api/push/ZZZZZZ0123456789AbCdEf0123456789\"\nretries = 0\n");
  auto r = run({"hc", "ping"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("404"));
  EXPECT_THAT(r.err, HasSubstr("ping_url"));
  EXPECT_THAT(r.err, Not(HasSubstr("00000000-0000")));
  auto k = run({"kuma", "ping"});
  EXPECT_EQ(k.exit_code, 1);
  EXPECT_THAT(k.err, HasSubstr("Monitor not found or not active."));
  EXPECT_THAT(k.err, Not(HasSubstr("ZZZZZZ0123456789")));
  EXPECT_EQ(failed(), 2u);
}

TEST_F(HeartbeatE2E, a_5xx_is_retried_and_a_flush_sends_the_same_exit_ping_later) {
  path = config(profiles("retries = 1\ntimeout = 5\n"));
  // The start is tried once; the end twice, then spooled.
  for (int i = 0; i < 3; ++i) hc_server.push_reply(text_reply(503, "down for maintenance"));
  auto r = run({"run", "hc", "--", "sh", "-c", "exit 4"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(hc.pings().size(), 0u);
  EXPECT_EQ(pending(), 1u);
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(pings[0].kind, "exit");
  EXPECT_EQ(pings[0].exit_status, 4);
  EXPECT_FALSE(pings[0].rid.empty());
  EXPECT_EQ(pending(), 0u);
}

class SmallBodyHeartbeatE2E : public HeartbeatE2E {
 protected:
  void SetUp() override {
    HealthchecksOptions o;
    o.body_limit = 10000;  // a self-hosted server's default
    hc = FakeHealthchecks(o);
    HeartbeatE2E::SetUp();
  }
};

TEST_F(SmallBodyHeartbeatE2E, the_report_keeps_its_tail_within_the_servers_ping_body_limit) {
  auto r = run({"run", "hc", "--", "sh", "-c", "echo FIRST-LINE; seq 1 50000; echo LAST-LINE; exit 2"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_LE(pings[1].body_sent, 10000u);
  // Bodies this long are not printed on failure.
  EXPECT_NE(pings[1].body.find("LAST-LINE"), std::string::npos);
  EXPECT_EQ(pings[1].body.find("FIRST-LINE"), std::string::npos);
}

TEST_F(HeartbeatE2E, a_long_plain_send_keeps_its_tail_in_one_ping) {
  std::string text;
  for (int i = 0; i < 30000; ++i) text += "line " + std::to_string(i) + "\n";
  auto r = run({"hc"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_LE(pings[0].body_sent, 100000u);
  EXPECT_GT(pings[0].body_sent, 90000u);
  EXPECT_NE(pings[0].body.find("line 29999"), std::string::npos);
  EXPECT_EQ(pings[0].body.rfind("[earlier output left out]\n", 0), 0u);
}

TEST_F(HeartbeatE2E, setup_writes_a_heartbeat_that_pings_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "nightly", "--type", "healthchecks", "--ping-url", hc.ping_url(hc_server), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto k = in_cfg({"setup", "kuma", "--type", "uptime_kuma", "--push-url", kuma.push_url(kuma_server), "--yes"});
  EXPECT_EQ(k.exit_code, 0) << k.err;
  expect_no_secret(k);
  const auto before = hc.pings().size();
  auto sent = in_cfg({"--fail", "nightly"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(hc.pings().size(), before + 1);
  EXPECT_EQ(hc.pings().back().kind, "fail");
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("nightly"));
  EXPECT_THAT(listed.out, HasSubstr("uptime_kuma"));
  expect_no_secret(listed);
}

TEST_F(HeartbeatE2E, a_push_url_of_another_shape_is_refused_naming_the_shape) {
  path = config("[profiles.kuma]\ntype = \"uptime_kuma\"\npush_url = \"" + kuma_server.base_url() +
                "/dashboard/12\"\n");
  auto r = run({"kuma", "hi"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/api/push/TOKEN"));
  EXPECT_EQ(kuma.pushes().size(), 0u);
}

TEST_F(HeartbeatE2E, a_stop_signal_while_the_start_ping_waits_starts_no_command) {
  // The server takes the start ping and does not answer for 30 s.
  hc_server.set_handler([this](const Recorded& r) {
    Reply reply = hc.handler()(r);
    if (r.path.ends_with("/start")) reply.delay = std::chrono::seconds(30);
    return reply;
  });
  const auto marker = home / "the-command-ran";
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.timeout = std::chrono::seconds(60);
  auto child = spawn({NOTIFY_BINARY, "-c", path, "run", "hc", "--", "touch", marker.string()}, o);
  ASSERT_TRUE(hc_server.wait_for_requests(1, std::chrono::seconds(20)));
  child.signal(SIGTERM);
  const auto r = child.wait();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  EXPECT_THAT(r.err, HasSubstr("stopped by SIGTERM before the command was started"));
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(pending(), 0u) << "nothing ran, so nothing is owed";
}

TEST_F(HeartbeatE2E, a_start_ping_that_gets_no_answer_gives_up_within_its_own_cap_and_the_job_runs) {
  // The profile would wait 30 s; the start ping waits at most 5, so the
  // command runs while the server still holds the start unanswered (20 s).
  path = config(profiles("retries = 0\ntimeout = 30\n"));
  hc_server.set_handler([this](const Recorded& r) {
    Reply reply = hc.handler()(r);
    if (r.path.ends_with("/start")) reply.delay = std::chrono::seconds(20);
    return reply;
  });
  auto r = run({"-v", "run", "hc", "--", "sh", "-c", "exit 0"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("timed out"));
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 2u) << "the end ping came while the start was still unanswered";
  EXPECT_EQ(pings[1].kind, "exit");
}

TEST_F(HeartbeatE2E, with_a_chat_beside_it_the_ping_still_keeps_the_long_tail) {
  auto r = run({"run", "--on", "always", "hc,ops", "--", "sh", "-c", "seq 1 200000; echo FINAL; exit 9"});
  EXPECT_EQ(r.exit_code, 9) << r.err;
  const auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_GT(pings[1].body_sent, 90000u) << "the chat's smaller part must not bound the ping";
  EXPECT_LE(pings[1].body_sent, 100000u);
  EXPECT_NE(pings[1].body.find("FINAL"), std::string::npos);
  ASSERT_EQ(chat.request_count(), 1u);
  EXPECT_LT(chat.requests()[0].body.size(), 70000u);
  EXPECT_NE(chat.requests()[0].body.find("FINAL"), std::string::npos);
}

TEST_F(HeartbeatE2E, a_ping_url_that_already_says_what_to_ping_is_refused) {
  for (const std::string& bad : {hc.ping_url(hc_server) + "/fail", hc.ping_url(hc_server) + "/start",
                                 hc.ping_url(hc_server) + "/1", hc.ping_url(hc_server) + "#frag",
                                 hc.ping_url(hc_server) + "?rid=5c1ab0d2-7e0b-4c1f-9b6e-2f7d8a9c0e11"}) {
    SCOPED_TRACE(bad);
    path = config("[profiles.hc]\ntype = \"healthchecks\"\nping_url = \"" + bad + "\"\n");
    auto r = run({"--fail", "hc"}, std::string(""));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("ping_url"));
    expect_no_secret(r);
  }
  EXPECT_EQ(hc.pings().size(), 0u);
}

TEST_F(HeartbeatE2E, a_dry_run_names_a_target_whose_variable_is_unset) {
  path = config("[profiles.hc]\ntype = \"healthchecks\"\nping_url = \"${HC_PING_URL_UNSET}\"\n");
  auto r = run({"--dry-run", "hc", "hi"});
  EXPECT_THAT(r.out + r.err, HasSubstr("would not be sent"));
  EXPECT_THAT(r.out + r.err, HasSubstr("HC_PING_URL_UNSET"));
  EXPECT_EQ(hc.pings().size(), 0u);
}

}  // namespace
}  // namespace notify::test
