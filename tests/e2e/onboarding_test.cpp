// notify telegram discover and notify setup, through the real binary.

#include <sys/stat.h>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DiscoverE2E : public E2E {
 protected:
  FakeServer tg;
  void SetUp() override { tg.set_handler(telegram_handler()); }
  RunResult discover(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"telegram", "discover", "--token", kTgToken, "--api-base",
                                     tg.base_url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return notify(args);
  }
};

TEST_F(DiscoverE2E, one_row_per_chat_and_topic_without_consuming_updates) {
  auto r = discover();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("111111111"));
  EXPECT_THAT(r.out, HasSubstr("private"));
  EXPECT_THAT(r.out, HasSubstr("Alice (@alice_example)"));
  EXPECT_THAT(r.out, HasSubstr("-4000000001"));
  EXPECT_THAT(r.out, HasSubstr("hello group"));       // the group's later message wins
  EXPECT_THAT(r.out, HasSubstr("-1001234567890"));
  EXPECT_THAT(r.out, HasSubstr("300"));               // forum topic
  EXPECT_THAT(r.out, HasSubstr("-1009876543210"));    // channel, via my_chat_member
  EXPECT_THAT(r.out, HasSubstr("channel"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kTgToken)));
  auto reqs = tg.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_THAT(reqs[0].path, HasSubstr("/getUpdates"));
  EXPECT_FALSE(reqs[0].query_param("offset")) << "never confirms updates";
}

