// Payloads checked against ../shared/reference/services.md, field by field.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "message/split.hpp"
#include "services/discord.hpp"
#include "services/line.hpp"
#include "services/mattermost.hpp"
#include "services/telegram.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

config::Profile payload_profile(std::string kind) {
  config::Profile p;
  p.name = "p";
  p.type = kind;
  p.secrets["webhook_url"] = kind == "discord"
                      ? "https://discord.com/api/webhooks/1/tok"
                      : "https://chat.example.com/hooks/abcdefgh";
  p.secrets["token"] = "123:secret";
  p.settings["chat_id"] = std::string("-100123");
  p.settings["to"] = std::string("U0123456789abcdef0123456789abcdef");
  p.settings["api_base"] = std::string(kind == "line" ? "https://api.line.me"
                                                 : "https://api.telegram.org");
  return p;
}

Message payload_msg(std::string body) {
  Message m;
  m.body = std::move(body);
  return m;
}

BuildContext payload_ctx() {
  static int n = 0;
  return BuildContext{[] { return "uuid-" + std::to_string(++n); }};
}

std::optional<std::string> payload_header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

TEST(MattermostPayloadTest, text_channel_username_icon) {
  auto p = payload_profile("mattermost");
  Mattermost s(p);
  auto m = payload_msg("disk /var 91%");
  m.channel = "ops";
  m.username = "cron";
  m.icon_emoji = "bell";
  auto reqs = s.build(m, payload_ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].url, p.secret("webhook_url"));
  EXPECT_EQ(payload_header(reqs[0], "Content-Type"), "application/json");
  auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["text"], "disk /var 91%");
  EXPECT_EQ(j["channel"], "ops");
  EXPECT_EQ(j["username"], "cron");
  EXPECT_EQ(j["icon_emoji"], "bell");
  EXPECT_FALSE(j.contains("icon_url"));
  EXPECT_FALSE(j.contains("silent"));
}

TEST(MattermostPayloadTest, mentions_neutralised_unless_allowed) {
  auto p = payload_profile("mattermost");
  auto j = json::parse(Mattermost(p).build(payload_msg("@channel disk full @here"), payload_ctx())[0].body);
  EXPECT_EQ(j["text"].get<std::string>().find("@channel"), std::string::npos);
  EXPECT_EQ(j["text"].get<std::string>().find("@here"), std::string::npos);
  p.settings["mentions"] = bool(true);
  j = json::parse(Mattermost(p).build(payload_msg("@channel disk full"), payload_ctx())[0].body);
  EXPECT_EQ(j["text"], "@channel disk full");
}

TEST(MattermostPayloadTest, title_and_code_block) {
  auto p = payload_profile("mattermost");
  auto m = payload_msg("a\n```\nb");
  m.title = "backup";
  m.code = true;
  m.code_lang = "sh";
  auto text = json::parse(Mattermost(p).build(m, payload_ctx())[0].body)["text"].get<std::string>();
  EXPECT_EQ(text.rfind("**backup**\n```sh\n", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\n```");
  // The fence inside the input cannot close the block early.
  EXPECT_EQ(text.find("```", 12), text.size() - 3) << text;
}

TEST(TelegramPayloadTest, chat_text_thread_silent_and_no_parse_mode) {
  auto p = payload_profile("telegram");
  p.settings["thread_id"] = std::int64_t(42);
  auto m = payload_msg("x < y && <b>not html</b> *_`[");
  m.silent = true;
  auto reqs = Telegram(p).build(m, payload_ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].url, "https://api.telegram.org/bot123:secret/sendMessage");
  auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["chat_id"], -100123);
  EXPECT_EQ(j["text"], "x < y && <b>not html</b> *_`[");
  EXPECT_FALSE(j.contains("parse_mode"));
  EXPECT_EQ(j["message_thread_id"], 42);
  EXPECT_EQ(j["disable_notification"], true);
}

TEST(TelegramPayloadTest, username_chat_id_stays_a_string) {
  auto p = payload_profile("telegram");
  p.settings["chat_id"] = std::string("@mychannel");
  auto j = json::parse(Telegram(p).build(payload_msg("hi"), payload_ctx())[0].body);
  EXPECT_EQ(j["chat_id"], "@mychannel");
}

