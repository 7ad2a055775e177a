// The Slack service: request bodies and reply reading checked against
// ../shared/reference/services-2.md, then the same requests posted through
// libcurl to FakeSlack, which shows what Slack would show and who it would ping.

#include "services/slack.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/mask.hpp"
#include "message/split.hpp"
#include "services/registry.hpp"
#include "support/fake_server.hpp"
#include "support/fake_services2.hpp"
#include "transport/curl_http_client.hpp"
#include "transport/sync.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kHook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXsecret";

config::Profile slack_profile(std::string url = kHook) {
  config::Profile p;
  p.name = "team";
  p.secrets["webhook_url"] = std::move(url);
  return p;
}

Message slack_msg(std::string body) {
  Message m;
  m.body = std::move(body);
  return m;
}

std::vector<HttpRequest> build(const config::Profile& p, const Message& m) {
  return Slack(p).build(m, BuildContext{[] { return std::string("uuid"); }});
}

json body_of(const HttpRequest& r) { return json::parse(r.body); }

std::string text_of(const HttpRequest& r) { return body_of(r)["text"].get<std::string>(); }

// What Slack shows of an escaped text.
std::string unescaped(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 4, "&lt;") == 0) {
      out += '<';
      i += 3;
    } else if (s.compare(i, 4, "&gt;") == 0) {
      out += '>';
      i += 3;
    } else if (s.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Text after the "*header*" line of a numbered part.
std::string after_header(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? "" : text.substr(nl + 1);
}

// Lines short enough for every cut to fall on a line break, so the parts
// joined by "\n" give the input back.
std::string numbered_lines(int n, const std::string& tail) {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += '\n';
    out += "line " + std::to_string(i) + " " + tail;
  }
  return out;
}

const std::string kHostile =
    "<!channel> <!here> <!everyone> <!subteam^S1> <@U123> <#C9> @channel @here @everyone a&b <x>";

// --- build(): pure ---------------------------------------------------------------------

TEST(SlackBuildTest, plain_text_is_one_json_post_to_the_hook_and_nothing_else) {
  const auto reqs = build(slack_profile(), slack_msg("disk /var 91%"));
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].url, kHook);
  ASSERT_EQ(reqs[0].headers.size(), 1u);
  EXPECT_EQ(reqs[0].headers[0], (Header{"Content-Type", "application/json"}));
  EXPECT_EQ(body_of(reqs[0]), (json{{"text", "disk /var 91%"}}));
}

TEST(SlackBuildTest, title_is_a_bold_line_above_the_text) {
  auto m = slack_msg("backup done");
  m.title = "nightly";
  EXPECT_EQ(text_of(build(slack_profile(), m).at(0)), "*nightly*\nbackup done");
}

TEST(SlackBuildTest, amp_lt_gt_are_escaped_in_text_and_title) {
  auto m = slack_msg("a & b < c > d &amp;");
  m.title = "<b> & co";
  EXPECT_EQ(text_of(build(slack_profile(), m).at(0)),
            "*&lt;b&gt; &amp; co*\na &amp; b &lt; c &gt; d &amp;amp;");
}

TEST(SlackBuildTest, hostile_input_can_form_no_token_and_link_names_is_never_set) {
  auto m = slack_msg(kHostile);
  m.title = "<!channel>";
  const auto j = body_of(build(slack_profile(), m).at(0));
  const auto text = j["text"].get<std::string>();
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_FALSE(j.contains("link_names"));
  // Plain @channel stays as written: without link_names Slack does not act on it.
  EXPECT_EQ(unescaped(after_header(text)), kHostile);
}

TEST(SlackBuildTest, code_is_a_fenced_block_a_fence_in_the_body_cannot_close) {
  auto m = slack_msg("x < 1\n```\nrm -rf /\n```");
  m.code = true;
  m.code_lang = "sh";
  m.title = "log";
  const auto text = text_of(build(slack_profile(), m).at(0));
  ASSERT_THAT(text, ::testing::StartsWith("*log*\n```\n"));
  ASSERT_THAT(text, ::testing::EndsWith("\n```"));
  const auto inner = text.substr(10, text.size() - 14);
  EXPECT_EQ(inner.find("```"), std::string::npos) << inner;
  EXPECT_THAT(inner, HasSubstr("x &lt; 1"));
  EXPECT_THAT(text, Not(HasSubstr("```sh")));  // Slack would show a language as text
}

