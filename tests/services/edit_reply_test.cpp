// The requests that edit and answer, and what the replies to them mean:
// each service's own knowledge (Telegram, Discord, ntfy, e-mail), checked
// against ../shared/reference/services-3.md sections 1 and 2.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/discord.hpp"
#include "services/email.hpp"
#include "services/ntfy.hpp"
#include "services/registry.hpp"
#include "services/telegram.hpp"

namespace notify::services {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

config::Profile profile(const std::string& type) {
  config::Profile p;
  p.name = "p";
  p.type = type;
  p.secrets["token"] = "123:secret";
  p.secrets["webhook_url"] = "https://discord.com/api/webhooks/1/tok";
  p.settings["chat_id"] = std::string("-100123");
  p.settings["api_base"] = std::string("https://api.telegram.org");
  p.settings["server"] = std::string("https://ntfy.example");
  p.settings["topic"] = std::string("status");
  p.settings["smtp_url"] = std::string("smtp://mail.example:587");
  p.settings["from"] = std::string("notify@example.com");
  p.settings["to"] = std::vector<std::string>{"me@example.com"};
  return p;
}

Message msg(const std::string& body) {
  Message m;
  m.body = body;
  return m;
}

BuildContext ctx() {
  return BuildContext{[] { return std::string("0123-abcd"); }, [] { return std::int64_t{0}; }};
}

std::optional<std::string> header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

HttpResponse reply(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(EditRequestTest, telegram_edits_each_remembered_part_and_posts_the_rest) {
  Telegram tg(profile("telegram"));
  auto m = msg(std::string(5000, 'x'));  // two parts
  m.code = true;
  m.silent = true;
  m.edit_ids = {"42"};
  const auto reqs = tg.build(m, ctx());
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_THAT(reqs[0].url, EndsWith("/editMessageText"));
  const auto edit = json::parse(reqs[0].body);
  EXPECT_EQ(edit["message_id"], 42);
  EXPECT_EQ(edit["chat_id"], -100123);
  // Formatting is not inherited by an edit: the entities go again.
  EXPECT_THAT(edit["entities"].dump(), HasSubstr(R"("type":"pre")"));
  EXPECT_FALSE(edit.contains("disable_notification"));
  EXPECT_THAT(reqs[1].url, EndsWith("/sendMessage"));
  EXPECT_EQ(json::parse(reqs[1].body)["disable_notification"], true);
}

TEST(EditRequestTest, telegram_replies_with_reply_parameters_that_survive_a_deleted_first) {
  Telegram tg(profile("telegram"));
  auto m = msg("deploy done");
  m.reply_to = "18";
  const auto reqs = tg.build(m, ctx());
  ASSERT_EQ(reqs.size(), 1u);
  const auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["reply_parameters"]["message_id"], 18);
  EXPECT_EQ(j["reply_parameters"]["allow_sending_without_reply"], true);
}

TEST(EditRequestTest, telegram_not_modified_is_delivered_and_a_gone_message_is_posted_anew) {
  Telegram tg(profile("telegram"));
  auto verdict = [&](const char* description) {
    return tg.interpret(reply(400, json{{"ok", false}, {"error_code", 400},
                                        {"description", description}}.dump())).kind;
  };
  EXPECT_EQ(verdict("Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message"),
            Verdict::Kind::delivered);
  EXPECT_EQ(verdict("Bad Request: message to edit not found"), Verdict::Kind::post_anew);
  EXPECT_EQ(verdict("Bad Request: message can't be edited"), Verdict::Kind::post_anew);
  EXPECT_EQ(verdict("Bad Request: chat not found"), Verdict::Kind::fail);
}

TEST(EditRequestTest, telegram_message_id_from_the_result_or_from_the_edit_not_modified) {
  Telegram tg(profile("telegram"));
  auto m = msg("x");
  const auto post = tg.build(m, ctx()).at(0);
  EXPECT_EQ(tg.message_id(post, reply(200, R"({"ok":true,"result":{"message_id":77}})")), "77");
  m.edit_ids = {"77"};
  const auto edit = tg.build(m, ctx()).at(0);
  EXPECT_EQ(tg.message_id(edit, reply(400, R"({"ok":false,"description":"Bad Request: message is not modified"})")),
            "77");
  HttpRequest document = post;
  document.url = "https://api.telegram.org/bot123:secret/sendDocument";
  EXPECT_EQ(tg.message_id(document, reply(200, R"({"ok":true,"result":{"message_id":78}})")), "");
}

TEST(EditRequestTest, discord_patches_the_message_with_allowed_mentions_again) {
  auto p = profile("discord");
  p.settings["thread_id"] = std::int64_t{555};
  Discord dc(p);
  auto m = msg("@everyone build passed");
  m.silent = true;
  m.edit_ids = {"1300000000000000001"};
  const auto reqs = dc.build(m, ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].url,
            "https://discord.com/api/webhooks/1/tok/messages/1300000000000000001?thread_id=555");
  const auto j = json::parse(reqs[0].body);
  EXPECT_EQ(j["allowed_mentions"]["parse"], json::array());
  EXPECT_FALSE(j.contains("flags"));  // only SUPPRESS_EMBEDS may be set on an edit
  EXPECT_EQ(dc.message_id(reqs[0], reply(200, R"({"id":"1300000000000000001"})")),
            "1300000000000000001");
}