TEST(TelegramPayloadTest, entities_count_utf16_units) {
  auto p = payload_profile("telegram");
  auto m = payload_msg("caf\xC3\xA9 \xF0\x9F\x8D\x8E");  // "café 🍎": 7 UTF-16 units
  m.title = "\xF0\x9F\x94\xA5 fire";                // "🔥 fire": 7 units
  m.code = true;
  m.code_lang = "log";
  auto j = json::parse(Telegram(p).build(m, payload_ctx())[0].body);
  ASSERT_EQ(j["entities"].size(), 2u);
  EXPECT_EQ(j["entities"][0], json({{"type", "bold"}, {"offset", 0}, {"length", 7}}));
  EXPECT_EQ(j["entities"][1],
            json({{"type", "pre"}, {"offset", 8}, {"length", 7}, {"language", "log"}}));
}

TEST(TelegramPayloadTest, plain_drops_entities) {
  auto p = payload_profile("telegram");
  auto m = payload_msg("body");
  m.title = "t";
  Telegram s(p);
  auto req = s.build(m, payload_ctx())[0];
  auto plain = s.plain(req);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(json::parse(plain->body).contains("entities"));
  EXPECT_FALSE(s.plain(*plain));
}

TEST(LinePayloadTest, push_with_bearer_retry_key_and_silent) {
  auto p = payload_profile("line");
  auto m = payload_msg("hello");
  m.silent = true;
  auto reqs = Line(p).build(m, payload_ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].url, "https://api.line.me/v2/bot/message/push");
  EXPECT_EQ(payload_header(reqs[0], "Authorization"), "Bearer 123:secret");
  EXPECT_TRUE(payload_header(reqs[0], "X-Line-Retry-Key"));
  auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["to"], p.text("to"));
  EXPECT_EQ(j["messages"], json::array({{{"type", "text"}, {"text", "hello"}}}));
  EXPECT_EQ(j["notificationDisabled"], true);
}

TEST(LinePayloadTest, packs_five_messages_per_push_with_distinct_keys) {
  auto p = payload_profile("line");
  p.max_length = 120;
  std::string body;
  for (int i = 0; i < 7; ++i) body += std::string(90, char('a' + i)) + "\n";
  auto m = payload_msg(body);
  m.max_parts = 20;
  auto reqs = Line(p).build(m, payload_ctx());
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(json::parse(reqs[0].body)["messages"].size(), 5u);
  EXPECT_EQ(json::parse(reqs[1].body)["messages"].size(), 2u);
  EXPECT_NE(payload_header(reqs[0], "X-Line-Retry-Key"), payload_header(reqs[1], "X-Line-Retry-Key"));
  auto first = json::parse(reqs[0].body)["messages"][0]["text"].get<std::string>();
  EXPECT_EQ(first.rfind("(1/7)\n", 0), 0u) << first;
}

TEST(DiscordPayloadTest, wait_true_allowed_mentions_flags) {
  auto p = payload_profile("discord");
  auto m = payload_msg("@everyone build failed");
  m.silent = true;
  m.username = "CI";
  m.icon_url = "https://example.com/ci.png";
  auto reqs = Discord(p).build(m, payload_ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].url, "https://discord.com/api/webhooks/1/tok?wait=true");
  auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["content"], "@everyone build failed");
  EXPECT_EQ(j["allowed_mentions"], json({{"parse", json::array()}}));
  EXPECT_EQ(j["flags"], 4096);
  EXPECT_EQ(j["username"], "CI");
  EXPECT_EQ(j["avatar_url"], "https://example.com/ci.png");
}

TEST(DiscordPayloadTest, thread_id_in_query) {
  auto p = payload_profile("discord");
  p.settings["thread_id"] = std::int64_t(99);
  EXPECT_EQ(Discord(p).build(payload_msg("x"), payload_ctx())[0].url,
            "https://discord.com/api/webhooks/1/tok?wait=true&thread_id=99");
}