TEST(SlackBuildTest, long_input_splits_at_4000_characters_numbered_and_complete) {
  const std::string body = numbered_lines(300, "0123456789 abcdefghij <&> klmnopqrst");
  const auto reqs = build(slack_profile(), slack_msg(body));
  const std::size_t n = reqs.size();
  ASSERT_GE(n, 3u);
  std::string joined;
  for (std::size_t i = 0; i < n; ++i) {
    const auto text = text_of(reqs[i]);
    const std::string header = "*(" + std::to_string(i + 1) + "/" + std::to_string(n) + ")*\n";
    EXPECT_EQ(text.rfind(header, 0), 0u) << text.substr(0, 20);
    const auto shown = unescaped(text);
    const auto length = message::length_in(shown, message::Unit::code_points);
    EXPECT_LE(length, Slack::kLimit);
    if (i + 1 < n) {
      EXPECT_GT(length, Slack::kLimit - 100) << "part " << i + 1 << " cut short";
    }
    joined += (i ? "\n" : "") + after_header(shown);
  }
  EXPECT_EQ(joined, body);
}

TEST(SlackBuildTest, max_length_lowers_the_part_size_and_cannot_raise_it) {
  const std::string body = numbered_lines(300, "0123456789 abcdefghij");
  auto p = slack_profile();
  p.max_length = 1000;
  const auto small = build(p, slack_msg(body));
  EXPECT_GT(small.size(), 4u);
  for (const auto& r : small) EXPECT_LE(message::length_in(text_of(r), message::Unit::code_points), 1000u);
  p.max_length = 20000;
  for (const auto& r : build(p, slack_msg(body)))
    EXPECT_LE(message::length_in(text_of(r), message::Unit::code_points), Slack::kLimit);
}

TEST(SlackBuildTest, one_part_text_is_exactly_what_one_message_holds) {
  for (const bool code : {false, true}) {
    auto m = slack_msg("");
    m.title = "a title";
    m.code = code;
    const std::size_t n = Slack(slack_profile()).one_part_text(m);
    ASSERT_GT(n, 3900u);
    m.body = std::string(n, 'x');
    EXPECT_EQ(build(slack_profile(), m).size(), 1u) << code;
    m.body += 'x';
    EXPECT_EQ(build(slack_profile(), m).size(), 2u) << code;
  }
}

TEST(SlackBuildTest, overrides_come_from_the_message_then_the_profile) {
  auto p = slack_profile();
  p.settings["username"] = std::string("cron");
  p.settings["icon_emoji"] = std::string(":bell:");
  p.settings["icon_url"] = std::string("https://img.example/a.png");
  auto j = body_of(build(p, slack_msg("x")).at(0));
  EXPECT_EQ(j["username"], "cron");
  EXPECT_EQ(j["icon_emoji"], ":bell:");  // Slack wants the colons; emoji wins over a URL
  EXPECT_FALSE(j.contains("icon_url"));
  EXPECT_FALSE(j.contains("channel"));

  auto m = slack_msg("x");
  m.username = "deploy";
  m.icon_url = "https://img.example/b.png";
  m.channel = "#ops";
  j = body_of(build(p, m).at(0));
  EXPECT_EQ(j["username"], "deploy");
  EXPECT_EQ(j["icon_url"], "https://img.example/b.png");
  EXPECT_FALSE(j.contains("icon_emoji"));
  EXPECT_EQ(j["channel"], "#ops");

  m.icon_emoji = "rocket";
  EXPECT_EQ(body_of(build(p, m).at(0))["icon_emoji"], ":rocket:");
}

TEST(SlackBuildTest, markdown_is_sent_rendered_as_plain_text) {
  auto m = slack_msg("**bold** and [docs](https://docs.example/x)\n\n- one\n- two");
  m.markdown = true;
  const auto text = text_of(build(slack_profile(), m).at(0));
  EXPECT_THAT(text, Not(HasSubstr("**")));
  EXPECT_THAT(text, Not(HasSubstr("](")));
  EXPECT_THAT(text, HasSubstr("bold and docs (https://docs.example/x)"));
}

