#include "delivery/engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/service.hpp"
#include "support/fake_world.hpp"

namespace notify::delivery {
namespace {

using ::testing::HasSubstr;
using test::FakeClock;
using test::FakeHttpClient;
using test::status_reply;

config::Profile mm(const std::string& name, int retries = 3) {
  config::Profile p;
  p.name = name;
  p.type = "mattermost";
  p.secrets["webhook_url"] = "https://" + name + ".example/hooks/abcdefgh";
  p.retries = retries;
  return p;
}

Leg leg(const config::Profile& p, std::size_t parts = 1) {
  Leg l;
  l.profile = &p;
  l.service = services::make_service(p);
  for (std::size_t i = 0; i < parts; ++i)
    l.requests.push_back(HttpRequest{"POST", p.secret("webhook_url"), {}, "part" + std::to_string(i)});
  return l;
}

// A message to targets; each target's plan lists leg indices.
struct Message {
  std::vector<Leg> legs;
  std::vector<Plan> plans;
  std::size_t add(const config::Profile& p, std::size_t parts = 1) {
    legs.push_back(leg(p, parts));
    return legs.size() - 1;
  }
  void target(std::string name, std::vector<std::size_t> chain) {
    plans.push_back(Plan{std::move(name), std::move(chain)});
  }
};

class EngineTest : public ::testing::Test {
 protected:
  FakeClock clock;
  FakeHttpClient http{&clock};
  EngineOptions options() {
    EngineOptions o;
    o.random01 = [] { return 0.0; };
    o.clock = &clock;
    return o;
  }
};

HttpResponse retry_after(long status, const std::string& value) {
  HttpResponse r = status_reply(status);
  r.headers.emplace_back("retry-after", value);
  return r;
}

TEST_F(EngineTest, retries_5xx_then_delivers_once) {
  auto p = mm("ops");
  http.script[p.secret("webhook_url")] = {status_reply(500), status_reply(500), status_reply(200)};
  Message s;
  s.target("ops", {s.add(p)});
  auto out = deliver(s.legs, s.plans, http, options());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].attempts, 3);
  EXPECT_EQ(out[0].http_status, 200);
  EXPECT_EQ(http.sent.size(), 3u);
}

TEST_F(EngineTest, gives_up_after_retries_as_a_transient_failure) {
  auto p = mm("ops", 2);
  http.script[p.secret("webhook_url")] = {status_reply(503)};
  Message s;
  s.target("ops", {s.add(p)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_FALSE(out[0].delivered);
  EXPECT_FALSE(out[0].permanent);
  EXPECT_EQ(out[0].attempts, 3);
  EXPECT_THAT(out[0].error, HasSubstr("HTTP 503"));
  EXPECT_THAT(out[0].error, HasSubstr("gave up after 3 attempts"));
}

TEST_F(EngineTest, client_error_is_not_retried_and_is_permanent) {
  auto p = mm("ops");
  http.script[p.secret("webhook_url")] = {status_reply(400)};
  Message s;
  s.target("ops", {s.add(p)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_FALSE(out[0].delivered);
  EXPECT_TRUE(out[0].permanent);
  EXPECT_EQ(out[0].attempts, 1);
}

TEST_F(EngineTest, a_retry_after_wait_sleeps_instead_of_spinning) {
  auto p = mm("ops");
  http.script[p.secret("webhook_url")] = {retry_after(429, "5"), status_reply(200)};
  Message s;
  s.target("ops", {s.add(p)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  // The 5 s were waited for in a handful of sleeping polls, not thousands
  // of busy ones.
  EXPECT_GE(clock.elapsed(), std::chrono::seconds(5));
  EXPECT_LE(http.idle_polls, 6);
}

TEST_F(EngineTest, fallback_delivers_when_primary_fails) {
  auto a = mm("ops", 0);
  auto b = mm("backup", 0);
  http.script[a.secret("webhook_url")] = {status_reply(500)};
  Message s;
  s.target("ops", {s.add(a), s.add(b)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].via, "backup");
  EXPECT_EQ(out[0].attempts, 2);
}

TEST_F(EngineTest, a_profile_that_is_target_and_fallback_gets_the_message_once) {
  auto ops = mm("ops", 0);
  auto me = mm("me", 0);
  http.script[ops.secret("webhook_url")] = {status_reply(500)};
  Message s;
  const auto l_ops = s.add(ops), l_me = s.add(me);
  s.target("ops", {l_ops, l_me});
  s.target("me", {l_me});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].via, "me");
  EXPECT_TRUE(out[1].delivered);
  std::size_t to_me = 0;
  for (const auto& r : http.sent) to_me += r.url == me.secret("webhook_url");
  EXPECT_EQ(to_me, 1u);
}

TEST_F(EngineTest, a_shared_fallback_of_two_targets_is_sent_once) {
  auto a = mm("a", 0), b = mm("b", 0), shared = mm("shared", 0);
  http.script[a.secret("webhook_url")] = {status_reply(500)};
  http.script[b.secret("webhook_url")] = {status_reply(500)};
  Message s;
  const auto l_shared = s.add(shared);
  s.target("a", {s.add(a), l_shared});
  s.target("b", {s.add(b), l_shared});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered && out[1].delivered);
  std::size_t to_shared = 0;
  for (const auto& r : http.sent) to_shared += r.url == shared.secret("webhook_url");
  EXPECT_EQ(to_shared, 1u);
}

TEST_F(EngineTest, a_resumed_leg_sends_only_the_missing_parts) {
  auto p = mm("ops", 0);
  Message s;
  s.target("ops", {s.add(p, 3)});
  s.legs[0].first = 1;
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_EQ(http.sent[0].body, "part1");
  EXPECT_EQ(http.sent[1].body, "part2");
  EXPECT_EQ(out[0].parts_sent, 3u);
}

TEST_F(EngineTest, a_destination_that_has_the_message_is_not_sent_it_again) {
  auto ops = mm("ops", 0), me = mm("me", 0);
  http.script[ops.secret("webhook_url")] = {status_reply(500)};
  Message s;
  s.target("ops", {s.add(ops), s.add(me)});
  s.legs[1].already_has = true;
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].via, "me");
  EXPECT_EQ(http.sent.size(), 1u);
}

TEST_F(EngineTest, an_unavailable_leg_fails_transiently_and_the_chain_goes_on) {
  auto ops = mm("ops", 0), me = mm("me", 0);
  Message s;
  s.target("ops", {s.add(ops), s.add(me)});
  s.legs[0].unavailable = "'token': environment variable 'X' is not set";
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].via, "me");

  Message alone;
  alone.target("ops", {alone.add(ops)});
  alone.legs[0].unavailable = "no secret";
  auto failed = deliver(alone.legs, alone.plans, http, options());
  EXPECT_FALSE(failed[0].delivered);
  EXPECT_FALSE(failed[0].permanent);  // kept for a later flush, not a dead letter
  EXPECT_THAT(failed[0].error, HasSubstr("no secret"));
}

