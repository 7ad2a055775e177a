// ntfy through the real binary against FakeNtfy: delivery, byte-wise
// splitting, header safety, ntfy's error codes, retries, the spool,
// fallbacks, TLS, --file as PUT, --dry-run/--json/list masking, setup.

#include "e2e.hpp"
#include "support/fake_services2.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNtfyToken = "tk_e2eSecretToken0123456789ab";
constexpr const char* kTopic = "backups-e2e_7f3a";

NtfyOptions with_token() {
  NtfyOptions o;
  o.token = kNtfyToken;
  return o;
}

class NtfyE2E : public E2E {
 protected:
  FakeServer server;
  FakeNtfy ntfy{with_token()};
  FakeServer mm;  // a Mattermost profile for fallbacks
  std::string path;

  void SetUp() override {
    server.set_handler(ntfy.handler());
    mm.set_handler(mattermost_handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& push_extra = "", const std::string& ops_extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.push]\ntype = \"ntfy\"\nserver = \"" +
           server.base_url() + "\"\ntopic = \"" + kTopic + "\"\ntoken = \"" + kNtfyToken + "\"\n" +
           push_extra + "\n[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" +
           mattermost_url(mm) + "\"\n" + ops_extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    EXPECT_THAT(r.out, Not(HasSubstr(kNtfyToken)));
    EXPECT_THAT(r.err, Not(HasSubstr(kNtfyToken)));
  }
};

