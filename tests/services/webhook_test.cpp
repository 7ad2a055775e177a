// The generic webhook: its body template (escaping, one pass), method,
// headers, content type, splitting in each unit, and reply reading.

#include "services/webhook.hpp"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "message/split.hpp"
#include "services/registry.hpp"
#include "services/webhook_template.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;

config::Profile hook_profile() {
  config::Profile p;
  p.name = "hook";
  p.type = "webhook";
  p.secrets["url"] = "https://hooks.example.com/in/abcdef123456";
  return p;
}

Message hook_msg(std::string body, std::string title = "") {
  Message m;
  m.body = std::move(body);
  m.title = std::move(title);
  return m;
}

std::vector<HttpRequest> hook_build(const config::Profile& p, const Message& m) {
  return Webhook(p).build(m, BuildContext{[] { return std::string("u"); }});
}

TEST(WebhookTemplateTest, values_are_json_escaped_and_the_body_stays_json) {
  std::string nasty = "a \"quoted\" \\ back\nnew\tline \x01\x1f\x7f end ";
  nasty += "\xff\xc3";  // not UTF-8
  nasty += " }} {{title}} \xe2\x82\xac";
  auto m = hook_msg(nasty, "T \"1\"");
  const auto reqs = hook_build(hook_profile(), m);
  ASSERT_EQ(reqs.size(), 1u);
  const auto j = json::parse(reqs[0].body);  // throws if not JSON
  EXPECT_EQ(j["title"], "T \"1\"");
  std::string expected = "a \"quoted\" \\ back\nnew\tline \x01\x1f\x7f end \xef\xbf\xbd\xef\xbf\xbd";
  expected += " }} {{title}} \xe2\x82\xac";
  EXPECT_EQ(j["text"], expected);  // "{{title}}" in the text is not filled again
}

TEST(WebhookTemplateTest, an_unknown_placeholder_is_named_and_a_lone_brace_pair_is_text) {
  EXPECT_EQ(webhook_template_problem(R"({"a": "{{title}} {{text}} {{priority}} {{host}} {{key}} {{part}}/{{parts}}"})"), "");
  EXPECT_THAT(webhook_template_problem(R"({"a": "{{titel}}"})"), HasSubstr("{{titel}}"));
  EXPECT_EQ(webhook_template_problem("a {{ b"), "");
  EXPECT_EQ(webhook_fill("{{text}} {{x", {{"text", "{{x}}"}}, false), "{{x}} {{x");
}

TEST(WebhookBuildTest, placeholders_are_filled_and_a_non_json_body_goes_as_is) {
  auto p = hook_profile();
  p.settings["content_type"] = std::string("text/plain; charset=utf-8");
  p.settings["body"] = std::string("[{{priority}}] {{title}} on {{host}} key={{key}} {{part}}/{{parts}}: {{text}}");
  auto m = hook_msg("say \"hi\"", "t");
  m.priority = Priority::high;
  m.key = "disk";
  const auto reqs = hook_build(p, m);
  ASSERT_EQ(reqs.size(), 1u);
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  EXPECT_EQ(reqs[0].body, std::string("[high] t on ") + host.data() + " key=disk 1/1: say \"hi\"");
  EXPECT_EQ(reqs[0].headers.at(0), Header("Content-Type", "text/plain; charset=utf-8"));
}

TEST(WebhookBuildTest, put_and_every_header_of_the_table_are_sent) {
  auto p = hook_profile();
  p.settings["method"] = std::string("put");
  p.settings["headers"] = std::vector<std::string>{"Authorization", "X-Team"};
  p.secrets["headers.Authorization"] = "Bearer s3cr3t-value";
  p.secrets["headers.X-Team"] = "ops";
  const auto r = hook_build(p, hook_msg("x")).at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "https://hooks.example.com/in/abcdef123456");
  EXPECT_THAT(r.headers, ::testing::ElementsAre(Header("Content-Type", "application/json"),
                                                Header("Authorization", "Bearer s3cr3t-value"),
                                                Header("X-Team", "ops")));
  const auto shown = webhook_preview(r);
  EXPECT_THAT(shown, HasSubstr("Authorization: ***\nX-Team: ***\n"));
  EXPECT_THAT(shown, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(shown, HasSubstr("Content-Type: application/json\n"));
}

TEST(WebhookBuildTest, the_text_splits_in_each_unit_within_max_length_and_round_trips) {
  std::string body;
  for (int i = 0; i < 60; ++i) body += "zeile " + std::to_string(i) + " äö 😀 中文\n";
  body.pop_back();
  for (const auto& [word, unit] : {std::pair{"characters", message::Unit::code_points},
                                   std::pair{"bytes", message::Unit::bytes},
                                   std::pair{"utf16", message::Unit::utf16}}) {
    SCOPED_TRACE(word);
    auto p = hook_profile();
    p.settings["unit"] = std::string(word);
    p.max_length = 100;
    auto m = hook_msg(body, "title");
    m.max_parts = 100;
    const auto reqs = hook_build(p, m);
    ASSERT_GT(reqs.size(), 5u);
    std::string joined;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto j = json::parse(reqs[i].body);
      const auto text = j["text"].get<std::string>();
      EXPECT_LE(message::length_in(text, unit), 100u);
      EXPECT_EQ(j["title"], "title");
      joined += text;
    }
    std::string compact = body;
    std::erase(compact, '\n');
    std::erase(joined, '\n');
    EXPECT_EQ(joined, compact);
  }
}

