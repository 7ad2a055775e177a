// healthchecks and Uptime Kuma requests, built in-process: which URL each
// kind of beat pings, what the body keeps, what an answer means.

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "core/mask.hpp"
#include "services/healthchecks.hpp"
#include "services/registry.hpp"
#include "services/uptime_kuma.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;

config::Profile heartbeat_profile(std::string type, std::string key, std::string url) {
  config::Profile p;
  p.name = "beat";
  p.type = std::move(type);
  p.secrets[key] = std::move(url);
  return p;
}

const BuildContext kBeatCtx{[] { return std::string("uuid"); }};

HttpResponse beat_answer(long status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpRequest hc_request(const Message& m) {
  auto p = heartbeat_profile("healthchecks", "ping_url", "https://hc-ping.com/abc-uuid/");
  const auto out = Healthchecks(p).build(m, kBeatCtx);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? HttpRequest{} : out.front();
}

TEST(HealthchecksTest, each_beat_pings_its_own_url) {
  Message m;
  m.body = "done";
  EXPECT_EQ(hc_request(m).url, "https://hc-ping.com/abc-uuid");
  EXPECT_EQ(hc_request(m).body, "done");
  m.beat.kind = Beat::Kind::fail;
  EXPECT_EQ(hc_request(m).url, "https://hc-ping.com/abc-uuid/fail");
  m.beat = {Beat::Kind::start, 0, "11111111-2222-4333-8444-555555555555", -1, 0};
  EXPECT_EQ(hc_request(m).url, "https://hc-ping.com/abc-uuid/start?rid=11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(hc_request(m).body, "");
  m.beat.kind = Beat::Kind::exit;
  m.beat.exit_status = 137;
  m.title = "job failed";
  EXPECT_EQ(hc_request(m).url, "https://hc-ping.com/abc-uuid/137?rid=11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(hc_request(m).body, "job failed\ndone");
}

TEST(HealthchecksTest, a_long_body_keeps_its_tail_within_the_smaller_limit) {
  Message m;
  for (int i = 0; i < 2000; ++i) m.body += "line " + std::to_string(i) + "\n";
  m.body += "the end";
  EXPECT_EQ(hc_request(m).body, m.body);  // under healthchecks.io's 100,000 bytes
  m.beat.body_limit = 1000;  // a server's Ping-Body-Limit
  const auto body = hc_request(m).body;
  EXPECT_LE(body.size(), 1000u);
  EXPECT_THAT(body, HasSubstr("the end"));
  EXPECT_EQ(body.rfind("[earlier output left out]\n", 0), 0u);
  // A line starts it when one starts near the cut.
  EXPECT_EQ(body.substr(26, 5), "line ");
  m.beat.body_limit = 300;
  EXPECT_LE(hc_request(m).body.size(), 300u);
}

TEST(HealthchecksTest, the_tail_never_starts_inside_a_character) {
  const std::string text = std::string(50, 'x') + "\xC3\xA9\xC3\xA9\xC3\xA9";  // no newline near
  for (std::size_t limit = 27; limit < 40; ++limit) {
    const auto tail = tail_within(text, limit);
    EXPECT_LE(tail.size(), limit);
    EXPECT_NE(static_cast<unsigned char>(tail[26]) & 0xC0, 0x80u) << limit;
  }
}

TEST(HealthchecksTest, the_answer_says_its_body_limit_and_what_went_wrong) {
  Healthchecks hc(heartbeat_profile("healthchecks", "ping_url", "https://hc-ping.com/x"));
  const auto ok = beat_answer(200, "OK", {{"ping-body-limit", "10000"}});
  EXPECT_EQ(hc.interpret(ok).kind, Verdict::Kind::delivered);
  EXPECT_EQ(hc.message_id({}, ok), "10000");
  EXPECT_EQ(hc.message_id({}, beat_answer(200, "OK", {{"ping-body-limit", "lots"}})), "");
  const auto gone = hc.interpret(beat_answer(404, "not found"));
  EXPECT_EQ(gone.kind, Verdict::Kind::fail);
  EXPECT_THAT(gone.hint, HasSubstr("ping_url"));
  EXPECT_EQ(hc.interpret(beat_answer(503, "busy")).kind, Verdict::Kind::retry);
}

std::string kuma_url(const Message& m) {
  auto p = heartbeat_profile("uptime_kuma", "push_url",
                             "https://kuma.example.com/api/push/TOKEN123?status=up&msg=OK&ping=");
  const auto out = UptimeKuma(p).build(m, kBeatCtx);
  return out.empty() ? "" : out.front().method + " " + out.front().url;
}

TEST(UptimeKumaTest, up_or_down_with_the_first_line_and_the_run_time) {
  Message m;
  m.body = "\n  \nbackup & sync: 100%\nmore";
  EXPECT_EQ(kuma_url(m), "GET https://kuma.example.com/api/push/TOKEN123?status=up&msg=backup%20%26%20sync%3A%20100%25");
  m.beat.kind = Beat::Kind::fail;
  EXPECT_THAT(kuma_url(m), HasSubstr("status=down"));
  m.beat = {Beat::Kind::exit, 0, "rid", 1234, 0};
  m.title = "backup succeeded";
  EXPECT_EQ(kuma_url(m), "GET https://kuma.example.com/api/push/TOKEN123?status=up&msg=backup%20succeeded&ping=1234");
  m.beat.exit_status = 2;
  EXPECT_THAT(kuma_url(m), HasSubstr("status=down"));
  m.beat.kind = Beat::Kind::start;
  EXPECT_EQ(kuma_url(m), "");  // nothing to say at a start
}

TEST(UptimeKumaTest, a_long_line_is_shortened_and_ok_false_is_a_failure) {
  Message m;
  m.body = std::string(400, 'a');
  const auto url = kuma_url(m);
  EXPECT_THAT(url, HasSubstr(std::string(249, 'a') + "%E2%80%A6"));
  EXPECT_THAT(url, ::testing::Not(HasSubstr(std::string(250, 'a'))));
  UptimeKuma kuma(heartbeat_profile("uptime_kuma", "push_url", "https://k.example.com/api/push/T"));
  const auto refused = kuma.interpret(beat_answer(200, R"({"ok":false,"msg":"Invalid ping"})"));
  EXPECT_EQ(refused.kind, Verdict::Kind::fail);
  EXPECT_EQ(refused.error, "Invalid ping");
  EXPECT_EQ(kuma.interpret(beat_answer(200, R"({"ok":true})")).kind, Verdict::Kind::delivered);
}

TEST(HeartbeatMaskTest, no_heartbeat_shape_masks_a_strangers_url) {
  Masker masker;
  add_url_shapes(masker);
  EXPECT_EQ(masker.apply("see https://example.com/docs/page"), "see https://example.com/docs/page");
  EXPECT_EQ(masker.apply("https://k.example.com/api/push/Secret123?status=up"),
            "https://k.example.com/api/push/***?status=up");
}

}  // namespace
}  // namespace notify::services
