// Self-tests of the Gotify, Pushover and Teams fakes: they refuse what the
// services refuse, and record what the services would show.

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_server.hpp"
#include "support/fake_services3_a.hpp"

namespace notify::test {
namespace {

using nlohmann::json;

httplib::Client services3a_client(const FakeServer& server) {
  httplib::Client c(server.base_url());
  c.set_connection_timeout(5);
  c.set_read_timeout(10);
  return c;
}

TEST(FakeGotifyTest, takes_the_token_in_a_header_and_refuses_a_missing_message) {
  FakeServer server;
  FakeGotify gotify;
  server.set_handler(gotify.handler());
  auto c = services3a_client(server);
  httplib::Headers auth{{"X-Gotify-Key", "AppTokenFake0001"}};
  auto ok = c.Post("/message", auth, R"({"message":"hi","priority":8})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["id"], 1);
  auto none = c.Post("/message", auth, R"({"title":"x"})", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
  auto anon = c.Post("/message", R"({"message":"hi"})", "application/json");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);
  EXPECT_EQ(json::parse(anon->body)["errorCode"], 401);
  auto client = c.Post("/message", {{"X-Gotify-Key", "ClientTokenFake1"}}, R"({"message":"hi"})",
                       "application/json");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->status, 403);
  ASSERT_EQ(gotify.messages().size(), 1u);
  EXPECT_EQ(gotify.messages()[0].priority, 8);
}

TEST(FakePushoverTest, validates_like_pushover_and_counts_the_quota) {
  FakeServer server;
  PushoverOptions o;
  o.quota = 1;
  FakePushover pushover(o);
  server.set_handler(pushover.handler());
  auto c = services3a_client(server);
  const std::string auth = "token=" + o.token + "&user=" + o.user;
  auto too_long = c.Post("/1/messages.json", auth + "&message=" + std::string(1025, 'a'),
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 400);
  auto emergency = c.Post("/1/messages.json", auth + "&message=x&priority=2&retry=10&expire=60",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(emergency);
  EXPECT_EQ(json::parse(emergency->body)["retry"], "invalid");
  auto both = c.Post("/1/messages.json", auth + "&message=x&html=1&monospace=1",
                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
  auto ok = c.Post("/1/messages.json", auth + "&message=x", "application/x-www-form-urlencoded");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("X-Limit-App-Remaining"), "0");
  auto over = c.Post("/1/messages.json", auth + "&message=y", "application/x-www-form-urlencoded");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  auto bad_token = c.Post("/1/messages.json", "token=short&user=" + o.user + "&message=x",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(bad_token);
  EXPECT_EQ(json::parse(bad_token->body)["token"], "invalid");
  EXPECT_EQ(pushover.messages().size(), 1u);
}

TEST(FakeTeamsTest, accepts_a_card_on_the_signed_url_and_refuses_the_rest) {
  FakeServer server;
  FakeTeams teams;
  server.set_handler(teams.handler());
  auto c = services3a_client(server);
  const std::string target = teams.url(server).substr(server.base_url().size());
  auto card = [](json body) {
    return json{{"type", "message"},
                {"attachments",
                 {{{"contentType", "application/vnd.microsoft.card.adaptive"},
                   {"contentUrl", nullptr},
                   {"content", {{"type", "AdaptiveCard"}, {"version", "1.2"}, {"body", body}}}}}}};
  };
  auto ok = c.Post(target, card({{{"type", "TextBlock"}, {"text", "a \\*b\\*"}}}).dump(),
                   "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202);
  auto empty = c.Post(target, card({{{"type", "TextBlock"}}}).dump(), "application/json");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  auto not_array = c.Post(target, card(json::object()).dump(), "application/json");
  ASSERT_TRUE(not_array);
  EXPECT_EQ(not_array->status, 400);
  auto big = c.Post(target, card({{{"type", "TextBlock"}, {"text", std::string(28000, 'x')}}}).dump(),
                    "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto unsigned_post = c.Post(target.substr(0, target.find('?')), card(json::array()).dump(),
                              "application/json");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  ASSERT_EQ(teams.cards().size(), 1u);
  EXPECT_EQ(teams.cards()[0].blocks[0].shown, "a *b*");
  EXPECT_FALSE(teams.cards()[0].blocks[0].markup);
}

}  // namespace
}  // namespace notify::test