TEST(EditRequestTest, discord_unknown_message_and_the_edit_limit_post_anew) {
  Discord dc(profile("discord"));
  EXPECT_EQ(dc.interpret(reply(404, R"({"message":"Unknown Message","code":10008})")).kind,
            Verdict::Kind::post_anew);
  EXPECT_EQ(dc.interpret(reply(400, R"({"message":"Maximum number of edits to messages older than 1 hour reached.","code":30046})")).kind,
            Verdict::Kind::post_anew);
  EXPECT_EQ(dc.interpret(reply(404, R"({"message":"Unknown Webhook","code":10015})")).kind,
            Verdict::Kind::fail);
}

TEST(EditRequestTest, ntfy_replaces_by_sequence_id) {
  Ntfy n(profile("ntfy"));
  auto m = msg("disk 72%");
  m.edit_ids = {"Kx9fQ2"};
  const auto reqs = n.build(m, ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(header(reqs[0], "X-Sequence-ID"), "Kx9fQ2");
  // A replacement answers with its sequence; a first message with its id.
  EXPECT_EQ(n.message_id(reqs[0], reply(200, R"({"id":"new1","sequence_id":"Kx9fQ2"})")), "Kx9fQ2");
  EXPECT_EQ(n.message_id(reqs[0], reply(200, R"({"id":"new1"})")), "new1");
  EXPECT_FALSE(header(n.build(msg("x"), ctx())[0], "X-Sequence-ID").has_value());
}

TEST(EditRequestTest, email_answers_the_first_message_id) {
  Email e(profile("email"));
  const auto first = e.build(msg("backup started"), ctx()).at(0);
  const std::string id = e.message_id(first, reply(250, ""));
  EXPECT_EQ(id, "<0123-abcd@example.com>");
  auto m = msg("backup done");
  m.reply_to = id;
  const auto second = e.build(m, ctx()).at(0);
  EXPECT_THAT(second.body, HasSubstr("\r\nIn-Reply-To: <0123-abcd@example.com>\r\n"));
  EXPECT_THAT(second.body, HasSubstr("\r\nReferences: <0123-abcd@example.com>\r\n"));
  // Anything but one id (a damaged state file) never reaches the headers.
  m.reply_to = "<a@b>\r\nBcc: x@evil.example";
  EXPECT_THAT(e.build(m, ctx()).at(0).body, Not(HasSubstr("In-Reply-To")));
}

TEST(EditRequestTest, the_rows_say_who_can_edit_and_reply) {
  std::vector<std::string> edit, reply_;
  for (const auto* s : all_services()) {
    if (s->capabilities.edit) edit.push_back(std::string(s->schema.type));
    if (s->capabilities.reply) reply_.push_back(std::string(s->schema.type));
  }
  EXPECT_THAT(edit, ::testing::UnorderedElementsAre("telegram", "discord", "ntfy", "matrix"));
  EXPECT_THAT(reply_, ::testing::UnorderedElementsAre("telegram", "email", "matrix", "googlechat"));
}

}  // namespace
}  // namespace notify::services
