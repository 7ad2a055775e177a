#include "delivery/engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "services/service.hpp"

namespace notify::delivery {
namespace {

using ::testing::HasSubstr;

// Completes every started transfer on the next poll with a scripted reply
// per URL (FIFO; the last one repeats).
class FakeHttpClient : public HttpClient {
 public:
  std::map<std::string, std::deque<HttpResponse>> script;
  std::vector<HttpRequest> sent;

  void start(HttpRequest req, RequestOptions, Handler done) override {
    sent.push_back(req);
    pending_.emplace_back(std::move(req), std::move(done));
  }
  std::size_t poll(std::chrono::milliseconds) override {
    auto batch = std::move(pending_);
    pending_.clear();
    for (auto& [req, done] : batch) {
      auto& q = script[req.url];
      HttpResponse r;
      r.status = 200;
      if (!q.empty()) {
        r = q.front();
        if (q.size() > 1) q.pop_front();
      }
      done(r);
    }
    return pending_.size();
  }

 private:
  std::vector<std::pair<HttpRequest, Handler>> pending_;
};

HttpResponse status(long s) {
  HttpResponse r;
  r.status = s;
  return r;
}

config::Profile mm(const std::string& name, int retries = 3) {
  config::Profile p;
  p.name = name;
  p.kind = config::ServiceKind::mattermost;
  p.webhook_url = "https://" + name + ".example/hooks/abcdefgh";
  p.retries = retries;
  return p;
}

Leg leg(const config::Profile& p, std::size_t parts = 1) {
  Leg l;
  l.profile = &p;
  l.service = services::make_service(p);
  for (std::size_t i = 0; i < parts; ++i)
    l.requests.push_back(HttpRequest{"POST", p.webhook_url, {}, "part" + std::to_string(i)});
  return l;
}

EngineOptions quick() {
  EngineOptions o;
  o.random01 = [] { return 0.0; };  // no backoff wait in unit tests
  return o;
}

TEST(engine, retries_5xx_then_delivers_once) {
  auto p = mm("ops");
  FakeHttpClient http;
  http.script[p.webhook_url] = {status(500), status(500), status(200)};
  std::vector<Plan> plans;
  plans.push_back(Plan{"ops", {}});
  plans[0].legs.push_back(leg(p));
  auto out = deliver(plans, http, quick());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].attempts, 3);
  EXPECT_EQ(out[0].http_status, 200);
  EXPECT_EQ(http.sent.size(), 3u);
}

TEST(engine, gives_up_after_retries) {
  auto p = mm("ops", 2);
  FakeHttpClient http;
  http.script[p.webhook_url] = {status(503)};
  std::vector<Plan> plans(1);
  plans[0].target = "ops";
  plans[0].legs.push_back(leg(p));
  auto out = deliver(plans, http, quick());
  EXPECT_FALSE(out[0].delivered);
  EXPECT_EQ(out[0].attempts, 3);
  EXPECT_THAT(out[0].error, HasSubstr("HTTP 503"));
  EXPECT_THAT(out[0].error, HasSubstr("gave up after 3 attempts"));
}

TEST(engine, stopping_gives_up_pending_and_further_retries_but_still_tries_fallbacks_once) {
  auto p = mm("ops", 5);
  auto backup = mm("backup", 5);
  FakeHttpClient http;
  http.script[p.webhook_url] = {status(503)};
  http.script[backup.webhook_url] = {status(503)};
  std::vector<Plan> plans(1);
  plans[0].target = "ops";
  plans[0].legs.push_back(leg(p));
  plans[0].legs.push_back(leg(backup));
  auto o = quick();
  o.random01 = [] { return 1.0; };  // a real backoff wait is pending when we stop
  int polls = 0;
  // Calls 1 and 2 see no stop (the 503 schedules a retry); from 3 on,
  // the pending retry is abandoned and the fallback is not retried.
  o.stopping = [&] { return ++polls > 2; };
  auto out = deliver(plans, http, o);
  EXPECT_FALSE(out[0].delivered);
  // One attempt each: the primary's retry was abandoned, the fallback was
  // not retried.
  EXPECT_EQ(out[0].attempts, 2);
  EXPECT_EQ(http.sent.size(), 2u);
  EXPECT_THAT(out[0].error, HasSubstr("notify is stopping"));
}

