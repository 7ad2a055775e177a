// The Teams service: the Adaptive Card, Markdown escaping, the byte limit
// on whole requests, masking and the refusal of retired connector URLs
// (shared/reference/services-3.md §7).

#include "services/teams.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/mask.hpp"
#include "services/registry.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTeamsUrl =
    "https://prod-01.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/"
    "invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SeCrEtSig0123456789";

config::Profile teams_profile() {
  config::Profile p;
  p.name = "chan";
  p.type = "teams";
  p.secrets["webhook_url"] = kTeamsUrl;
  return p;
}

std::vector<HttpRequest> teams_build(const Message& m, const config::Profile& p = teams_profile()) {
  return Teams(p).build(m, BuildContext{[] { return std::string("uuid"); }});
}

TEST(TeamsTest, the_card_has_the_title_and_the_text_as_text_blocks) {
  Message m;
  m.title = "t";
  m.body = "hello";
  m.code = true;
  const auto rs = teams_build(m);
  ASSERT_EQ(rs.size(), 1u);
  const auto j = nlohmann::json::parse(rs[0].body);
  EXPECT_EQ(j["type"], "message");
  const auto& card = j["attachments"][0];
  EXPECT_EQ(card["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_TRUE(card["contentUrl"].is_null());
  EXPECT_EQ(card["content"]["type"], "AdaptiveCard");
  EXPECT_EQ(card["content"]["version"], "1.2");
  const auto& body = card["content"]["body"];
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["weight"], "Bolder");
  EXPECT_EQ(body[1]["text"], "hello");
  EXPECT_EQ(body[1]["fontType"], "Monospace");
  EXPECT_FALSE(card["content"].contains("msteams"));
}

TEST(TeamsTest, markdown_characters_are_escaped) {
  EXPECT_EQ(teams_escaped("**a** _b_ [c](d) \\"), "\\*\\*a\\*\\* \\_b\\_ \\[c\\](d) \\\\");
  EXPECT_EQ(teams_escaped("- x\n  + y\n12. z\n 3. w\na-b 1.5"),
            "\\- x\n  \\+ y\n12\\. z\n 3\\. w\na-b 1.5");
}

TEST(TeamsTest, no_request_exceeds_the_limit_whatever_the_text) {
  for (const char* unit : {"a", "\\", "\"",
                           "é", "*_"}) {
    SCOPED_TRACE(unit);
    Message m;
    m.title = "title";
    m.max_parts = 50;
    for (int i = 0; i < 40000; ++i) m.body += std::string(unit) + (i % 50 == 0 ? " " : "");
    const auto rs = teams_build(m);
    ASSERT_GE(rs.size(), 2u);
    for (const auto& r : rs) EXPECT_LE(r.body.size(), Teams::kLimit);
  }
  auto p = teams_profile();
  p.max_length = 5000;
  Message m;
  m.body = std::string(20000, 'x');
  m.max_parts = 50;
  for (const auto& r : teams_build(m, p)) EXPECT_LE(r.body.size(), 5000u);
}

TEST(TeamsTest, the_signature_and_the_flow_are_masked) {
  Masker masker;
  add_secrets(teams_profile(), masker);
  const std::string shown = masker.apply(std::string("POST ") + kTeamsUrl);
  EXPECT_THAT(shown, Not(HasSubstr("SeCrEtSig")));
  EXPECT_THAT(shown, Not(HasSubstr("0a1b2c3d4e5f")));
  EXPECT_THAT(shown, HasSubstr("logic.azure.com:443/workflows/***/triggers/manual/paths/invoke"));
}

TEST(TeamsTest, connector_urls_are_refused_and_workflow_urls_accepted) {
  const auto* row = find_service("teams");
  ASSERT_NE(row, nullptr);
  const auto* key = row->schema.key("webhook_url");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(config::value_problem(row->schema, *key, kTeamsUrl), "");
  EXPECT_EQ(config::value_problem(
                row->schema, *key,
                "https://default0a.b1.environment.api.powerplatform.com:443/powerautomate/"
                "automations/direct/workflows/abc123/triggers/manual/paths/invoke?api-version=1&"
                "sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=xyz"),
            "");
  EXPECT_THAT(config::value_problem(row->schema, *key,
                                    "https://contoso.webhook.office.com/webhookb2/a@b/"
                                    "IncomingWebhook/c/d"),
              HasSubstr("Workflows"));
  EXPECT_THAT(config::value_problem(row->schema, *key, "https://example.com/other"),
              HasSubstr("its path must be"));
}

TEST(TeamsTest, answers_are_read_as_a_workflow_gives_them) {
  const Teams t(teams_profile());
  HttpResponse r;
  r.status = 202;
  EXPECT_EQ(t.interpret(r).kind, Verdict::Kind::delivered);
  r.status = 401;
  r.body = R"({"error":{"code":"DirectApiAuthorizationRequired","message":"no"}})";
  auto v = t.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("DirectApiAuthorizationRequired"));
  EXPECT_THAT(v.hint, HasSubstr("webhook_url"));
  r.status = 429;
  r.headers = {{"retry-after", "3"}};
  v = t.interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace notify::services
