// The Google Chat service: requests and reply reading checked against
// ../shared/reference/services-3.md §8, then the same requests posted
// through libcurl to FakeGoogleChat, which shows what the space shows.

#include "services/googlechat.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/mask.hpp"
#include "message/split.hpp"
#include "services/registry.hpp"
#include "support/fake_googlechat.hpp"
#include "support/fake_server.hpp"
#include "transport/curl_http_client.hpp"
#include "transport/sync.hpp"

namespace notify::services {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::StartsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kChatHook =
    "https://chat.googleapis.com/v1/spaces/AAAAxyz/messages?key=AIzaSyKEYsecret12345&token=TOKENsecret98765";

config::Profile chat_profile(std::string url = kChatHook) {
  config::Profile p;
  p.name = "space";
  p.type = "googlechat";
  p.secrets["webhook_url"] = std::move(url);
  return p;
}

Message chat_msg(std::string body) {
  Message m;
  m.body = std::move(body);
  return m;
}

// Ids "id-1", "id-2", ... in the order build() draws them.
BuildContext chat_ids() {
  auto n = std::make_shared<int>(0);
  return BuildContext{[n] { return "id-" + std::to_string(++*n); }};
}

std::vector<HttpRequest> chat_build(const config::Profile& p, const Message& m) {
  return GoogleChat(p).build(m, chat_ids());
}

std::string chat_text(const HttpRequest& r) { return json::parse(r.body)["text"].get<std::string>(); }

std::string without_zwsp(std::string s) {
  for (auto at = s.find("\u200B"); at != std::string::npos; at = s.find("\u200B", at)) s.erase(at, 3);
  return s;
}

TEST(GoogleChatBuildTest, one_json_post_with_a_request_id_and_its_own_thread_key) {
  const auto reqs = chat_build(chat_profile(), chat_msg("disk /var 91%"));
  ASSERT_EQ(reqs.size(), 1u);
  const auto& r = reqs[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, std::string(kChatHook) +
                       "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=id-1");
  EXPECT_THAT(r.headers, ElementsAre(Header{"Content-Type", "application/json; charset=UTF-8"}));
  EXPECT_EQ(json::parse(r.body),
            json({{"text", "disk /var 91%"}, {"thread", {{"threadKey", "notify-id-1"}}}}));
  EXPECT_EQ(GoogleChat(chat_profile()).message_id(r, HttpResponse{}), "notify-id-1");
}

TEST(GoogleChatBuildTest, a_reply_names_the_first_messages_thread_key) {
  auto m = chat_msg("still failing");
  m.reply_to = "notify-first";
  const auto reqs = chat_build(chat_profile(), m);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(json::parse(reqs[0].body)["thread"]["threadKey"], "notify-first");
  EXPECT_THAT(reqs[0].url, HasSubstr("messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"));
}

TEST(GoogleChatBuildTest, title_is_bold_unless_it_holds_a_star_and_code_is_a_block) {
  auto m = chat_msg("a\nb");
  m.title = "backup";
  EXPECT_EQ(chat_text(chat_build(chat_profile(), m)[0]), "*backup*\na\nb");
  m.title = "2*3";
  EXPECT_EQ(chat_text(chat_build(chat_profile(), m)[0]), "2*3\na\nb");
  m.title.clear();
  m.code = true;
  m.body = "x ``` y";
  const auto text = chat_text(chat_build(chat_profile(), m)[0]);
  EXPECT_EQ(text.rfind("```\n", 0), 0u);
  EXPECT_EQ(without_zwsp(text), "```\nx ``` y\n```");
  EXPECT_EQ(text.find("```", 3), text.size() - 3);  // the body's fence is broken
}

TEST(GoogleChatEscapeTest, piped_mentions_links_and_spans_are_broken_ordinary_text_is_not) {
  EXPECT_EQ(googlechat_escaped("hi <users/all> and <users/123>", false),
            "hi <\u200Busers/all> and <\u200Busers/123>");
  EXPECT_EQ(googlechat_escaped("<https://evil.example|bank>", false),
            "<\u200Bhttps://evil.example|bank>");
  EXPECT_EQ(googlechat_escaped("*bold* _it_ ~s~ `c`", false),
            "*\u200Bbold* _\u200Bit_ ~\u200Bs~ `\u200Bc`");
  // No span could form: left exactly as written.
  for (const char* plain : {"a < b <= c", "my_file_name.txt", "2 * 3 = 6", "a*b", "*nothing closes",
                            "x_1 and y_2"})
    EXPECT_EQ(googlechat_escaped(plain, false), plain) << plain;
  // In a code block only the mentions are broken.
  EXPECT_EQ(googlechat_escaped("*x* <users/all>", true), "*x* <\u200Busers/all>");
}

TEST(GoogleChatBuildTest, urgent_mentions_go_unbroken_on_a_line_of_their_own) {
  auto m = chat_msg("down <users/all>");
  m.priority = Priority::urgent;
  m.urgent_mentions = {"<users/all>"};
  EXPECT_EQ(chat_text(chat_build(chat_profile(), m)[0]),
            "<users/all>\ndown <\u200Busers/all>");
}

TEST(GoogleChatBuildTest, long_input_splits_at_4096_code_points_numbered_in_one_thread) {
  std::string body;
  for (int i = 0; i < 900; ++i) body += "line " + std::to_string(i) + " é😀 *x*\n";
  auto m = chat_msg(body);
  m.title = "log";
  const auto reqs = chat_build(chat_profile(), m);
  ASSERT_GT(reqs.size(), 2u);
  std::string joined;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto text = chat_text(reqs[i]);
    EXPECT_LE(message::length_in(text, message::Unit::code_points), GoogleChat::kLimit);
    EXPECT_THAT(reqs[i].url, HasSubstr("requestId=id-" + std::to_string(i + 1)));
    EXPECT_EQ(json::parse(reqs[i].body)["thread"]["threadKey"], "notify-id-1");
    const auto header = "*log (" + std::to_string(i + 1) + "/" + std::to_string(reqs.size()) + ")*\n";
    ASSERT_EQ(text.rfind(header, 0), 0u) << i;
    joined += text.substr(header.size());
  }
  // A cut at a line break takes the break.
  joined = without_zwsp(joined);
  std::erase(joined, '\n');
  std::erase(body, '\n');
  EXPECT_EQ(joined, body);
}