TEST(SlackBuildTest, notes_say_what_a_webhook_cannot_do) {
  Slack s(slack_profile());
  EXPECT_TRUE(s.notes(slack_msg("x")).empty());
  auto m = slack_msg("x");
  m.silent = true;
  ASSERT_EQ(s.notes(m).size(), 1u);
  EXPECT_THAT(s.notes(m)[0], HasSubstr("no silent"));
  EXPECT_EQ(s.max_file_bytes(), 0u);
}

// --- interpret(): pure -------------------------------------------------------------------

HttpResponse slack_reply(long status, std::string body, std::string type = "text/plain") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"content-type", std::move(type)}};
  return r;
}

TEST(SlackReplyTest, ok_is_delivered) {
  EXPECT_EQ(Slack(slack_profile()).interpret(slack_reply(200, "ok")).kind, Verdict::Kind::delivered);
}

TEST(SlackReplyTest, each_error_word_fails_with_the_word_and_a_hint) {
  const std::pair<long, const char*> words[] = {
      {400, "invalid_payload"},   {400, "no_text"},        {400, "too_many_attachments"},
      {404, "user_not_found"},    {404, "channel_not_found"}, {410, "channel_is_archived"},
      {403, "action_prohibited"}, {403, "posting_to_general_channel_denied"},
      {404, "no_service"},        {404, "no_service_id"},  {404, "no_team"},
      {404, "team_disabled"},     {403, "invalid_token"}};
  std::vector<std::string> hints;
  for (const auto& [status, word] : words) {
    const auto v = Slack(slack_profile()).interpret(slack_reply(status, word));
    EXPECT_EQ(v.kind, Verdict::Kind::fail) << word;
    EXPECT_EQ(v.error, "HTTP " + std::to_string(status) + ": " + word);
    EXPECT_FALSE(v.hint.empty()) << word;
    EXPECT_EQ(std::count(hints.begin(), hints.end(), v.hint), 0) << word << ": same hint twice";
    hints.push_back(v.hint);
  }
  EXPECT_THAT(Slack(slack_profile()).interpret(slack_reply(404, "no_service\n")).hint, HasSubstr("removed"));
  EXPECT_THAT(Slack(slack_profile()).interpret(slack_reply(404, "channel_not_found")).hint, HasSubstr("channel"));
}

TEST(SlackReplyTest, an_unknown_word_still_fails_with_the_word) {
  const auto v = Slack(slack_profile()).interpret(slack_reply(400, "some_new_error"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_EQ(v.error, "HTTP 400: some_new_error");
}

TEST(SlackReplyTest, rate_limit_is_retried_after_the_servers_wait) {
  auto r = slack_reply(429, "rate_limited");
  r.headers.emplace_back("retry-after", "7");
  const auto v = Slack(slack_profile()).interpret(r);
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(7000));
}

TEST(SlackReplyTest, server_errors_and_a_proxys_html_page_are_retried_in_one_line) {
  const auto v500 = Slack(slack_profile()).interpret(slack_reply(500, "internal_error"));
  EXPECT_EQ(v500.kind, Verdict::Kind::retry);
  EXPECT_THAT(v500.error, HasSubstr("internal_error"));
  const auto v502 = Slack(slack_profile()).interpret(
      slack_reply(502, "<html><head><title>502</title></head><body><h1>Bad Gateway</h1>\n</body></html>",
            "text/html"));
  EXPECT_EQ(v502.kind, Verdict::Kind::retry);
  EXPECT_EQ(v502.error, "HTTP 502 Bad Gateway");
}

TEST(SlackReplyTest, a_connection_failure_is_retried) {
  HttpResponse r;
  r.error = TransportError::connect;
  EXPECT_EQ(Slack(slack_profile()).interpret(r).kind, Verdict::Kind::retry);
}

// --- the secret ---------------------------------------------------------------------

TEST(SlackMaskTest, the_hooks_secret_is_masked_in_its_url_and_anywhere_else) {
  auto p = slack_profile();
  p.type = "slack";
  const auto& shapes = url_shapes(p, "webhook_url");
  ASSERT_FALSE(shapes.empty());
  EXPECT_EQ(mask_url(kHook, shapes), "https://hooks.slack.com/services/T000/B000/***");
  Masker m;
  m.add_url(kHook, shapes);
  EXPECT_EQ(m.apply(std::string("POST ") + kHook + "/ failed; token XXXXXXXXsecret"),
            "POST https://hooks.slack.com/services/T000/B000/***/ failed; token ***");
  // Never registered (a relay quoting the URL back): still masked by its shape.
  Masker stranger;
  add_url_shapes(stranger);
  EXPECT_EQ(stranger.apply("see https://hooks.slack.com/services/T1/B2/abcdefgh12345678."),
            "see https://hooks.slack.com/services/T1/B2/***");
}

// --- through libcurl to FakeSlack ---------------------------------------------------------

struct SlackSent {
  std::vector<Verdict> verdicts;
};

SlackSent post_all(const Slack& slack, const Message& m) {
  CurlHttpClient client;
  SlackSent out;
  for (auto& r : slack.build(m, BuildContext{[] { return std::string("uuid"); }}))
    out.verdicts.push_back(slack.interpret(perform(client, std::move(r), RequestOptions{})));
  return out;
}

TEST(SlackAgainstFakeTest, hostile_long_input_is_shown_as_written_in_complete_parts_pinging_nobody) {
  test::FakeServer server;
  test::FakeSlack fake;
  server.set_handler(fake.handler());
  const std::string body = numbered_lines(140, kHostile);
  const Slack slack(slack_profile(fake.url(server)));
  const auto sent = post_all(slack, slack_msg(body));

  const auto posts = fake.posts();
  ASSERT_EQ(posts.size(), sent.verdicts.size());
  ASSERT_GE(posts.size(), 3u);
  std::string joined;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    EXPECT_EQ(sent.verdicts[i].kind, Verdict::Kind::delivered) << sent.verdicts[i].error;
    EXPECT_THAT(posts[i].mentions, IsEmpty());
    EXPECT_FALSE(posts[i].link_names);
    EXPECT_FALSE(posts[i].truncated);
    EXPECT_LE(message::length_in(posts[i].shown, message::Unit::code_points), Slack::kLimit);
    EXPECT_EQ(posts[i].shown.rfind("*(" + std::to_string(i + 1) + "/" +
                                       std::to_string(posts.size()) + ")*\n", 0),
              0u);
    joined += (i ? "\n" : "") + after_header(posts[i].shown);
  }
  EXPECT_EQ(joined, body);
}