TEST_F(NtfyE2E, delivers_text_title_and_the_profiles_priority) {
  path = config(profiles("priority = 4\n"));
  auto r = run({"push", "--title", "Sauvegarde terminée ✓"}, std::string("disk /var 91%\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].topic, kTopic);
  EXPECT_EQ(msgs[0].method, "POST");
  EXPECT_EQ(msgs[0].message, "disk /var 91%");
  EXPECT_EQ(msgs[0].title, "Sauvegarde terminée ✓");
  EXPECT_EQ(msgs[0].priority, 4);
  EXPECT_FALSE(msgs[0].markdown);
  EXPECT_EQ(server.requests()[0].header("authorization"), std::string("Bearer ") + kNtfyToken);
}

TEST_F(NtfyE2E, edit_replaces_the_notification_by_its_sequence_id) {
  for (const char* text : {"disk 71%", "disk 72%", "disk 90%"}) {
    const auto r = run({"--key", "disk", "--edit", "push", text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0].sequence_id, "");
  // The first message's id names the sequence every later one replaces.
  EXPECT_EQ(msgs[1].sequence_id, msgs[0].id);
  EXPECT_EQ(msgs[2].sequence_id, msgs[0].id);
  EXPECT_EQ(msgs[2].message, "disk 90%");
}

TEST_F(NtfyE2E, silent_lowers_the_priority_to_2) {
  path = config(profiles("priority = 5\n"));
  auto r = run({"push", "--silent", "quiet please"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(ntfy.messages()[0].priority, 2);
}

TEST_F(NtfyE2E, long_multibyte_input_is_split_within_4096_bytes_losing_nothing) {
  // 3- and 4-byte characters: a cut counted in characters, or inside a
  // character, is refused by the fake (413 or 40011).
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "€😀" + std::to_string(i) + " ";
  auto r = run({"--max-parts", "20", "push", "--title", "log"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto msgs = ntfy.messages();
  ASSERT_GE(msgs.size(), 3u);
  std::string all;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_LE(msgs[i].message.size(), 4096u);
    EXPECT_THAT(msgs[i].title, HasSubstr("log"));
    EXPECT_THAT(msgs[i].title, HasSubstr(std::to_string(i + 1) + "/" + std::to_string(msgs.size())));
    all += msgs[i].message + " ";
  }
  std::size_t at = 0;
  for (int i = 0; i < 1500; ++i) {
    const auto found = all.find("€😀" + std::to_string(i) + " ", at);
    ASSERT_NE(found, std::string::npos) << "item " << i << " lost or out of order";
    at = found;
  }
}

TEST_F(NtfyE2E, text_arrives_verbatim_and_a_title_cannot_inject_headers) {
  const std::string text = "@channel <b>*not bold*</b> & `x` =?UTF-8?B?SGk=?= \\n";
  auto r = run({"push", "--title", "t\r\nX-Priority: 5\r\nX-Markdown: yes"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(ntfy.messages().size(), 1u);
  const auto msg = ntfy.messages()[0];
  EXPECT_EQ(msg.message, text);
  EXPECT_NE(msg.priority, 5);
  EXPECT_FALSE(msg.markdown);
  const auto req = server.requests()[0];
  std::size_t priorities = 0;
  for (const auto& [name, value] : req.headers) priorities += name == "x-priority";
  EXPECT_EQ(priorities, 0u);
}

TEST_F(NtfyE2E, code_mode_is_markdown_and_an_inner_fence_cannot_close_the_block) {
  auto r = run({"--code", "push"}, std::string("before\n```\n# not a heading\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(ntfy.messages().size(), 1u);
  const auto msg = ntfy.messages()[0];
  EXPECT_TRUE(msg.markdown);
  ASSERT_EQ(msg.message.rfind("```", 0), 0u) << msg.message;
  const auto first_nl = msg.message.find('\n');
  const auto last_nl = msg.message.rfind('\n');
  ASSERT_NE(first_nl, last_nl);
  EXPECT_EQ(msg.message.substr(last_nl), "\n```");
  const auto inner = msg.message.substr(first_nl + 1, last_nl - first_nl - 1);
  EXPECT_THAT(inner, Not(HasSubstr("```"))) << msg.message;
  EXPECT_THAT(inner, HasSubstr("# not a heading"));
}

TEST_F(NtfyE2E, a_429_with_retry_after_is_honoured_then_delivered_once) {
  server.push_reply(ntfy_429(1));
  auto r = run({"-v", "--retries", "1", "push", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("push: part 1: HTTP 429"));
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(ntfy.messages().size(), 1u);
  expect_no_secret(r);
}

TEST_F(NtfyE2E, the_daily_quota_is_a_dead_letter_not_retried) {
  NtfyOptions o = with_token();
  o.daily_quota = 1;
  FakeNtfy limited(o);
  server.set_handler(limited.handler());
  ASSERT_EQ(run({"push", "first"}).exit_code, 0);
  auto r = run({"--retries", "3", "push", "second"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("42908"));
  EXPECT_THAT(r.err, HasSubstr("daily message quota"));
  EXPECT_EQ(server.request_count(), 2u) << "a daily quota is not retried within the run";
  EXPECT_EQ(failed(), 1u);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(NtfyE2E, refusals_are_dead_letters_with_their_hints_and_no_retry) {
  struct Case {
    Reply reply;
    const char* shown;
    const char* hint;
  };
  const Case cases[] = {
      {ntfy_error(401, 40101, "unauthorized"), "40101", "rejected the access token"},
      {ntfy_error(403, 40301, "forbidden"), "40301", "may not publish to this topic"},
      {ntfy_error(404, 40401, "page not found"), "40401", "without the topic"},
      {ntfy_error(413, 41301, "attachment too large"), "41301", "over the server's limit"},
      {ntfy_error(400, 40007, "invalid priority parameter"), "40007", "priority must be 1 to 5"},
  };
  std::size_t dead = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.shown);
    server.reset();
    server.push_reply(c.reply);
    auto r = run({"--retries", "2", "push", "x"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(c.shown));
    EXPECT_THAT(r.err, HasSubstr(c.hint));
    EXPECT_EQ(server.request_count(), 1u) << "a refusal is not retried";
    EXPECT_EQ(failed(), ++dead);
    expect_no_secret(r);
  }
  EXPECT_EQ(pending(), 0u);
}

TEST_F(NtfyE2E, a_wrong_token_is_refused_by_the_server_and_never_shown) {
  path = config(profiles());
  FakeNtfy other(NtfyOptions{.token = "tk_someoneElsesToken000000000"});
  server.set_handler(other.handler());
  auto r = run({"push", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("rejected the access token"));
  EXPECT_TRUE(other.messages().empty());
  expect_no_secret(r);
}

TEST_F(NtfyE2E, a_5xx_forever_is_spooled_and_a_later_flush_delivers_it_once) {
  server.set_handler([](const Recorded&) { return server_error(502); });
  auto r = run({"--retries", "1", "--json", "push", "--title", "nightly", "deploy 42 done"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(nlohmann::json::parse(r.out)["spooled"], true);
  EXPECT_EQ(pending(), 1u);
  expect_no_secret(r);

  server.set_handler(ntfy.handler());
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(ntfy.messages()[0].message, "deploy 42 done");
  EXPECT_EQ(ntfy.messages()[0].title, "nightly");
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().size(), 1u);
  expect_no_secret(f);
}

TEST_F(NtfyE2E, a_refused_publish_falls_back_to_mattermost_and_back) {
  path = config(profiles("fallback = \"ops\"\n", "fallback = \"push\"\n"));
  server.push_reply(ntfy_error(403, 40301, "forbidden"));
  auto r = run({"--json", "push", "to ntfy first"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["via"], "ops");
  EXPECT_EQ(j["delivered"], true);
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"to ntfy first"});
  expect_no_secret(r);

  mm.push_reply(json_reply(404, R"({"message":"Unable to find the webhook."})"));
  auto back = run({"ops", "to mattermost first"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_THAT(back.err, HasSubstr("via fallback 'push'"));
  ASSERT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(ntfy.messages()[0].message, "to mattermost first");
  EXPECT_EQ(failed(), 0u);
  expect_no_secret(back);
}

TEST_F(NtfyE2E, file_goes_as_a_put_attachment_and_survives_the_spool) {
  std::string bytes = "PK\x03\x04";
  bytes += std::string("\0\xff\xfe binary", 10);
  const auto file = home.write_file("rapport-é.zip", bytes);
  auto r = run({"push", "--file", file.string(), "--title", "report"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].method, "PUT");
  EXPECT_EQ(msgs[0].filename, "rapport-é.zip");
  EXPECT_EQ(msgs[0].attachment, bytes);
  EXPECT_EQ(msgs[0].title, "report");

  // Text and a file: the text is published too; a 5xx spools both.
  server.set_handler([](const Recorded&) { return server_error(503); });
  auto down = run({"push", "--file", file.string(), "see attached"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  std::filesystem::remove(file);
  server.set_handler(ntfy.handler());
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  msgs = ntfy.messages();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[1].message, "see attached");
  EXPECT_EQ(msgs[2].method, "PUT");
  EXPECT_EQ(msgs[2].attachment, bytes);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(NtfyE2E, a_file_over_the_limit_is_refused_before_sending) {
  const auto file = home.write_file("big.bin", std::string((2u << 20) + 1, 'x'));
  auto r = run({"push", "--file", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("over ntfy's limit"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(NtfyE2E, dry_run_and_verbose_mask_the_token) {
  auto r = run({"--dry-run", "push", "--title", "t", "hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("POST " + server.base_url() + "/" + kTopic));
  EXPECT_THAT(r.out, HasSubstr("Authorization: Bearer ***"));
  EXPECT_THAT(r.out, HasSubstr("hello"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(r);

  server.push_reply(ntfy_error(500, 50001, "internal server error"));
  auto v = run({"-v", "--retries", "1", "push", "x"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.err, HasSubstr("push: part 1: HTTP 500"));
  expect_no_secret(v);
}

TEST_F(NtfyE2E, json_reports_the_delivery) {
  auto r = run({"--json", "push", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], "push");
  EXPECT_EQ(j["via"], "push");
  EXPECT_EQ(j["delivered"], true);
  EXPECT_EQ(j["parts"], 1);
  EXPECT_EQ(j["http_status"], 200);
  EXPECT_EQ(j["attempts"], 1);
  EXPECT_TRUE(j["error"].is_null());
}

TEST_F(NtfyE2E, list_shows_server_and_topic_with_the_token_masked) {
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("push"));
    EXPECT_THAT(r.out, HasSubstr(kTopic));
    expect_no_secret(r);
  }
}

TEST_F(NtfyE2E, tls_is_verified_with_the_test_ca_and_refused_without_it) {
  TestPki pki;
  FakeServer::Options o;
  o.https = true;
  o.pki = &pki;
  FakeServer tls(o);
  FakeNtfy secure;
  tls.set_handler(secure.handler());
  const std::string profile = "[profiles.push]\ntype = \"ntfy\"\nretries = 0\nserver = \"" +
                              tls.base_url() + "\"\ntopic = \"" + kTopic + "\"\n";
  path = config(profile + "ca_file = \"" + (pki.dir() / "ca.pem").string() + "\"\n");
  auto ok = run({"push", "over tls"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  ASSERT_EQ(secure.messages().size(), 1u);
  EXPECT_EQ(secure.messages()[0].message, "over tls");

  path = config(profile);
  const auto before = tls.request_count();
  auto refused = run({"push", "x"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("TLS verification failed"));
  EXPECT_EQ(tls.request_count(), before) << "nothing reaches an unverified server";
}

TEST_F(NtfyE2E, setup_writes_a_profile_that_delivers_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "phone", "--type", "ntfy", "--server", server.base_url(), "--topic",
                   kTopic, "--token", kNtfyToken, "--priority", "4", "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"phone", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(ntfy.messages()[0].message, "from setup");
  EXPECT_EQ(ntfy.messages()[0].priority, 4);
  auto listed = in_cfg({"list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("phone"));
  EXPECT_THAT(listed.out, HasSubstr(server.base_url() + "/" + kTopic));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
