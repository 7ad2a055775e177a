// FakeGoogleChat must refuse what Google Chat refuses and dedupe as it
// does, or the Google Chat tests prove nothing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_googlechat.hpp"
#include "support/fake_server.hpp"

namespace notify::test {
namespace {

using nlohmann::json;

struct ChatCall {
  int status = 0;
  json body;
};

ChatCall chat_post(const FakeServer& server, const std::string& path_and_query, const std::string& body,
                   const std::string& type = "application/json; charset=UTF-8") {
  httplib::Client c(server.base_url());
  c.set_read_timeout(10);
  auto r = c.Post(path_and_query, body, type);
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

class FakeGoogleChatTest : public ::testing::Test {
 protected:
  FakeServer server;
  FakeGoogleChat chat;
  GoogleChatOptions o;
  void SetUp() override { server.set_handler(chat.handler()); }
  std::string hook(const std::string& extra = "") const {
    return "/v1/spaces/" + o.space + "/messages?key=" + o.key + "&token=" + o.token + extra;
  }
};

TEST_F(FakeGoogleChatTest, refuses_a_wrong_space_key_token_body_and_option_as_chat_does) {
  EXPECT_EQ(chat_post(server, "/v1/spaces/OTHER/messages?key=" + o.key + "&token=" + o.token,
                      R"({"text":"x"})").status, 404);
  EXPECT_EQ(chat_post(server, "/v1/spaces/" + o.space + "/messages?key=bad&token=" + o.token,
                      R"({"text":"x"})").status, 400);
  const auto unauth = chat_post(server, "/v1/spaces/" + o.space + "/messages?key=" + o.key + "&token=bad",
                                R"({"text":"x"})");
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.body["error"]["status"], "UNAUTHENTICATED");
  EXPECT_EQ(chat_post(server, hook(), "not json").status, 400);
  EXPECT_EQ(chat_post(server, hook(), R"({"text":""})").status, 400);
  EXPECT_EQ(chat_post(server, hook(), R"({"text":"x"})", "text/plain").status, 400);
  EXPECT_EQ(chat_post(server, hook(), json({{"text", std::string(4097, 'x')}}).dump()).status, 400);
  EXPECT_EQ(chat_post(server, hook(), json({{"text", std::string(4096, 'x')}}).dump()).status, 200);
  EXPECT_EQ(chat_post(server, hook(), json({{"text", "x"}, {"thread", {{"threadKey", std::string(4001, 'k')}}}}).dump())
                .status, 400);
  EXPECT_EQ(chat_post(server, hook("&messageReplyOption=SOMETIMES"), R"({"text":"x"})").status, 400);
  EXPECT_EQ(chat_post(server, hook("&messageReplyOption=REPLY_MESSAGE_OR_FAIL"),
                      R"({"text":"x","thread":{"threadKey":"nope"}})").status, 404);
  EXPECT_EQ(chat.messages().size(), 1u);
}

TEST_F(FakeGoogleChatTest, a_repeated_request_id_returns_the_same_message_and_a_key_joins_its_thread) {
  const std::string keyed = R"({"text":"a","thread":{"threadKey":"k1"}})";
  const auto first = chat_post(server, hook("&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=r1"), keyed);
  const auto again = chat_post(server, hook("&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=r1"), keyed);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(again.body["name"], first.body["name"]);
  EXPECT_EQ(chat.repeats(), 1u);
  const auto reply = chat_post(server, hook("&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=r2"), keyed);
  EXPECT_EQ(reply.body["thread"]["name"], first.body["thread"]["name"]);
  EXPECT_NE(reply.body["name"], first.body["name"]);
  // Without a reply option the key is ignored: a thread of its own.
  const auto plain = chat_post(server, hook("&requestId=r3"), keyed);
  EXPECT_NE(plain.body["thread"]["name"], first.body["thread"]["name"]);
  ASSERT_EQ(chat.messages().size(), 3u);
  EXPECT_TRUE(chat.messages()[1].reply);
}

TEST_F(FakeGoogleChatTest, records_mentions_and_spans_as_chat_would_render_them) {
  ASSERT_EQ(chat_post(server, hook(), json({{"text", "<users/all> *b* <\u200Busers/123> *\u200Bno* <https://x.example|t> a_b_c"}})
                                       .dump()).status, 200);
  const auto m = chat.messages().at(0);
  EXPECT_EQ(m.mentions, std::vector<std::string>{"<users/all>"});
  EXPECT_EQ(m.spans, (std::vector<std::string>{"<https://x.example|t>", "*b*"}));
  EXPECT_EQ(m.shown, "<users/all> *b* <users/123> *no* <https://x.example|t> a_b_c");
}

}  // namespace
}  // namespace notify::test
