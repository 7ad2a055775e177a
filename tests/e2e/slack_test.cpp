// Slack through the real binary against FakeSlack: delivery, splitting,
// escaping and mention safety, Slack's error words, retries, the spool,
// fallbacks, TLS, --file refusal, --dry-run/--json/list masking, setup.

#include <algorithm>
#include <sstream>

#include "e2e.hpp"
#include "support/fake_services2.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The hook's last path segment is its secret.
constexpr const char* kHookSecret = "slackSecret0123456789abcd";
constexpr const char* kHookPath = "/services/T0TEST0001/B0TEST0001/slackSecret0123456789abcd";

SlackOptions hook_options() {
  SlackOptions o;
  o.path = kHookPath;
  return o;
}

class SlackE2E : public E2E {
 protected:
  FakeServer server;
  FakeSlack slack{hook_options()};
  FakeServer mm;  // a Mattermost profile for fallbacks
  std::string path;

  void SetUp() override {
    server.set_handler(slack.handler());
    mm.set_handler(mattermost_handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& team_extra = "", const std::string& ops_extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.team]\ntype = \"slack\"\nwebhook_url = \"" +
           slack.url(server) + "\"\n" + team_extra + "\n[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
           mattermost_url(mm) + "\"\n" + ops_extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    EXPECT_THAT(r.out, Not(HasSubstr(kHookSecret)));
    EXPECT_THAT(r.err, Not(HasSubstr(kHookSecret)));
  }
};