TEST(SplitIntoPartsTest, every_service_stays_within_its_limit_and_numbers_parts) {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "line " + std::to_string(i) + " \xF0\x9F\x8D\x8E\n";
  for (std::string kind : {"mattermost", "telegram", "line", "discord"}) {
    auto p = payload_profile(kind);
    auto s = make_service(p);
    auto m = payload_msg(body);
    m.title = "t";
    m.max_parts = 100;
    auto reqs = s->build(m, payload_ctx());
    ASSERT_GT(reqs.size(), 1u) << kind;
    for (const auto& r : reqs) {
      auto j = json::parse(r.body);
      std::vector<std::string> texts;
      if (j.contains("text")) texts.push_back(j["text"]);
      if (j.contains("content")) texts.push_back(j["content"]);
      if (j.contains("messages"))
        for (auto& mm : j["messages"]) texts.push_back(mm["text"]);
      for (const auto& t : texts) {
        auto unit = kind == "line" ? message::Unit::utf16
                                                      : message::Unit::code_points;
        EXPECT_LE(message::length_in(t, unit), part_limit(p)) << kind;
        EXPECT_THAT(t, HasSubstr("/"));
      }
    }
  }
}

HttpResponse payload_reply(long status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(InterpretReplyTest, telegram) {
  Telegram s(payload_profile("telegram"));
  EXPECT_EQ(s.interpret(payload_reply(200, R"({"ok":true,"result":{"message_id":1}})")).kind,
            Verdict::Kind::delivered);
  auto v = s.interpret(payload_reply(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(7000));
  v = s.interpret(payload_reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("Bad Request: chat not found"));
  EXPECT_THAT(v.hint, HasSubstr("notify telegram discover"));
  v = s.interpret(payload_reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"})"));
  EXPECT_EQ(v.kind, Verdict::Kind::resend_plain);
  v = s.interpret(payload_reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001}})"));
  EXPECT_THAT(v.hint, HasSubstr("chat_id = -1001"));
  v = s.interpret(payload_reply(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("token"));
  EXPECT_EQ(s.interpret(payload_reply(502, "<html>Bad gateway</html>")).kind, Verdict::Kind::retry);
}

TEST(InterpretReplyTest, line) {
  Line s(payload_profile("line"));
  EXPECT_EQ(s.interpret(payload_reply(200, R"({"sentMessages":[{"id":"1"}]})")).kind,
            Verdict::Kind::delivered);
  EXPECT_EQ(s.interpret(payload_reply(409, R"({"message":"The retry key is already accepted"})",
                              {{"x-line-accepted-request-id", "abc"}}))
                .kind,
            Verdict::Kind::delivered);
  EXPECT_EQ(s.interpret(payload_reply(429, R"({"message":"The API rate limit has been exceeded. Try again later."})")).kind,
            Verdict::Kind::retry);
  auto v = s.interpret(payload_reply(429, R"({"message":"You have reached your monthly limit."})"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("quota"));
  v = s.interpret(payload_reply(400, R"j({"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]})j"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("messages[0].text: Length must be between 0 and 5000"));
}

TEST(InterpretReplyTest, discord) {
  Discord s(payload_profile("discord"));
  EXPECT_EQ(s.interpret(payload_reply(200, R"({"id":"1"})")).kind, Verdict::Kind::delivered);
  EXPECT_EQ(s.interpret(payload_reply(204, "")).kind, Verdict::Kind::delivered);
  auto v = s.interpret(payload_reply(429, R"({"message":"You are being rate limited.","retry_after":0.25,"global":false})",
                             {{"retry-after", "1"}}));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(250));
  v = s.interpret(payload_reply(404, R"({"message":"Unknown Webhook","code":10015})"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("Unknown Webhook"));
}

TEST(InterpretReplyTest, mattermost_and_transport_errors) {
  Mattermost s(payload_profile("mattermost"));
  EXPECT_EQ(s.interpret(payload_reply(200, "ok")).kind, Verdict::Kind::delivered);
  auto v = s.interpret(payload_reply(400, R"({"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook","status_code":400})"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("Invalid webhook"));
  EXPECT_THAT(v.hint, HasSubstr("webhook"));
  v = s.interpret(payload_reply(503, "", {{"retry-after", "3"}}));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(3000));
  HttpResponse down;
  down.error = TransportError::connect;
  down.error_text = "Failed to connect";
  EXPECT_EQ(s.interpret(down).kind, Verdict::Kind::retry);
  HttpResponse tls;
  tls.error = TransportError::tls;
  EXPECT_EQ(s.interpret(tls).kind, Verdict::Kind::fail);
}

}  // namespace
}  // namespace notify::services