TEST(GoogleChatBuildTest, markdown_is_sent_rendered_as_plain_text) {
  auto m = chat_msg("**bold** and [a link](https://example.com)");
  m.markdown = true;
  const auto text = chat_text(chat_build(chat_profile(), m)[0]);
  EXPECT_THAT(text, Not(HasSubstr("**")));
  EXPECT_THAT(text, HasSubstr("bold"));
  EXPECT_THAT(GoogleChat(chat_profile()).notes(m), ElementsAre(HasSubstr("plain text")));
}

TEST(GoogleChatBuildTest, one_part_text_is_exactly_what_one_message_holds) {
  auto m = chat_msg("");
  m.title = "t";
  const GoogleChat chat(chat_profile());
  m.body = std::string(chat.one_part_text(m), 'x');
  EXPECT_EQ(chat.build(m, chat_ids()).size(), 1u);
  m.body += "x";
  EXPECT_EQ(chat.build(m, chat_ids()).size(), 2u);
}

HttpResponse chat_reply(long status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(GoogleChatReplyTest, a_message_is_delivered_429_and_5xx_retried_4xx_fail_with_googles_words) {
  const GoogleChat chat(chat_profile());
  EXPECT_EQ(chat.interpret(chat_reply(200, R"({"name":"spaces/A/messages/1"})")).kind,
            Verdict::Kind::delivered);
  const auto limited = chat.interpret(chat_reply(429, "{}", {{"retry-after", "7"}}));
  EXPECT_EQ(limited.kind, Verdict::Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(chat.interpret(chat_reply(503, "unavailable")).kind, Verdict::Kind::retry);
  for (long status : {400L, 403L, 404L}) {
    const auto v = chat.interpret(chat_reply(
        status, R"({"error":{"code":)" + std::to_string(status) +
                    R"(,"message":"Invalid thing.","status":"INVALID_ARGUMENT"}})"));
    EXPECT_EQ(v.kind, Verdict::Kind::fail);
    EXPECT_THAT(v.error, HasSubstr("INVALID_ARGUMENT: Invalid thing."));
    EXPECT_THAT(v.hint, HasSubstr("webhook_url"));
  }
}

TEST(GoogleChatMaskTest, key_and_token_are_masked_what_notify_adds_is_not) {
  const auto p = chat_profile();
  const auto& shapes = url_shapes(p, "webhook_url");
  const auto sent = chat_build(p, chat_msg("x"))[0].url;
  EXPECT_EQ(mask_url(sent, shapes),
            "https://chat.googleapis.com/v1/spaces/AAAAxyz/messages?key=***&token=***"
            "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=id-1");
  Masker masker;
  add_secrets(p, masker);
  const auto shown = masker.apply("POST " + sent + " failed");
  EXPECT_THAT(shown, Not(HasSubstr("KEYsecret")));
  EXPECT_THAT(shown, Not(HasSubstr("TOKENsecret")));
}

TEST(GoogleChatRowTest, a_url_without_key_and_token_is_refused) {
  const auto* row = find_service("googlechat");
  ASSERT_NE(row, nullptr);
  const auto* key = row->schema.key("webhook_url");
  EXPECT_EQ(config::value_problem(row->schema, *key, kChatHook), "");
  EXPECT_THAT(config::value_problem(row->schema, *key,
                                    "https://chat.googleapis.com/v1/spaces/A/messages?key=k"),
              HasSubstr("token"));
  EXPECT_THAT(config::value_problem(row->schema, *key, "https://chat.googleapis.com/v2/x?key=k&token=t"),
              Not(IsEmpty()));
}

TEST(GoogleChatAgainstFakeTest, parts_land_in_one_thread_a_resend_is_no_duplicate_a_reply_joins) {
  test::FakeServer server;
  test::FakeGoogleChat fake;
  server.set_handler(fake.handler());
  const GoogleChat chat(chat_profile(fake.url(server)));
  CurlHttpClient client;
  std::string body;
  for (int i = 0; i < 700; ++i) body += "row " + std::to_string(i) + " <users/all> *b*\n";
  const auto reqs = chat.build(chat_msg(body), chat_ids());
  ASSERT_GE(reqs.size(), 2u);
  std::string first_id;
  for (const auto& r : reqs) {
    const auto response = perform(client, HttpRequest(r), RequestOptions{});
    EXPECT_EQ(chat.interpret(response).kind, Verdict::Kind::delivered) << response.body;
    if (first_id.empty()) first_id = chat.message_id(r, response);
  }
  // The first part again, as a flush after a kill sends it.
  EXPECT_EQ(chat.interpret(perform(client, HttpRequest(reqs[0]), RequestOptions{})).kind,
            Verdict::Kind::delivered);
  EXPECT_EQ(fake.repeats(), 1u);
  auto reply = chat_msg("and again");
  reply.reply_to = first_id;
  for (auto& r : chat.build(reply, BuildContext{[] { return std::string("other"); }}))
    EXPECT_EQ(chat.interpret(perform(client, std::move(r), RequestOptions{})).kind,
              Verdict::Kind::delivered);
  const auto shown = fake.messages();
  ASSERT_EQ(shown.size(), reqs.size() + 1);
  for (const auto& msg : shown) {
    EXPECT_EQ(msg.thread, shown[0].thread);
    EXPECT_THAT(msg.mentions, IsEmpty()) << msg.text;
    // Only notify's own bold part numbers render.
    EXPECT_THAT(msg.spans, Each(StartsWith("*("))) << msg.text;
  }
  EXPECT_TRUE(shown.back().reply);
}

}  // namespace
}  // namespace notify::services
