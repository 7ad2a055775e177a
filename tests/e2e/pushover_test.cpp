// Pushover through the real binary against FakePushover: delivery, the
// 1024-character split and 250-character title, priorities (emergency with
// retry/expire), attachments and the 5 MB refusal, errors with hints, the
// monthly quota, 5xx retried no sooner than 5 s, masking, setup.

#include "e2e.hpp"
#include "support/fake_services3_a.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPushoverToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
constexpr const char* kPushoverUser = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";

class PushoverE2E : public E2E {
 protected:
  FakeServer server;
  FakePushover pushover;
  std::string path;

  void SetUp() override {
    server.set_handler(pushover.handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.pager]\ntype = \"pushover\"\ntoken = \"" +
           std::string(kPushoverToken) + "\"\nuser = \"" + kPushoverUser + "\"\napi_base = \"" +
           server.base_url() + "\"\n" + extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    for (const char* s : {kPushoverToken, kPushoverUser}) {
      EXPECT_THAT(r.out, Not(HasSubstr(s)));
      EXPECT_THAT(r.err, Not(HasSubstr(s)));
    }
  }
};

TEST_F(PushoverE2E, delivers_plain_text_where_no_tag_can_render) {
  auto r = run({"pager", "--title", "disk", "<b>91%</b> <font color=\"red\">full</font>"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pushover.messages().size(), 1u);
  const auto m = pushover.messages()[0];
  EXPECT_EQ(m.title, "disk");
  EXPECT_EQ(m.message, "<b>91%</b> <font color=\"red\">full</font>");
  EXPECT_FALSE(m.html) << "without html=1 Pushover shows tags as text";
  EXPECT_FALSE(m.monospace);
  EXPECT_EQ(m.priority, 0);
}

TEST_F(PushoverE2E, markdown_goes_rendered_as_plain_text_and_code_as_monospace) {
  auto r = run({"pager", "--markdown", "**bold** and <b>tag</b>"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto c = run({"pager", "--code", "if (a < b) {}"});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  const auto ms = pushover.messages();
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].message.find("**"), std::string::npos) << ms[0].message;
  EXPECT_THAT(ms[0].message, HasSubstr("bold"));
  EXPECT_FALSE(ms[0].html);
  EXPECT_TRUE(ms[1].monospace);
  EXPECT_EQ(ms[1].message, "if (a < b) {}");
}

TEST_F(PushoverE2E, long_text_splits_at_1024_code_points_and_a_long_title_is_cut_to_250) {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "ü" + std::to_string(1000 + i) + " ";  // 2,400 code points
  const std::string title(300, 'T');
  auto r = run({"pager", "--title", title}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto ms = pushover.messages();
  ASSERT_EQ(ms.size(), 3u);
  std::string all;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    std::size_t cps = 0, tcps = 0;
    for (unsigned char c : ms[i].message) cps += (c & 0xC0) != 0x80;
    for (unsigned char c : ms[i].title) tcps += (c & 0xC0) != 0x80;
    EXPECT_LE(cps, 1024u);
    EXPECT_LE(tcps, 250u);
    EXPECT_THAT(ms[i].title, HasSubstr("(" + std::to_string(i + 1) + "/3)"));
    all += ms[i].message + " ";
  }
  std::size_t at = 0;
  for (int i = 0; i < 400; ++i) {
    const auto found = all.find("ü" + std::to_string(1000 + i), at);
    ASSERT_NE(found, std::string::npos) << "word " << i;
    at = found;
  }
}

TEST_F(PushoverE2E, each_level_reaches_pushover_and_urgent_carries_retry_and_expire) {
  const std::pair<const char*, int> levels[] = {{"low", -1}, {"normal", 0}, {"high", 1}, {"urgent", 2}};
  for (const auto& [level, priority] : levels) {
    auto r = run({"pager", "--priority", level, "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ASSERT_FALSE(pushover.messages().empty());
    EXPECT_EQ(pushover.messages().back().priority, priority) << level;
  }
  EXPECT_EQ(pushover.messages().back().retry, 60);
  EXPECT_EQ(pushover.messages().back().expire, 3600);
  path = config(profiles("emergency_retry = 120\nemergency_expire = 7200\n"));
  auto r = run({"pager", "--priority", "urgent", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(pushover.messages().back().retry, 120);
  EXPECT_EQ(pushover.messages().back().expire, 7200);
}

TEST_F(PushoverE2E, out_of_range_emergency_settings_are_configuration_errors) {
  path = config(profiles("emergency_retry = 10\n"));
  auto r = run({"pager", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("emergency_retry"));
  path = config(profiles("emergency_expire = 20000\n"));
  auto e = run({"pager", "x"});
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_THAT(e.err, HasSubstr("emergency_expire"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(PushoverE2E, a_file_goes_as_one_attachment_and_a_larger_one_is_refused_before_sending) {
  const auto png = home.write_file("graph.png", std::string("\x89PNG\r\n\x1a\n", 8) + "data");
  auto r = run({"pager", "--file", png.string(), "see graph"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto ms = pushover.messages();
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].message, "see graph");
  EXPECT_TRUE(ms[1].multipart);
  EXPECT_EQ(ms[1].attachment_name, "graph.png");
  EXPECT_EQ(ms[1].attachment_type, "image/png");
  EXPECT_EQ(ms[1].attachment.size(), 12u);

  const auto big = home.write_file("big.png", std::string(5242881, 'x'));
  const auto before = server.request_count();
  auto refused = run({"pager", "--file", big.string(), "too big"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("big.png"));
  EXPECT_EQ(server.request_count(), before) << "nothing is sent";
}

TEST_F(PushoverE2E, a_refusal_is_one_line_in_pushovers_words_with_a_hint_naming_the_key) {
  server.push_reply(pushover_error(400, "user identifier is not a valid user, group, or subscribed user key", "user"));
  auto r = run({"--retries", "2", "pager", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("user identifier is not a valid user"));
  EXPECT_THAT(r.err, HasSubstr("check user in the profile"));
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(failed(), 1u);
  expect_no_secret(r);
  // status 0 in a 200 is a refusal too.
  server.push_reply(pushover_error(200, "application token is invalid", "token"));
  auto t = run({"pager", "x"});
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_THAT(t.err, HasSubstr("check token in the profile"));
}

TEST_F(PushoverE2E, an_exhausted_monthly_quota_is_kept_for_a_later_flush) {
  server.push_reply(pushover_error(429, "application has exceeded its monthly message limit"));
  auto r = run({"--retries", "3", "pager", "monthly"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.request_count(), 1u) << "not retried now";
  EXPECT_THAT(r.err, HasSubstr("1st of the month"));
  EXPECT_THAT(r.err, HasSubstr("notify spool retry --failed"));
  EXPECT_EQ(failed(), 1u);
  auto again = run({"spool", "retry", "--failed"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(failed(), 0u);
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(pushover.messages().size(), 1u);
  EXPECT_EQ(pushover.messages()[0].message, "monthly");
}

TEST_F(PushoverE2E, a_5xx_is_retried_no_sooner_than_5_seconds) {
  server.push_reply(server_error(503));
  auto r = run({"-v", "--retries", "1", "pager", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("5000 ms"));
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(pushover.messages().size(), 1u);
  expect_no_secret(r);
}

TEST_F(PushoverE2E, dry_run_json_and_list_never_show_token_or_user) {
  auto d = run({"--dry-run", "pager", "hello"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("/1/messages.json"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(d);
  auto j = run({"--json", "pager", "x"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  expect_no_secret(j);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("pushover"));
    expect_no_secret(l);
  }
}

TEST_F(PushoverE2E, setup_writes_a_profile_that_delivers) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "phone", "--type", "pushover", "--token", kPushoverToken, "--user",
                   kPushoverUser, "--api-base", server.base_url(), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"phone", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(pushover.messages().size(), 1u);
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("phone"));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