TEST_F(EngineTest, parts_are_reported_to_the_observer_as_they_are_accepted) {
  struct Recorder : Observer {
    std::vector<std::pair<std::size_t, std::size_t>> parts;
    int waits = 0;
    void part_accepted(std::size_t leg, std::size_t part) override { parts.emplace_back(leg, part); }
    void waiting() override { ++waits; }
  } rec;
  auto p = mm("ops");
  http.script[p.secret("webhook_url")] = {status_reply(200), status_reply(503), status_reply(200)};
  Message s;
  s.target("ops", {s.add(p, 2)});
  auto o = options();
  o.observer = &rec;
  auto out = deliver(s.legs, s.plans, http, o);
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(rec.parts, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {0, 1}}));
  EXPECT_EQ(rec.waits, 1);
}

TEST_F(EngineTest, a_stop_abandons_retry_waits_and_starts_nothing_new) {
  auto p = mm("ops", 5), backup = mm("backup", 5);
  http.script[p.secret("webhook_url")] = {status_reply(503)};
  Message s;
  s.target("ops", {s.add(p), s.add(backup)});
  bool stop = false;
  http.on_poll = [&] { stop = http.sent.size() >= 1 && http.in_flight() == 0; };
  auto o = options();
  o.random01 = [] { return 1.0; };  // a real backoff wait is pending when we stop
  o.stop.requested = [&] { return stop; };
  auto out = deliver(s.legs, s.plans, http, o);
  EXPECT_FALSE(out[0].delivered);
  EXPECT_TRUE(out[0].stopped);
  EXPECT_FALSE(out[0].permanent);
  EXPECT_EQ(http.sent.size(), 1u);  // neither the retry nor the fallback went out
  EXPECT_THAT(out[0].error, HasSubstr("notify is stopping"));
}

TEST_F(EngineTest, a_request_on_its_way_at_the_stop_gets_the_grace_then_is_abandoned) {
  auto p = mm("ops");
  Message s;
  s.target("ops", {s.add(p)});
  http.answering = false;  // the server never answers
  auto o = options();
  o.stop.requested = [&] { return !http.sent.empty(); };
  o.stop.grace = std::chrono::milliseconds(2000);
  auto out = deliver(s.legs, s.plans, http, o);
  EXPECT_FALSE(out[0].delivered);
  EXPECT_TRUE(out[0].stopped);
  EXPECT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.in_flight(), 0u);  // cancelled
  EXPECT_GE(clock.elapsed(), std::chrono::milliseconds(2000));
  EXPECT_LT(clock.elapsed(), std::chrono::milliseconds(4000));
}