TEST(engine, client_error_is_not_retried) {
  auto p = mm("ops");
  FakeHttpClient http;
  http.script[p.webhook_url] = {status(400)};
  std::vector<Plan> plans(1);
  plans[0].target = "ops";
  plans[0].legs.push_back(leg(p));
  auto out = deliver(plans, http, quick());
  EXPECT_FALSE(out[0].delivered);
  EXPECT_EQ(out[0].attempts, 1);
}

TEST(engine, fallback_delivers_when_primary_fails) {
  auto a = mm("ops", 0);
  auto b = mm("backup", 0);
  FakeHttpClient http;
  http.script[a.webhook_url] = {status(500)};
  std::vector<Plan> plans(1);
  plans[0].target = "ops";
  plans[0].legs.push_back(leg(a));
  plans[0].legs.push_back(leg(b));
  auto out = deliver(plans, http, quick());
  EXPECT_TRUE(out[0].delivered);
  EXPECT_EQ(out[0].via, "backup");
  EXPECT_EQ(out[0].attempts, 2);
}

TEST(engine, parts_go_in_order_and_stop_at_a_failure) {
  auto p = mm("ops", 0);
  FakeHttpClient http;
  std::vector<Plan> plans(1);
  plans[0].target = "ops";
  plans[0].legs.push_back(leg(p, 3));
  auto out = deliver(plans, http, quick());
  EXPECT_TRUE(out[0].delivered);
  ASSERT_EQ(http.sent.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(http.sent[i].body, "part" + std::to_string(i));
  EXPECT_EQ(out[0].parts_sent, 3u);
}

TEST(engine, targets_run_concurrently) {
  auto a = mm("a");
  auto b = mm("b");
  FakeHttpClient http;
  std::vector<Plan> plans(2);
  plans[0].target = "a";
  plans[0].legs.push_back(leg(a, 2));
  plans[1].target = "b";
  plans[1].legs.push_back(leg(b, 2));
  auto out = deliver(plans, http, quick());
  EXPECT_TRUE(out[0].delivered && out[1].delivered);
  // Both first parts are in flight before either second part.
  ASSERT_EQ(http.sent.size(), 4u);
  EXPECT_EQ(http.sent[0].body, "part0");
  EXPECT_EQ(http.sent[1].body, "part0");
}

TEST(engine, telegram_parse_error_is_resent_plain_once) {
  config::Profile p;
  p.name = "me";
  p.kind = config::ServiceKind::telegram;
  p.token = "1:abcdef";
  p.chat_id = "1";
  p.api_base = "https://tg.example";
  services::Message m;
  m.title = "t";
  m.body = "b";
  Leg l;
  l.profile = &p;
  l.service = services::make_service(p);
  l.requests = l.service->build(m, services::BuildContext{[] { return std::string("u"); }});
  FakeHttpClient http;
  HttpResponse bad = status(400);
  bad.body = R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: x"})";
  HttpResponse ok = status(200);
  ok.body = R"({"ok":true,"result":{}})";
  http.script[l.requests[0].url] = {bad, ok};
  std::vector<Plan> plans(1);
  plans[0].target = "me";
  plans[0].legs.push_back(std::move(l));
  std::vector<std::string> log;
  auto o = quick();
  o.log = [&](const std::string& s) { log.push_back(s); };
  auto out = deliver(plans, http, o);
  EXPECT_TRUE(out[0].delivered);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_THAT(http.sent[0].body, HasSubstr("entities"));
  EXPECT_THAT(http.sent[1].body, ::testing::Not(HasSubstr("entities")));
  bool warned = false;
  for (auto& s : log) warned = warned || s.find("plain text") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace notify::delivery
