// Listing the chats a service's credentials reach, through a scripted HTTP
// client: what is asked, what each reply becomes, and the registry rows
// that can discover holding their keys.

#include "app/discover.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/catalog.hpp"
#include "app/profile_file.hpp"
#include "support/fake_world.hpp"

namespace notify::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kToken = "123456:ABCdefGHIjklMNOpqr";
const std::string kAsk = std::string("https://tg.example/bot") + kToken + "/getUpdates?timeout=";

class DiscoverTest : public ::testing::Test {
 protected:
  test::FakeHttpClient http;
  Masker masker;

  World world() {
    World w;
    w.http = &http;
    w.masker = &masker;
    return w;
  }
  config::Discovered discover_now(int wait_s = 0) {
    return discover("telegram", kToken, "https://tg.example", wait_s, world());
  }
  void discover_reply(long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    http.respond = [r](const HttpRequest&) { return r; };
  }
};

TEST_F(DiscoverTest, every_discoverable_service_names_keys_it_has) {
  const auto services = discoverable();
  ASSERT_FALSE(services.empty());
  for (const auto* doc : services) {
    const auto& d = *doc->discovery;
    const auto* secret = doc->schema->key(d.secret_key);
    ASSERT_TRUE(secret) << doc->schema->type;
    EXPECT_TRUE(secret->secret) << doc->schema->type;
    EXPECT_TRUE(doc->schema->key(d.server_key)) << doc->schema->type;
    EXPECT_TRUE(doc->schema->key(d.chat_key)) << doc->schema->type;
    EXPECT_TRUE(doc->schema->key(d.topic_key)) << doc->schema->type;
    EXPECT_FALSE(d.secret_question.empty());
    EXPECT_FALSE(d.none_yet.empty());
  }
  ASSERT_TRUE(catalog().doc("telegram"));
  EXPECT_TRUE(catalog().doc("telegram")->discovery);
}

TEST_F(DiscoverTest, asks_once_without_consuming_and_long_polls_when_told) {
  discover_reply(200, R"({"ok":true,"result":[]})");
  discover_now();
  discover_now(30);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_EQ(http.sent[0].method, "GET");
  EXPECT_EQ(http.sent[0].url, kAsk + "0");
  EXPECT_EQ(http.sent[1].url, kAsk + "30");
  EXPECT_THAT(http.sent[0].url, Not(HasSubstr("offset")));
  // The token is in the URL: whatever quotes it later is masked.
  EXPECT_THAT(masker.apply(std::string("token ") + kToken), Not(HasSubstr(kToken)));
}

TEST_F(DiscoverTest, chats_come_back_printable_with_where_a_topic_could_be) {
  discover_reply(200, R"({"ok":true,"result":[
    {"update_id":1,"message":{"chat":{"id":-100,"type":"supergroup","title":"Ops\u001b[2J"},"text":"hi"}},
    {"update_id":2,"message":{"chat":{"id":-100,"type":"supergroup","title":"Ops","is_forum":true},
                              "is_topic_message":true,"message_thread_id":7,"text":"in a topic"}},
    {"update_id":3,"message":{"chat":{"id":42,"type":"private","first_name":"Al"},"text":"yo"}}
  ]})");
  const auto found = discover_now();
  ASSERT_EQ(found.error, "");
  ASSERT_EQ(found.chats.size(), 3u);
  EXPECT_EQ(found.chats[0].id, "-100");
  EXPECT_THAT(found.chats[0].title, Not(HasSubstr("\x1b")));
  EXPECT_TRUE(found.chats[0].topics_possible);
  EXPECT_EQ(found.chats[1].topic, 7);
  EXPECT_FALSE(found.chats[1].topics_possible);
  EXPECT_EQ(found.chats[2].type, "private");
  EXPECT_FALSE(found.chats[2].topics_possible);
}

