// Self-tests of the Slack and ntfy fakes: their answers follow the services'
// documented forms, and what they record is what the service would show.

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fake_server.hpp"
#include "support/fake_services2.hpp"
#include "support/mail_codec.hpp"

namespace notify::test {
namespace {

using nlohmann::json;

httplib::Client services2_client_for(const FakeServer& server) {
  httplib::Client c(server.base_url());
  c.set_connection_timeout(5);
  c.set_read_timeout(10);
  return c;
}

std::string path_of(const std::string& url, const FakeServer& server) {
  return url.substr(server.base_url().size());
}

// --- Slack ------------------------------------------------------------------------

TEST(FakeSlackTest, a_text_post_is_ok_and_recorded_as_shown) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  const json body{{"text", "a &lt; b &amp;&amp; c &gt; d"}, {"username", "cron"},
                  {"icon_emoji", ":bell:"}};
  auto res = c.Post(path_of(slack.url(server), server), body.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain");

  ASSERT_EQ(slack.posts().size(), 1u);
  const SlackPost post = slack.posts()[0];
  EXPECT_EQ(post.text, "a &lt; b &amp;&amp; c &gt; d");
  EXPECT_EQ(post.shown, "a < b && c > d");
  EXPECT_EQ(post.username, "cron");
  EXPECT_EQ(post.icon_emoji, ":bell:");
  EXPECT_TRUE(post.mentions.empty());
  EXPECT_FALSE(post.truncated);
}

TEST(FakeSlackTest, notifying_tokens_are_found_and_escaped_ones_are_not) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  const std::string path = path_of(slack.url(server), server);
  ASSERT_TRUE(c.Post(path, json{{"text", "<!channel> <!here|here> <@U123> <#C9> <!channelx> <b>"}}.dump(),
                     "application/json"));
  ASSERT_TRUE(c.Post(path, json{{"text", "&lt;!channel&gt; @channel"}, {"link_names", true}}.dump(),
                     "application/json"));
  const auto posts = slack.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].mentions,
            (std::vector<std::string>{"<!channel>", "<!here|here>", "<@U123>", "<#C9>"}));
  EXPECT_FALSE(posts[0].link_names);
  EXPECT_TRUE(posts[1].mentions.empty());
  EXPECT_EQ(posts[1].shown, "<!channel> @channel");
  EXPECT_TRUE(posts[1].link_names);
}

TEST(FakeSlackTest, text_over_40000_code_points_is_cut_to_what_slack_shows) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  std::string text;
  for (int i = 0; i < 40001; ++i) text += "é";  // two bytes each: the cut counts code points
  auto res = c.Post(path_of(slack.url(server), server), json{{"text", text}}.dump(),
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const SlackPost post = slack.posts().at(0);
  EXPECT_TRUE(post.truncated);
  EXPECT_EQ(post.length, 40001u);
  EXPECT_EQ(post.text.size(), 80000u);
  EXPECT_EQ(post.text, text.substr(0, 80000));

  text.resize(80000);
  ASSERT_TRUE(c.Post(path_of(slack.url(server), server), json{{"text", text}}.dump(),
                     "application/json"));
  EXPECT_FALSE(slack.posts().at(1).truncated);
}

TEST(FakeSlackTest, payload_errors_have_slacks_words) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  const std::string path = path_of(slack.url(server), server);
  struct Case {
    std::string body, content_type;
    int status;
    std::string word;
  };
  const Case cases[] = {
      {"not json", "application/json", 400, "invalid_payload"},
      {"[1]", "application/json", 400, "invalid_payload"},
      {R"({"text":5})", "application/json", 400, "invalid_payload"},
      {R"({"text":""})", "application/json", 400, "no_text"},
      {R"({"username":"x"})", "application/json", 400, "no_text"},
  };
  for (const auto& k : cases) {
    auto res = c.Post(path, k.body, k.content_type);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, k.status) << k.body;
    EXPECT_EQ(res->body, k.word) << k.body;
  }
  auto blocks = c.Post(path, R"({"blocks":[{"type":"divider"}]})", "application/json");
  ASSERT_TRUE(blocks);
  EXPECT_EQ(blocks->status, 200);
  EXPECT_EQ(slack.posts().size(), 1u);
}