TEST(SlackAgainstFakeTest, title_code_and_overrides_arrive_as_slack_shows_them) {
  test::FakeServer server;
  test::FakeSlack fake;
  server.set_handler(fake.handler());
  auto p = slack_profile(fake.url(server));
  p.settings["username"] = std::string("cron");
  p.settings["icon_emoji"] = std::string("bell");
  auto m = slack_msg("if (a < b && c > d) {}");
  m.title = "build <!here>";
  m.code = true;
  const auto sent = post_all(Slack(p), m);
  ASSERT_EQ(sent.verdicts.size(), 1u);
  EXPECT_EQ(sent.verdicts[0].kind, Verdict::Kind::delivered);
  const auto posts = fake.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].shown, "*build <!here>*\n```\nif (a < b && c > d) {}\n```");
  EXPECT_THAT(posts[0].mentions, IsEmpty());
  EXPECT_EQ(posts[0].username, "cron");
  EXPECT_EQ(posts[0].icon_emoji, ":bell:");
}

TEST(SlackAgainstFakeTest, the_fakes_refusals_fail_or_retry_with_their_words) {
  test::FakeServer server;
  test::SlackOptions options;
  options.channels = std::set<std::string>{"#ops"};
  test::FakeSlack fake(options);
  server.set_handler(fake.handler());

  auto m = slack_msg("x");
  m.channel = "#nowhere";
  auto v = post_all(Slack(slack_profile(fake.url(server))), m).verdicts.at(0);
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_EQ(v.error, "HTTP 404: channel_not_found");
  EXPECT_THAT(v.hint, HasSubstr("channel"));

  v = post_all(Slack(slack_profile(server.base_url() + "/services/T1/B1/wrongwrongwrong")), slack_msg("x"))
          .verdicts.at(0);
  EXPECT_EQ(v.error, "HTTP 404: no_service");
  EXPECT_THAT(v.hint, HasSubstr("removed"));

  server.push_reply(test::slack_429(3));
  v = post_all(Slack(slack_profile(fake.url(server))), slack_msg("x")).verdicts.at(0);
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(3000));
  EXPECT_TRUE(fake.posts().empty());
}

}  // namespace
}  // namespace notify::services