TEST_F(DiscoverTest, a_rejected_token_is_the_services_own_verdict) {
  discover_reply(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  const auto found = discover_now();
  EXPECT_TRUE(found.secret_rejected);
  EXPECT_THAT(found.error, HasSubstr("rejected the bot token (Unauthorized)"));
  EXPECT_THAT(found.chats, IsEmpty());
}

TEST_F(DiscoverTest, a_webhook_in_the_way_is_explained_and_no_token_matter) {
  discover_reply(409, R"({"ok":false,"description":"Conflict: can't use getUpdates method while webhook is active"})");
  const auto found = discover_now();
  EXPECT_FALSE(found.secret_rejected);
  EXPECT_THAT(found.error, HasSubstr("a webhook is set on this bot"));
  EXPECT_THAT(found.error, HasSubstr("curl https://tg.example/bot<TOKEN>/deleteWebhook"));
}

TEST_F(DiscoverTest, a_reply_that_is_no_list_says_what_came) {
  discover_reply(200, "<html><title>502 Bad Gateway</title></html>");
  const auto found = discover_now();
  EXPECT_FALSE(found.secret_rejected);
  EXPECT_THAT(found.error, HasSubstr("unexpected reply from getUpdates (HTTP 200)"));
}

TEST_F(DiscoverTest, no_answer_names_the_server) {
  http.respond = [](const HttpRequest&) {
    HttpResponse r;
    r.error = TransportError::connect;
    r.error_text = "Could not connect";
    return r;
  };
  const auto found = discover_now();
  EXPECT_EQ(found.error, "cannot reach https://tg.example: Could not connect");
  EXPECT_FALSE(found.secret_rejected);
}

TEST_F(DiscoverTest, a_world_without_a_client_makes_one) {
  int made = 0;
  World w;
  w.make_http = [&] {
    ++made;
    auto c = std::make_unique<test::FakeHttpClient>();
    c->respond = [](const HttpRequest&) {
      HttpResponse r;
      r.status = 200;
      r.body = R"({"ok":true,"result":[]})";
      return r;
    };
    return c;
  };
  const auto found = discover("telegram", kToken, "https://tg.example", 0, w);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(found.error, "");
}

TEST_F(DiscoverTest, the_profiles_of_a_type_by_name) {
  const auto cfg = *parse_profile_file(R"(
[profiles.b]
type = "telegram"
token = "1:abc"
chat_id = "1"

[profiles.a]
type = "telegram"
token = "2:abc"
chat_id = "2"

[profiles.c]
type = "ntfy"
topic = "c-abc"
)", "p.toml");
  EXPECT_THAT(profiles_of(cfg, "telegram"), ElementsAre("a", "b"));
  EXPECT_THAT(profiles_of(cfg, "slack"), IsEmpty());
}

TEST_F(DiscoverTest, the_profile_is_the_one_named_or_the_only_one_of_its_type) {
  auto cfg = *parse_profile_file(R"(
[profiles.b]
type = "telegram"
token = "1:abc"
chat_id = "1"

[profiles.c]
type = "ntfy"
topic = "c-abc"
)", "p.toml");
  const auto& tg = *catalog().doc("telegram");
  EXPECT_EQ(*discovery_profile(cfg, tg, ""), "b");
  EXPECT_EQ(*discovery_profile(cfg, tg, "b"), "b");
  const auto wrong = discovery_profile(cfg, tg, "c");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::usage);
  EXPECT_EQ(wrong.error().message, "no Telegram profile 'c' in p.toml");
  cfg.profiles["a"] = cfg.profiles.at("b");
  const auto several = discovery_profile(cfg, tg, "");
  ASSERT_FALSE(several);
  EXPECT_EQ(several.error().message, "several Telegram profiles in p.toml (a, b)");
  cfg.profiles.clear();
  EXPECT_EQ(discovery_profile(cfg, tg, "").error().message, "no Telegram profile in p.toml");
}

}  // namespace
}  // namespace notify::app