TEST(FakeSlackTest, form_encoded_payload_is_accepted) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  auto res = c.Post(path_of(slack.url(server), server), "payload=%7B%22text%22%3A%22hi%22%7D",
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(slack.posts().at(0).text, "hi");
}

TEST(FakeSlackTest, unknown_hooks_and_methods_are_no_service) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  auto c = services2_client_for(server);
  const std::string text = json{{"text", "hi"}}.dump();
  auto wrong = c.Post("/services/T00000000/B00000000/YYYY", text, "application/json");
  auto other = c.Post("/hooks/abc", text, "application/json");
  auto get = c.Get(path_of(slack.url(server), server));
  ASSERT_TRUE(wrong && other && get);
  for (const auto* res : {&wrong, &other, &get}) {
    EXPECT_EQ((*res)->status, 404);
    EXPECT_EQ((*res)->body, "no_service");
  }
  EXPECT_TRUE(slack.posts().empty());

  SlackOptions any_hook;
  any_hook.path = "";
  FakeSlack any(any_hook);
  server.set_handler(any.handler());
  auto res = c.Post("/services/TABC/BDEF/xyz123", text, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(path_of(any.url(server), server).rfind("/services/T", 0), 0u);
}

TEST(FakeSlackTest, channel_states_answer_with_their_codes) {
  FakeServer server;
  auto c = services2_client_for(server);
  SlackOptions ops_only, archived, prohibited;
  ops_only.channels = std::set<std::string>{"#ops"};
  archived.archived = true;
  prohibited.prohibited = true;
  struct Case {
    SlackOptions options;
    std::string body;
    int status;
    std::string word;
  };
  const Case cases[] = {
      {ops_only, R"({"text":"x","channel":"#dev"})", 404, "channel_not_found"},
      {ops_only, R"({"text":"x","channel":"#ops"})", 200, "ok"},
      {archived, R"({"text":"x"})", 410, "channel_is_archived"},
      {prohibited, R"({"text":"x"})", 403, "action_prohibited"},
  };
  for (const auto& k : cases) {
    FakeSlack slack(k.options);
    server.set_handler(slack.handler());
    auto res = c.Post(path_of(slack.url(server), server), k.body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, k.status) << k.word;
    EXPECT_EQ(res->body, k.word);
    EXPECT_EQ(slack.posts().size(), k.status == 200 ? 1u : 0u);
  }
}

TEST(FakeSlackTest, scripted_rate_limit_carries_retry_after) {
  FakeServer server;
  FakeSlack slack;
  server.set_handler(slack.handler());
  server.push_reply(slack_429(7));
  auto c = services2_client_for(server);
  auto res = c.Post(path_of(slack.url(server), server), R"({"text":"x"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->body, "rate_limited");
  EXPECT_EQ(res->get_header_value("Retry-After"), "7");
  EXPECT_TRUE(slack.posts().empty());
  EXPECT_EQ(slack_error(404, "channel_not_found").body, "channel_not_found");
}

// --- ntfy -------------------------------------------------------------------------

struct FakeNtfyTest : ::testing::Test {
  static NtfyOptions with_token(std::string token) {
    NtfyOptions o;
    o.token = std::move(token);
    return o;
  }
  void install(NtfyOptions options = {}) {
    ntfy = FakeNtfy(std::move(options));
    server.set_handler(ntfy.handler());
  }
  FakeServer server;
  FakeNtfy ntfy;
  httplib::Client client = services2_client_for(server);
};

TEST_F(FakeNtfyTest, a_post_with_headers_is_answered_with_the_message_json) {
  install();
  auto res = client.Post("/alerts-6f1c2b",
                         {{"X-Title", "Disk full"}, {"X-Priority", "high"},
                          {"X-Tags", "warning, skull ,"}, {"X-Markdown", "yes"}},
                         "**98%** used", "text/plain");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json reply = json::parse(res->body);
  EXPECT_EQ(reply["event"], "message");
  EXPECT_EQ(reply["topic"], "alerts-6f1c2b");
  EXPECT_EQ(reply["message"], "**98%** used");
  EXPECT_EQ(reply["title"], "Disk full");
  EXPECT_EQ(reply["priority"], 4);
  EXPECT_EQ(reply["tags"], json({"warning", "skull"}));
  EXPECT_EQ(reply["content_type"], "text/markdown");
  EXPECT_TRUE(reply["id"].is_string());
  EXPECT_TRUE(reply["time"].is_number_integer());

  ASSERT_EQ(ntfy.messages().size(), 1u);
  const NtfyMessage m = ntfy.messages()[0];
  EXPECT_EQ(m.id, reply["id"]);
  EXPECT_EQ(m.message, "**98%** used");
  EXPECT_EQ(m.title, "Disk full");
  EXPECT_EQ(m.priority, 4);
  EXPECT_EQ(m.tags, (std::vector<std::string>{"warning", "skull"}));
  EXPECT_TRUE(m.markdown);
  EXPECT_FALSE(m.json_form);
  EXPECT_EQ(m.method, "POST");
}

TEST_F(FakeNtfyTest, short_header_names_query_parameters_and_rfc2047_are_read) {
  install();
  auto res = client.Put("/t1", {{"Title", "=?UTF-8?B?R3LDvMOfZQ==?="}, {"Priority", "1"},
                                {"Tags", "=?UTF-8?Q?caf=C3=A9?="}},
                        "body", "text/plain");
  auto query = client.Post("/t2?title=Query%20title&p=urgent&md=1", "b2", "text/plain");
  ASSERT_TRUE(res && query);
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(query->status, 200) << query->body;
  const auto msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].title, "Grüße");
  EXPECT_EQ(msgs[0].priority, 1);
  EXPECT_EQ(msgs[0].tags, std::vector<std::string>{"café"});
  EXPECT_EQ(msgs[0].method, "PUT");
  EXPECT_EQ(msgs[1].title, "Query title");
  EXPECT_EQ(msgs[1].priority, 5);
  EXPECT_TRUE(msgs[1].markdown);
  // Without a priority the reply leaves it out, as ntfy does.
  auto plain = client.Post("/t3", "x", "text/plain");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(json::parse(plain->body).contains("priority"));
  EXPECT_EQ(ntfy.messages().at(2).priority, 0);
}

TEST_F(FakeNtfyTest, a_bad_priority_is_40007) {
  install();
  auto res = client.Post("/t", {{"X-Priority", "6"}}, "x", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const json body = json::parse(res->body);
  EXPECT_EQ(body["code"], 40007);
  EXPECT_EQ(body["http"], 400);
  EXPECT_TRUE(ntfy.messages().empty());
}

TEST_F(FakeNtfyTest, a_token_is_checked_as_bearer_or_basic) {
  install(with_token("tk_secret"));
  auto none = client.Post("/t", "x", "text/plain");
  auto wrong = client.Post("/t", {{"Authorization", "Bearer tk_other"}}, "x", "text/plain");
  auto bearer = client.Post("/t", {{"Authorization", "Bearer tk_secret"}}, "x", "text/plain");
  auto basic = client.Post("/t", {{"Authorization", "Basic " + base64_encode(":tk_secret")}}, "x",
                           "text/plain");
  ASSERT_TRUE(none && wrong && bearer && basic);
  EXPECT_EQ(none->status, 403);
  EXPECT_EQ(json::parse(none->body)["code"], 40301);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(json::parse(wrong->body)["code"], 40101);
  EXPECT_EQ(json::parse(wrong->body)["error"], "unauthorized");
  EXPECT_EQ(bearer->status, 200);
  EXPECT_EQ(basic->status, 200);
  EXPECT_EQ(ntfy.messages().size(), 2u);
}

TEST_F(FakeNtfyTest, a_body_over_the_message_limit_is_413_unless_it_is_an_attachment) {
  install();
  auto at_limit = client.Post("/t", std::string(4096, 'a'), "text/plain");
  auto over = client.Post("/t", std::string(4097, 'a'), "text/plain");
  auto file = client.Put("/t", {{"X-Filename", "log.txt"}, {"X-Message", "see log"}},
                         std::string(5000, 'b'), "application/octet-stream");
  ASSERT_TRUE(at_limit && over && file);
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(json::parse(over->body)["code"], 41301);
  ASSERT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(json::parse(file->body)["attachment"]["name"], "log.txt");
  EXPECT_EQ(json::parse(file->body)["attachment"]["size"], 5000);
  const auto msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].filename, "log.txt");
  EXPECT_EQ(msgs[1].attachment, std::string(5000, 'b'));
  EXPECT_EQ(msgs[1].message, "see log");
}

