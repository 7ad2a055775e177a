// Teams (Workflows webhook) through the real binary against FakeTeams: the
// Adaptive Card, Markdown and mention safety, the 28,000-byte split, errors,
// Retry-After, the spool, --file refusal, the retired connector URLs,
// masking of the signature, setup.

#include "e2e.hpp"
#include "support/fake_services3_a.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTeamsSig = "TeamsSigFake0123456789abcdefGHIJ";
constexpr const char* kTeamsFlow = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

class TeamsE2E : public E2E {
 protected:
  FakeServer server;
  FakeTeams teams;
  std::string path;

  void SetUp() override {
    server.set_handler(teams.handler());
    path = config(profiles(teams.url(server)));
  }
  static std::string profiles(const std::string& url, const std::string& extra = "") {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.chan]\ntype = \"teams\"\nwebhook_url = \"" +
           url + "\"\n" + extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    for (const char* s : {kTeamsSig, kTeamsFlow}) {
      EXPECT_THAT(r.out, Not(HasSubstr(s)));
      EXPECT_THAT(r.err, Not(HasSubstr(s)));
    }
  }
};

TEST_F(TeamsE2E, delivers_an_adaptive_card_with_a_bold_title_and_the_text) {
  auto r = run({"chan", "--title", "backup", "done"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto cards = teams.cards();
  ASSERT_EQ(cards.size(), 1u);
  ASSERT_EQ(cards[0].blocks.size(), 2u);
  EXPECT_EQ(cards[0].blocks[0].shown, "backup");
  EXPECT_TRUE(cards[0].blocks[0].bold);
  EXPECT_TRUE(cards[0].blocks[0].large);
  EXPECT_EQ(cards[0].blocks[1].shown, "done");
  EXPECT_TRUE(cards[0].blocks[1].wrap);
  EXPECT_FALSE(cards[0].blocks[1].monospace);
}

TEST_F(TeamsE2E, piped_markdown_and_mentions_never_render_or_notify) {
  const std::string hostile = "**bold** _it_ [click](https://evil.example) <at>Everyone</at>\n"
                              "- item\n1. first\n+ plus \\*star\\*";
  auto r = run({"chan", "--title", "*t* [x](y)"}, hostile);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto cards = teams.cards();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_FALSE(cards[0].entities) << "no mention is ever sent";
  ASSERT_EQ(cards[0].blocks.size(), 2u);
  EXPECT_EQ(cards[0].blocks[0].shown, "*t* [x](y)");
  EXPECT_FALSE(cards[0].blocks[0].markup) << cards[0].blocks[0].text;
  EXPECT_EQ(cards[0].blocks[1].shown, hostile);
  EXPECT_FALSE(cards[0].blocks[1].markup) << cards[0].blocks[1].text;
}

TEST_F(TeamsE2E, markdown_is_sent_as_written_and_code_in_monospace) {
  auto r = run({"chan", "--markdown", "**bold**"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto c = run({"chan", "--code"}, std::string("x = a*b_c\n"));
  EXPECT_EQ(c.exit_code, 0) << c.err;
  const auto cards = teams.cards();
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].blocks.back().text, "**bold**");
  EXPECT_TRUE(cards[0].blocks.back().markup);
  EXPECT_TRUE(cards[1].blocks.back().monospace);
  EXPECT_EQ(cards[1].blocks.back().shown, "x = a*b_c");
  EXPECT_FALSE(cards[1].blocks.back().markup);
}

TEST_F(TeamsE2E, every_request_stays_within_28000_bytes_and_the_text_round_trips) {
  // Backslashes and quotes grow most: each is escaped for Markdown and JSON.
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(10000 + i) + " \\\"*_ ";
  auto r = run({"--max-parts", "20", "chan", "--title", "big"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto cards = teams.cards();
  ASSERT_GE(cards.size(), 2u);
  std::string all;
  for (const auto& card : cards) {
    EXPECT_LE(card.bytes, 28000u);
    ASSERT_EQ(card.blocks.size(), 2u);
    EXPECT_FALSE(card.blocks[1].markup);
    all += card.blocks[1].shown + " ";
  }
  std::size_t at = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto found = all.find("w" + std::to_string(10000 + i) + " \\\"*_", at);
    ASSERT_NE(found, std::string::npos) << "word " << i;
    at = found;
  }
  for (const auto& req : server.requests()) EXPECT_LE(req.body.size(), 28000u);
}

TEST_F(TeamsE2E, every_level_goes_as_the_same_card) {
  for (const char* level : {"low", "normal", "high", "urgent"}) {
    auto r = run({"chan", "--priority", level, "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  for (const auto& req : reqs) EXPECT_EQ(req.body, reqs[0].body);
}

TEST_F(TeamsE2E, a_429_honours_retry_after_and_a_5xx_is_retried_then_spooled) {
  Reply busy = teams_error(429, "WorkflowTriggerIsThrottled", "Rate limit is exceeded.");
  busy.headers.emplace_back("Retry-After", "1");
  server.push_reply(busy);
  auto r = run({"-v", "--retries", "1", "chan", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(teams.cards().size(), 1u);

  server.set_handler([](const Recorded&) { return server_error(502); });
  auto s = run({"--retries", "1", "chan", "later"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  expect_no_secret(s);
  server.set_handler(teams.handler());
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(teams.cards().size(), 2u);
  EXPECT_EQ(teams.cards()[1].blocks.back().shown, "later");
}

TEST_F(TeamsE2E, a_wrong_signature_is_permanent_with_a_hint) {
  path = config(profiles(server.base_url() + "/workflows/" + kTeamsFlow +
                         "/triggers/manual/paths/invoke?api-version=1&sig=WrongSigFake0123456789"));
  auto r = run({"--retries", "2", "chan", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("DirectApiAuthorizationRequired"));
  EXPECT_THAT(r.err, HasSubstr("copy webhook_url again"));
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(failed(), 1u);
  EXPECT_THAT(r.err, Not(HasSubstr("WrongSigFake0123456789")));
}

TEST_F(TeamsE2E, an_office_365_connector_url_is_refused_at_load) {
  path = config(profiles("https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456"));
  auto r = run({"chan", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("Office 365 connector"));
  EXPECT_THAT(r.err, HasSubstr("Workflows"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(TeamsE2E, file_is_refused_with_exit_2_before_anything_is_sent) {
  const auto file = home.write_file("report.txt", "numbers\n");
  auto r = run({"chan", "--file", file.string(), "see attached"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("profile 'chan' cannot carry it: teams"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(TeamsE2E, dry_run_json_and_list_never_show_the_signature_or_flow) {
  auto d = run({"--dry-run", "chan", "hello"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("/workflows/***/triggers/manual/paths/invoke"));
  EXPECT_THAT(d.out, HasSubstr("hello"));
  expect_no_secret(d);
  auto j = run({"--json", "chan", "x"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["http_status"], 202);
  expect_no_secret(j);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("teams"));
    expect_no_secret(l);
  }
}

TEST_F(TeamsE2E, setup_writes_a_profile_that_delivers) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "room", "--type", "teams", "--webhook-url", teams.url(server), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"room", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(teams.cards().size(), 1u);
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("room"));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