TEST(WebhookBuildTest, part_numbers_fill_part_and_parts) {
  auto p = hook_profile();
  p.settings["body"] = std::string(R"({"n": "{{part}}/{{parts}}"})");
  p.max_length = 64;
  const auto reqs = hook_build(p, hook_msg(std::string(200, 'x')));
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(json::parse(reqs[2].body)["n"], "3/4");
}

HttpResponse hook_reply(long status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(WebhookReplyTest, any_2xx_succeeds_429_and_5xx_retry_other_4xx_fail_with_the_first_line) {
  const Webhook hook(hook_profile());
  for (long s : {200L, 201L, 202L, 204L, 299L})
    EXPECT_EQ(hook.interpret(hook_reply(s, "")).kind, Verdict::Kind::delivered) << s;
  const auto limited = hook.interpret(hook_reply(429, "slow down", {{"retry-after", "3"}}));
  EXPECT_EQ(limited.kind, Verdict::Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(hook.interpret(hook_reply(502, "bad gateway")).kind, Verdict::Kind::retry);
  const auto refused = hook.interpret(hook_reply(422, "field \x1b[31mtext\x1b[0m missing\nline two"));
  EXPECT_EQ(refused.kind, Verdict::Kind::fail);
  EXPECT_THAT(refused.error, HasSubstr("422"));
  EXPECT_THAT(refused.error, HasSubstr("field [31mtext[0m missing"));
  EXPECT_THAT(refused.error, Not(HasSubstr("line two")));
  EXPECT_THAT(refused.error, Not(HasSubstr("\x1b")));
}

// --- the profile keys, as the loader reads them -------------------------------

Result<config::Config> hook_config(const std::string& extra) {
  return config::parse_config("[profiles.h]\ntype = \"webhook\"\nurl = \"https://x.example.com/in\"\n" + extra,
                              "p.toml", catalog());
}

TEST(WebhookConfigTest, headers_are_a_table_of_secrets_and_bad_ones_are_refused_in_one_line) {
  const auto good = hook_config("[profiles.h.headers]\nAuthorization = \"Bearer ${TOKEN}\"\nX-Team = \"ops team\"\n");
  ASSERT_TRUE(good) << good.error().message;
  const auto& p = good->profiles.at("h");
  EXPECT_EQ(p.list("headers"), (std::vector<std::string>{"Authorization", "X-Team"}));
  ASSERT_EQ(p.secret_sources.size(), 3u);
  EXPECT_TRUE(p.literal_secret);  // X-Team's value is written out
  for (const auto* bad : {"headers = { \"Bad Name\" = \"x\" }", "headers = { \"X\" = \"a\\r\\nInjected: 1\" }",
                          "headers = { \"Content-Type\" = \"text/plain\" }", "headers = \"x\"",
                          "headers = { \"X\" = 1 }", "headers = { \"X\" = \"\" }"}) {
    const auto r = hook_config(std::string(bad) + "\n");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::config);
    EXPECT_THAT(r.error().message, Not(HasSubstr("\n"))) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("'headers")) << bad;
  }
}

TEST(WebhookConfigTest, a_variable_with_a_line_break_is_refused_when_resolved) {
  auto cfg = hook_config("headers = { X-Token = \"${TOKEN}\" }\n");
  ASSERT_TRUE(cfg);
  auto p = cfg->profiles.at("h");
  const auto r = config::resolve_secrets(
      p, [](const std::string&) -> std::optional<std::string> { return "abc\r\nEvil: 1"; },
      [](const std::string&) -> Result<std::string> { return std::string(); });
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("'headers.X-Token'"));
  EXPECT_THAT(r.error().message, Not(HasSubstr("Evil")));
}

TEST(WebhookConfigTest, method_unit_and_body_are_checked) {
  EXPECT_TRUE(hook_config("method = \"PUT\"\nunit = \"utf16\"\nmax_length = 500\n"));
  for (const auto* bad : {"method = \"GET\"", "unit = \"words\"", "body = \"{{text}} {{nope}}\"",
                          "content_type = \"a\\nb\"", "max_length = 100001"}) {
    const auto r = hook_config(std::string(bad) + "\n");
    ASSERT_FALSE(r) << bad;
    EXPECT_THAT(r.error().message, Not(HasSubstr("\n")));
  }
  EXPECT_THAT(hook_config("body = \"{{nope}}\"\n").error().message, HasSubstr("{{nope}}"));
}

}  // namespace
}  // namespace notify::services
