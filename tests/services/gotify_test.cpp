// The Gotify service: requests and reply reading against
// shared/reference/services-3.md §5.

#include "services/gotify.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/registry.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;

config::Profile gotify_profile(std::string server = "https://push.example.com/gotify/") {
  config::Profile p;
  p.name = "phone";
  p.type = "gotify";
  p.settings["server"] = std::move(server);
  p.secrets["token"] = "AppTokenFake0001";
  return p;
}

std::vector<HttpRequest> gotify_build(const Message& m, const config::Profile& p = gotify_profile()) {
  return Gotify(p).build(m, BuildContext{[] { return std::string("uuid"); }});
}

TEST(GotifyTest, posts_json_to_the_message_route_with_the_token_in_a_header) {
  Message m;
  m.title = "t";
  m.body = "hello";
  const auto rs = gotify_build(m);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].url, "https://push.example.com/gotify/message");
  EXPECT_EQ(rs[0].url.find("token"), std::string::npos);
  bool header = false;
  for (const auto& [name, value] : rs[0].headers) header |= name == "X-Gotify-Key" && value == "AppTokenFake0001";
  EXPECT_TRUE(header);
  const auto j = nlohmann::json::parse(rs[0].body);
  EXPECT_EQ(j["title"], "t");
  EXPECT_EQ(j["message"], "hello");
  EXPECT_EQ(j["priority"], 5);
  EXPECT_EQ(j["extras"]["client::display"]["contentType"], "text/plain");
}

TEST(GotifyTest, max_length_may_raise_the_part_up_to_its_maximum_only) {
  auto p = gotify_profile();
  p.max_length = 1000000;
  Message m;
  m.body = std::string(70000, 'a');
  m.max_parts = 10;
  const auto rs = gotify_build(m, p);
  ASSERT_EQ(rs.size(), 2u);
  for (const auto& r : rs)
    EXPECT_LE(nlohmann::json::parse(r.body)["message"].get<std::string>().size(), Gotify::kMaxLimit);
}

TEST(GotifyTest, errors_are_read_from_gotifys_error_body) {
  const Gotify g(gotify_profile());
  HttpResponse r;
  r.status = 401;
  r.body = R"({"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token"})";
  auto v = g.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("valid access token"));
  EXPECT_THAT(v.hint, HasSubstr("token"));
  r.status = 404;
  r.body = R"({"error":"Not Found","errorCode":404,"errorDescription":"page not found"})";
  EXPECT_THAT(g.interpret(r).hint, HasSubstr("server"));
  r.status = 503;
  EXPECT_EQ(g.interpret(r).kind, Verdict::Kind::retry);
  r.status = 200;
  r.body = R"({"id":7})";
  EXPECT_EQ(g.interpret(r).kind, Verdict::Kind::delivered);
}

TEST(GotifyTest, the_token_check_refuses_what_cannot_be_a_token) {
  const auto* row = find_service("gotify");
  ASSERT_NE(row, nullptr);
  const auto* token = row->schema.key("token");
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(config::value_problem(row->schema, *token, "AbCdEf0123456789"), "");
  EXPECT_NE(config::value_problem(row->schema, *token, "two words"), "");
}

}  // namespace
}  // namespace notify::services
