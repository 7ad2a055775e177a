// The Pushover service: form fields, priorities, attachments and reply
// reading against shared/reference/services-3.md §6.

#include "services/pushover.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/registry.hpp"
#include "support/fake_server.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;

config::Profile pushover_profile() {
  config::Profile p;
  p.name = "pager";
  p.type = "pushover";
  p.secrets["token"] = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
  p.secrets["user"] = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
  p.settings["api_base"] = std::string("https://api.pushover.net");
  return p;
}

std::string pushover_field(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : test::parse_form(r.body))
    if (k == name) return v;
  return "<none>";
}

std::vector<HttpRequest> pushover_build(const Message& m) {
  return Pushover(pushover_profile()).build(m, BuildContext{[] { return std::string("uuid"); }});
}

TEST(PushoverTest, a_message_is_a_form_with_token_user_and_text) {
  Message m;
  m.title = "t & u";
  m.body = "a=b&c <b>x</b>";
  const auto rs = pushover_build(m);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].url, "https://api.pushover.net/1/messages.json");
  EXPECT_EQ(pushover_field(rs[0], "message"), "a=b&c <b>x</b>");
  EXPECT_EQ(pushover_field(rs[0], "title"), "t & u");
  EXPECT_EQ(pushover_field(rs[0], "html"), "<none>");
  EXPECT_EQ(pushover_field(rs[0], "priority"), "<none>");
}

TEST(PushoverTest, urgent_is_an_emergency_with_retry_and_expire) {
  Message m;
  m.body = "x";
  m.priority = Priority::urgent;
  const auto rs = pushover_build(m);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(pushover_field(rs[0], "priority"), "2");
  EXPECT_EQ(pushover_field(rs[0], "retry"), "60");
  EXPECT_EQ(pushover_field(rs[0], "expire"), "3600");
}

TEST(PushoverTest, replies_are_read_as_pushover_means_them) {
  const Pushover p(pushover_profile());
  HttpResponse r;
  r.status = 200;
  r.body = R"({"status":1,"request":"x"})";
  EXPECT_EQ(p.interpret(r).kind, Verdict::Kind::delivered);
  r.body = R"({"status":0,"errors":["user key is invalid"],"user":"invalid","request":"x"})";
  auto v = p.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("user key is invalid"));
  EXPECT_THAT(v.hint, HasSubstr("check user"));
  r.status = 400;
  EXPECT_EQ(p.interpret(r).kind, Verdict::Kind::fail);
  r.status = 429;
  r.body = R"({"status":0,"errors":["over quota"]})";
  v = p.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_FALSE(v.retry_after.has_value());
  EXPECT_THAT(v.hint, HasSubstr("1st of the month"));
  r.status = 500;
  r.body = "";
  v = p.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  ASSERT_TRUE(v.retry_after.has_value());
  EXPECT_GE(*v.retry_after, std::chrono::milliseconds(5000));
  HttpResponse none;
  none.error = TransportError::timeout;
  v = p.interpret(none);
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  ASSERT_TRUE(v.retry_after.has_value());
  EXPECT_GE(*v.retry_after, std::chrono::milliseconds(5000));
}

TEST(PushoverTest, keys_must_look_like_pushover_keys) {
  const auto* row = find_service("pushover");
  ASSERT_NE(row, nullptr);
  const auto* user = row->schema.key("user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(config::value_problem(row->schema, *user, "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"), "");
  EXPECT_NE(config::value_problem(row->schema, *user, "short"), "");
  EXPECT_EQ(Pushover(pushover_profile()).max_file_bytes(), 5242880u);
}

}  // namespace
}  // namespace notify::services