TEST_F(FakeNtfyTest, attachments_over_their_limit_and_non_utf8_messages_are_refused) {
  NtfyOptions small;
  small.attachment_limit = 10;
  install(small);
  auto big = client.Put("/t", {{"Filename", "a.bin"}}, std::string(11, 'x'), "application/octet-stream");
  auto binary = client.Post("/t", std::string("\xff\xfe", 2), "application/octet-stream");
  auto unnamed = client.Put("/t", {{"Filename", "a.bin"}}, "123", "application/octet-stream");
  ASSERT_TRUE(big && binary && unnamed);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(binary->status, 400);
  EXPECT_EQ(json::parse(binary->body)["code"], 40011);
  EXPECT_EQ(unnamed->status, 200);
  EXPECT_EQ(ntfy.messages().at(0).message, "You received a file: a.bin");
}

TEST_F(FakeNtfyTest, the_json_form_publishes_at_the_root) {
  install(with_token("tk"));
  const json body{{"topic", "alerts"}, {"message", "hello"}, {"title", "T"}, {"priority", 5},
                  {"tags", {"a", "b"}},  {"markdown", true}};
  auto res = client.Post("/", {{"Authorization", "Bearer tk"}}, body.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["topic"], "alerts");
  const NtfyMessage m = ntfy.messages().at(0);
  EXPECT_TRUE(m.json_form);
  EXPECT_EQ(m.message, "hello");
  EXPECT_EQ(m.priority, 5);
  EXPECT_EQ(m.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(m.markdown);

  auto bad = client.Post("/", {{"Authorization", "Bearer tk"}}, "nope", "application/json");
  auto no_topic = client.Post("/", {{"Authorization", "Bearer tk"}}, R"({"message":"x"})",
                              "application/json");
  auto bad_prio = client.Post("/", {{"Authorization", "Bearer tk"}},
                              R"({"topic":"t","priority":"high"})", "application/json");
  auto unauth = client.Post("/", body.dump(), "application/json");
  ASSERT_TRUE(bad && no_topic && bad_prio && unauth);
  EXPECT_EQ(json::parse(bad->body)["code"], 40017);
  EXPECT_EQ(json::parse(no_topic->body)["code"], 40009);
  EXPECT_EQ(json::parse(bad_prio->body)["code"], 40007);
  EXPECT_EQ(unauth->status, 403);
  EXPECT_EQ(ntfy.messages().size(), 1u);
}

TEST_F(FakeNtfyTest, other_paths_and_methods_are_40401) {
  install();
  auto deep = client.Post("/a/b", "x", "text/plain");
  auto long_topic = client.Post("/" + std::string(65, 'a'), "x", "text/plain");
  auto get = client.Get("/t");
  auto health = client.Get("/v1/health");
  ASSERT_TRUE(deep && long_topic && get && health);
  for (const auto* res : {&deep, &long_topic, &get}) {
    EXPECT_EQ((*res)->status, 404);
    EXPECT_EQ(json::parse((*res)->body)["code"], 40401);
  }
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(ntfy.messages().empty());
}

TEST_F(FakeNtfyTest, rate_limits_come_as_42901_or_42908) {
  NtfyOptions quota;
  quota.daily_quota = 1;
  install(quota);
  server.push_reply(ntfy_429(3));
  auto scripted = client.Post("/t", "x", "text/plain");
  auto first = client.Post("/t", "x", "text/plain");
  auto second = client.Post("/t", "x", "text/plain");
  ASSERT_TRUE(scripted && first && second);
  EXPECT_EQ(scripted->status, 429);
  EXPECT_EQ(json::parse(scripted->body)["code"], 42901);
  EXPECT_EQ(scripted->get_header_value("Retry-After"), "3");
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(json::parse(second->body)["code"], 42908);
  EXPECT_EQ(ntfy.messages().size(), 1u);
}

}  // namespace
}  // namespace notify::test