TEST_F(SlackE2E, delivers_piped_text_with_a_bold_title) {
  auto r = run({"team"}, std::string("disk /var 91%\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(slack.posts()[0].shown, "disk /var 91%");

  auto t = run({"team", "--title", "backup", "done"});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  ASSERT_EQ(slack.posts().size(), 2u);
  EXPECT_EQ(slack.posts()[1].shown, "*backup*\ndone");
}

TEST_F(SlackE2E, long_input_is_split_into_parts_slack_shows_in_full_in_order) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "w" + std::to_string(10000 + i) + " ";  // 14,000 chars
  auto r = run({"--max-parts", "10", "team"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto posts = slack.posts();
  ASSERT_GE(posts.size(), 4u);
  std::string all;
  for (const auto& p : posts) {
    EXPECT_LE(p.length, 4000u);
    EXPECT_FALSE(p.truncated);
    all += p.shown + "\n";
  }
  std::size_t at = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto found = all.find("w" + std::to_string(10000 + i), at);
    ASSERT_NE(found, std::string::npos) << "word " << i << " lost or out of order";
    at = found;
  }
}

TEST_F(SlackE2E, escaped_text_cannot_form_a_mention_or_link_and_is_shown_as_written) {
  const std::string hostile = "<!channel> <!here> <!everyone> <@U024BE7LH> <#C024BE7LR> "
                              "<!subteam^S1> <https://evil.example|click> a & b &amp; @channel";
  auto r = run({"team", "--title", "<!here> & <@U1>"}, hostile);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(slack.posts().size(), 1u);
  const auto post = slack.posts()[0];
  EXPECT_TRUE(post.mentions.empty()) << post.text;
  EXPECT_FALSE(post.link_names);
  EXPECT_EQ(post.shown, "*<!here> & <@U1>*\n" + hostile);
}

TEST_F(SlackE2E, a_split_never_cuts_an_escaped_entity) {
  // Every character doubles or quadruples once escaped: a cut after escaping
  // would leave "&am" / "p;" halves Slack shows as garbage.
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "<&>";
  auto r = run({"--max-parts", "10", "team"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string all;
  for (const auto& p : slack.posts()) {
    EXPECT_LE(p.length, 40000u);
    EXPECT_TRUE(p.mentions.empty());
    // Drop the "*(i/n)*" header line.
    all += p.shown.substr(p.shown.find('\n') + 1);
  }
  EXPECT_EQ(all, text);
}

TEST_F(SlackE2E, code_mode_keeps_the_text_escaped_inside_the_fence) {
  auto r = run({"--code", "team"}, std::string("if (a < b && c > d) <!channel>\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(slack.posts()[0].shown, "```\nif (a < b && c > d) <!channel>\n```");
  EXPECT_TRUE(slack.posts()[0].mentions.empty());
}

TEST_F(SlackE2E, a_429_with_retry_after_is_honoured_then_delivered_once) {
  server.push_reply(slack_429(1));
  auto r = run({"-v", "--retries", "1", "team", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("team: part 1: HTTP 429"));
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(pending(), 0u);
  expect_no_secret(r);
}

TEST_F(SlackE2E, each_error_word_is_a_dead_letter_with_its_hint_and_no_retry) {
  struct Case {
    int status;
    const char* word;
    const char* hint;
  };
  const Case cases[] = {
      {404, "channel_not_found", "check channel"},
      {410, "channel_is_archived", "unarchive it"},
      {403, "action_prohibited", "workspace admin"},
      {404, "no_service", "copy it again"},
      {403, "invalid_token", "create a new webhook"},
      {400, "invalid_payload", "proxy"},
  };
  std::size_t dead = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.word);
    server.reset();
    server.push_reply(slack_error(c.status, c.word));
    auto r = run({"--retries", "2", "team", "x"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(c.word));
    EXPECT_THAT(r.err, HasSubstr(c.hint));
    EXPECT_EQ(server.request_count(), 1u) << "a refusal is not retried";
    EXPECT_EQ(failed(), ++dead);
    EXPECT_EQ(pending(), 0u);
    expect_no_secret(r);
  }
  // flush leaves dead letters alone.
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(SlackE2E, a_5xx_forever_is_spooled_and_a_later_flush_delivers_it_once) {
  server.set_handler([](const Recorded&) { return server_error(503); });
  auto r = run({"--retries", "1", "--json", "team", "deploy 42 done"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(nlohmann::json::parse(r.out)["spooled"], true);
  EXPECT_EQ(pending(), 1u);
  expect_no_secret(r);

  server.set_handler(slack.handler());
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(slack.posts()[0].shown, "deploy 42 done");
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  EXPECT_EQ(slack.posts().size(), 1u);
}

TEST_F(SlackE2E, a_refused_slack_post_falls_back_to_mattermost_and_back) {
  path = config(profiles("fallback = \"ops\"\n", "fallback = \"team\"\n"));
  server.push_reply(slack_error(410, "channel_is_archived"));
  auto r = run({"--json", "team", "to slack first"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], "team");
  EXPECT_EQ(j["via"], "ops");
  EXPECT_EQ(j["delivered"], true);
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"to slack first"});
  expect_no_secret(r);

  mm.push_reply(json_reply(404, R"({"message":"Unable to find the webhook."})"));
  auto back = run({"ops", "to mattermost first"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_THAT(back.err, HasSubstr("via fallback 'team'"));
  ASSERT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(slack.posts()[0].shown, "to mattermost first");
  EXPECT_EQ(failed(), 0u);
}

TEST_F(SlackE2E, file_is_refused_with_exit_2_before_anything_is_sent) {
  const auto file = home.write_file("report.txt", "numbers\n");
  auto r = run({"team", "--file", file.string(), "see attached"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("profile 'team' cannot carry it: slack, whose incoming webhooks"));
  EXPECT_EQ(server.request_count(), 0u);
  // Also when Slack is only reached as a fallback.
  path = config(profiles("", "fallback = \"team\"\n"));
  auto via = run({"ops", "--file", file.string(), "see attached"});
  EXPECT_EQ(via.exit_code, 2);
  EXPECT_EQ(server.request_count() + mm.request_count(), 0u);
}

TEST_F(SlackE2E, dry_run_and_verbose_never_show_the_hook_secret) {
  auto r = run({"--dry-run", "team", "--title", "t", "hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("POST " + server.base_url() + "/services/"));
  EXPECT_THAT(r.out, HasSubstr("***"));
  EXPECT_THAT(r.out, HasSubstr("hello"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(r);

  server.push_reply(server_error(500));
  auto v = run({"-v", "--retries", "1", "team", "x"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.err, HasSubstr("team: part 1: HTTP 500"));
  expect_no_secret(v);
}

TEST_F(SlackE2E, json_reports_the_delivery) {
  auto r = run({"--json", "team", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], "team");
  EXPECT_EQ(j["via"], "team");
  EXPECT_EQ(j["delivered"], true);
  EXPECT_EQ(j["parts"], 1);
  EXPECT_EQ(j["http_status"], 200);
  EXPECT_EQ(j["attempts"], 1);
  EXPECT_TRUE(j["error"].is_null());
}

TEST_F(SlackE2E, list_shows_the_profile_with_the_hook_secret_masked) {
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("team"));
    EXPECT_THAT(r.out, HasSubstr("slack"));
    expect_no_secret(r);
  }
}

TEST_F(SlackE2E, tls_is_verified_with_the_test_ca_and_refused_without_it) {
  TestPki pki;
  FakeServer::Options o;
  o.https = true;
  o.pki = &pki;
  FakeServer tls(o);
  FakeSlack secure(hook_options());
  tls.set_handler(secure.handler());
  const std::string profile = "[profiles.team]\ntype = \"slack\"\nretries = 0\nwebhook_url = \"" +
                              secure.url(tls) + "\"\n";
  path = config(profile + "ca_file = \"" + (pki.dir() / "ca.pem").string() + "\"\n");
  auto ok = run({"team", "over tls"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  ASSERT_EQ(secure.posts().size(), 1u);
  EXPECT_EQ(secure.posts()[0].shown, "over tls");

  path = config(profile);
  const auto before = tls.request_count();
  auto refused = run({"team", "x"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("TLS verification failed"));
  EXPECT_EQ(tls.request_count(), before) << "nothing reaches an unverified server";
  expect_no_secret(refused);
}

TEST_F(SlackE2E, setup_writes_a_profile_that_delivers_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "alerts", "--type", "slack", "--webhook-url", slack.url(server), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"alerts", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(slack.posts()[0].shown, "from setup");
  auto listed = in_cfg({"list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("alerts"));
  EXPECT_THAT(listed.out, HasSubstr("slack"));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