TEST_F(DiscoverE2E, json_output) {
  auto r = discover({"--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[0]["chat_id"], "111111111");
  bool topic = false;
  for (auto& row : j) topic = topic || (row["topic_id"] == 300);
  EXPECT_TRUE(topic);
}

TEST_F(DiscoverE2E, no_updates_explains_what_to_do) {
  TelegramOptions o;
  o.updates_json = R"({"ok":true,"result":[]})";
  tg.set_handler(telegram_handler(o));
  auto r = discover();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Send your bot a message"));
  EXPECT_THAT(r.err, HasSubstr("privacy mode"));
}

TEST_F(DiscoverE2E, rejected_token_and_webhook_conflict) {
  auto bad = notify({"telegram", "discover", "--token", "123456789:WRONG-token-xyz", "--api-base",
                     tg.base_url()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("rejected the bot token"));
  EXPECT_THAT(bad.err, Not(HasSubstr("WRONG-token-xyz")));
  tg.push_reply(telegram_error(409, "Conflict: can't use getUpdates method while webhook is active; "
                                    "use deleteWebhook to delete the webhook first"));
  auto hook = discover();
  EXPECT_EQ(hook.exit_code, 1);
  EXPECT_THAT(hook.err, HasSubstr("webhook is set"));
  EXPECT_THAT(hook.err, HasSubstr("deleteWebhook"));
  EXPECT_THAT(hook.err, Not(HasSubstr(kTgToken)));
}

TEST_F(DiscoverE2E, token_from_a_profile_or_stdin) {
  auto p = config("[profiles.me]\ntype = \"telegram\"\ntoken = \"" + std::string(kTgToken) +
                  "\"\nchat_id = 1\napi_base = \"" + tg.base_url() + "\"\n");
  auto r = notify({"-c", p, "telegram", "discover", "--profile", "me"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("111111111"));
  auto s = notify({"telegram", "discover", "--token", "-", "--api-base", tg.base_url()},
                  std::string(kTgToken) + "\n");
  EXPECT_EQ(s.exit_code, 0) << s.err;
  auto none = notify({"telegram", "discover"});
  EXPECT_EQ(none.exit_code, 2);
}

class SetupE2E : public E2E {
 protected:
  FakeServer mm, tg, line, dc;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    line.set_handler(line_handler());
    dc.set_handler(discord_handler());
  }
  std::string cfg_path() const { return (home / "cfg/notify/profiles.toml").string(); }
  RunResult run(std::vector<std::string> args, std::optional<std::string> in = std::nullopt) {
    return notify(args, in, {{"XDG_CONFIG_HOME", (home / "cfg").string()}});
  }
};

TEST_F(SetupE2E, non_interactive_for_every_type_then_a_real_send) {
  EXPECT_EQ(run({"setup", "ops", "--type", "mattermost", "--webhook-url", mattermost_url(mm),
                 "--channel", "alerts"}).exit_code, 0);
  EXPECT_EQ(run({"setup", "me", "--type", "telegram", "--token", "-", "--chat-id", "111111111",
                 "--api-base", tg.base_url()},
                std::string(kTgToken) + "\n").exit_code, 0);
  EXPECT_EQ(run({"setup", "family", "--type", "line", "--token", kLineToken, "--to", kLineTo,
                 "--api-base", line.base_url()}).exit_code, 0);
  auto dcr = run({"setup", "dev", "--type", "discord", "--webhook-url", discord_url(dc), "--test"});
  EXPECT_EQ(dcr.exit_code, 0) << dcr.err;
  EXPECT_THAT(dcr.err, HasSubstr("dev: delivered"));
  EXPECT_EQ(dc.request_count(), 1u);

  struct stat st {};
  ASSERT_EQ(::stat(cfg_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((home / "cfg/notify").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto sent = run({"ops,me,family,dev", "disk /var 91%"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(texts_of(mm.requests().back()), std::vector<std::string>{"disk /var 91%"});
  EXPECT_EQ(texts_of(tg.requests().back()), std::vector<std::string>{"disk /var 91%"});
  EXPECT_EQ(texts_of(line.requests().back()), std::vector<std::string>{"disk /var 91%"});
  EXPECT_EQ(nlohmann::json::parse(mm.requests().back().body)["channel"], "alerts");
}

TEST_F(SetupE2E, keeps_existing_text_and_comments_byte_for_byte) {
  const std::string before =
      "# my notify profiles\n[defaults]\ntimeout = 5   # seconds\n\n"
      "[profiles.old]  # keep me\ntype = \"mattermost\"\nwebhook_url = \"${OLD_HOOK}\"\n";
  home.write_file("cfg/notify/profiles.toml", before);
  auto r = run({"setup", "dev", "--type", "discord", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto after = home.read_file("cfg/notify/profiles.toml");
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_THAT(after.substr(before.size()), HasSubstr("[profiles.dev]"));
}

TEST_F(SetupE2E, refuses_to_overwrite_without_force) {
  ASSERT_EQ(run({"setup", "ops", "--type", "mattermost", "--webhook-url", mattermost_url(mm)}).exit_code, 0);
  auto first = home.read_file("cfg/notify/profiles.toml");
  auto again = run({"setup", "ops", "--type", "discord", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  EXPECT_THAT(again.err, HasSubstr("--force"));
  EXPECT_EQ(home.read_file("cfg/notify/profiles.toml"), first);
  auto forced = run({"setup", "ops", "--force", "--type", "discord", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  auto text = home.read_file("cfg/notify/profiles.toml");
  EXPECT_THAT(text, HasSubstr("type = \"discord\""));
  EXPECT_THAT(text, Not(HasSubstr("mattermost")));
}

TEST_F(SetupE2E, missing_answers_without_a_terminal_name_the_flag) {
  auto r = run({"setup", "me", "--type", "telegram", "--token", kTgToken});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--chat-id"));
  auto t = run({"setup", "x"});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_THAT(t.err, HasSubstr("--type"));
  auto bad = run({"setup", "me", "--type", "telegram", "--token", "not-a-token", "--chat-id", "1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--token"));
  EXPECT_FALSE(std::filesystem::exists(cfg_path()));
}

TEST_F(SetupE2E, interactive_wizard_in_a_terminal) {
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_CONFIG_HOME", (home / "cfg").string());
  o.stdin_tty = true;
  o.timeout = std::chrono::seconds(30);
  // name, service, a bad URL then a good one, channel, username, icon, test: yes
  o.stdin_data = "ops\nmattermost\nnot a url\n" + mattermost_url(mm) + "\nalerts\n\n\ny\n";
  auto r = run_process({NOTIFY_BINARY, "setup"}, o);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Service (mattermost, telegram, line, discord, slack, ntfy, email)"));
  EXPECT_THAT(r.err, HasSubstr("must be an http(s) URL"));
  EXPECT_THAT(r.err, HasSubstr("ops: delivered"));
  EXPECT_EQ(mm.request_count(), 1u);
  auto text = home.read_file("cfg/notify/profiles.toml");
  EXPECT_THAT(text, HasSubstr("channel = \"alerts\""));
}

TEST_F(SetupE2E, interactive_telegram_discovery_picks_the_chat) {
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_CONFIG_HOME", (home / "cfg").string());
  o.stdin_tty = true;
  o.timeout = std::chrono::seconds(30);
  // discover yes, pick the forum (3rd row), keep api_base default? no: the
  // api_base question comes after, so give it via flag.
  o.stdin_data = std::string(kTgToken) + "\ny\n3\nn\n";
  auto r = run_process({NOTIFY_BINARY, "setup", "forum", "--type", "telegram", "--api-base",
                        tg.base_url()},
                       o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto text = home.read_file("cfg/notify/profiles.toml");
  EXPECT_THAT(text, HasSubstr("chat_id = \"-1001234567890\""));
  EXPECT_THAT(text, HasSubstr("thread_id = 300"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kTgToken)));
}

}  // namespace
}  // namespace notify::test