TEST_F(EngineTest, a_2xx_status_line_counts_even_when_the_body_then_stalls) {
  auto p = mm("ops");
  HttpResponse stalled = status_reply(200);
  stalled.error = TransportError::timeout;
  http.script[p.secret("webhook_url")] = {stalled};
  Message s;
  s.target("ops", {s.add(p)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(http.sent.size(), 1u);
}

TEST_F(EngineTest, targets_run_concurrently) {
  auto a = mm("a"), b = mm("b");
  Message s;
  s.target("a", {s.add(a, 2)});
  s.target("b", {s.add(b, 2)});
  auto out = deliver(s.legs, s.plans, http, options());
  EXPECT_TRUE(out[0].delivered && out[1].delivered);
  ASSERT_EQ(http.sent.size(), 4u);
  EXPECT_EQ(http.sent[0].body, "part0");
  EXPECT_EQ(http.sent[1].body, "part0");
}

TEST_F(EngineTest, telegram_parse_error_is_resent_plain_once) {
  config::Profile p;
  p.name = "me";
  p.type = "telegram";
  p.secrets["token"] = "1:abcdef";
  p.settings["chat_id"] = std::string("1");
  p.settings["api_base"] = std::string("https://tg.example");
  services::Message m;
  m.title = "t";
  m.body = "b";
  Message s;
  Leg l;
  l.profile = &p;
  l.service = services::make_service(p);
  l.requests = l.service->build(m, services::BuildContext{[] { return std::string("u"); }});
  HttpResponse bad = status_reply(400);
  bad.body = R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: x"})";
  HttpResponse ok = status_reply(200);
  ok.body = R"({"ok":true,"result":{}})";
  http.script[l.requests[0].url] = {bad, ok};
  s.legs.push_back(std::move(l));
  s.target("me", {0});
  std::vector<std::string> log;
  auto o = options();
  o.log = [&](const std::string& line) { log.push_back(line); };
  auto out = deliver(s.legs, s.plans, http, o);
  EXPECT_TRUE(out[0].delivered);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_THAT(http.sent[0].body, HasSubstr("entities"));
  EXPECT_THAT(http.sent[1].body, ::testing::Not(HasSubstr("entities")));
  bool warned = false;
  for (auto& line : log) warned = warned || line.find("plain text") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace notify::delivery

namespace notify::delivery {
namespace {

config::Profile telegram(const std::string& name) {
  config::Profile p;
  p.name = name;
  p.type = "telegram";
  p.secrets["token"] = "123:secret";
  p.settings["chat_id"] = std::string("42");
  p.settings["api_base"] = std::string("https://tg.example");
  p.retries = 0;
  return p;
}

HttpResponse body_reply(long status, std::string body) {
  HttpResponse r = status_reply(status);
  r.body = std::move(body);
  return r;
}

constexpr const char* kEditUrl = "https://tg.example/bot123:secret/editMessageText";
constexpr const char* kSendUrl = "https://tg.example/bot123:secret/sendMessage";

TEST_F(EngineTest, an_edit_of_a_gone_message_is_posted_anew_and_its_id_reported) {
  auto p = telegram("me");
  Message s;
  s.target("me", {s.add(p)});
  s.legs[0].requests = {HttpRequest{"POST", kEditUrl, {}, R"({"chat_id":42,"message_id":5,"text":"b"})"}};
  s.legs[0].anew = {HttpRequest{"POST", kSendUrl, {}, R"({"chat_id":42,"text":"b"})"}};
  http.script[kEditUrl] = {body_reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})")};
  http.script[kSendUrl] = {body_reply(200, R"({"ok":true,"result":{"message_id":7}})")};
  const auto out = deliver(s.legs, s.plans, http, options());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].delivered);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_EQ(http.sent[1].url, kSendUrl);
  EXPECT_EQ(out[0].message_ids, std::vector<std::string>{"7"});
}

TEST_F(EngineTest, a_refused_edit_with_nothing_to_post_instead_fails_for_good) {
  auto p = telegram("me");
  Message s;
  s.target("me", {s.add(p)});
  s.legs[0].requests = {HttpRequest{"POST", kEditUrl, {}, R"({"chat_id":42,"message_id":5,"text":"b"})"}};
  http.script[kEditUrl] = {body_reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})")};
  const auto out = deliver(s.legs, s.plans, http, options());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].delivered);
  EXPECT_TRUE(out[0].permanent);
  EXPECT_EQ(http.sent.size(), 1u);
}

}  // namespace
}  // namespace notify::delivery
