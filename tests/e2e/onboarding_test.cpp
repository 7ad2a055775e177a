// notify telegram discover and notify setup, through the real binary.

#include <sys/stat.h>
#include <termios.h>

#include <csignal>

#include "e2e.hpp"
#include "services/registry.hpp"
#include "support/fake_services2.hpp"
#include "support/fake_smtp.hpp"
#include "support/test_pki.hpp"
#include "services/registry.hpp"

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

TEST_F(DiscoverE2E, the_only_telegram_profile_needs_no_flag) {
  const std::string me = "[profiles.me]\ntype = \"telegram\"\ntoken = \"" + std::string(kTgToken) +
                         "\"\nchat_id = 1\napi_base = \"" + tg.base_url() + "\"\n";
  const std::string ops = "[profiles.ops]\ntype = \"ntfy\"\ntopic = \"alerts\"\n";
  auto one = notify({"-c", config(me + ops), "telegram", "discover"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("111111111"));
  EXPECT_EQ(tg.request_count(), 1u);

  auto two = notify({"-c", config(me + ops + "[profiles.you]\ntype = \"telegram\"\ntoken = \"" +
                                  kTgToken + "\"\nchat_id = 2\n"),
                     "telegram", "discover"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("several Telegram profiles"));
  EXPECT_THAT(two.err, HasSubstr("(me, you)"));
  EXPECT_THAT(two.err, HasSubstr("--profile NAME"));

  auto none = notify({"-c", config(ops), "telegram", "discover"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no Telegram profile"));
  EXPECT_EQ(tg.request_count(), 1u);
}

TEST_F(DiscoverE2E, the_chat_not_found_hint_is_a_command_that_works) {
  TelegramOptions only;
  only.known_chats = std::set<std::string>{"42"};
  tg.set_handler(telegram_handler(only));
  const std::string path = config(
      "[profiles.me]\ntype = \"telegram\"\nretries = 0\ntoken = \"" + std::string(kTgToken) +
      "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() +
      "\"\n\n[profiles.you]\ntype = \"telegram\"\ntoken = \"" + kTgToken + "\"\nchat_id = 2\n");
  auto sent = notify({"-c", path, "me", "hi"});
  EXPECT_EQ(sent.exit_code, 1);
  const std::string hint = "notify -c " + path + " telegram discover --profile me";
  EXPECT_THAT(sent.err, HasSubstr("`" + hint + "`"));
  RunOptions o;
  o.isolate(home.path());
  auto listed = run_process({NOTIFY_BINARY, "-c", path, "telegram", "discover", "--profile", "me"}, o);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("111111111"));
}

TEST_F(DiscoverE2E, token_dash_on_a_terminal_asks_without_echo) {
  RunOptions o;
  o.isolate(home.path());
  o.stdin_tty = true;
  o.timeout = std::chrono::seconds(30);
  auto child = spawn({NOTIFY_BINARY, "telegram", "discover", "--token", "-", "--api-base",
                      tg.base_url()},
                     o);
  const bool asked = child.wait_for_err("Telegram bot token: ", std::chrono::seconds(10));
  EXPECT_TRUE(asked) << "no prompt for the token";
  child.type(std::string(kTgToken) + "\n");
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("111111111"));
  EXPECT_THAT(r.terminal + r.err + r.out, Not(HasSubstr(kTgToken)));
  ASSERT_TRUE(r.terminal_lflag);
  EXPECT_EQ(*r.terminal_lflag & (ECHO | ICANON), unsigned(ECHO | ICANON));
}

// The wizard's question lists every service of the registry.
const std::string kServicePrompt = "Service (" + services::catalog().type_list(",") + ")";

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
  bool has_file() const { return std::filesystem::exists(cfg_path()); }
  std::string file() const { return home.read_file("cfg/notify/profiles.toml"); }
  RunResult run(std::vector<std::string> args, std::optional<std::string> in = std::nullopt) {
    return notify(args, in, {{"XDG_CONFIG_HOME", (home / "cfg").string()}});
  }
  RunResult converse(std::vector<std::string> args, const std::vector<Say>& steps,
                     std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    env.insert(env.begin(), {"XDG_CONFIG_HOME", (home / "cfg").string()});
    return E2E::converse(std::move(args), steps, std::move(env));
  }
  /// Nothing the terminal showed (questions, echo) holds any of them.
  static void expect_never_shown(const RunResult& r, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
      EXPECT_THAT(r.terminal, Not(HasSubstr(secret)));
      EXPECT_THAT(r.err, Not(HasSubstr(secret)));
      EXPECT_THAT(r.out, Not(HasSubstr(secret)));
    }
  }
  static void expect_terminal_restored(const RunResult& r) {
    ASSERT_TRUE(r.terminal_lflag);
    EXPECT_EQ(*r.terminal_lflag & (ECHO | ICANON | ISIG), unsigned(ECHO | ICANON | ISIG));
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
  auto after = file();
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_THAT(after.substr(before.size()), HasSubstr("[profiles.dev]"));
}

TEST_F(SetupE2E, refuses_to_overwrite_without_force_and_replaces_in_place_with_it) {
  home.write_file("cfg/notify/profiles.toml",
                  "[profiles.ops]  # first\ntype = \"mattermost\"\nwebhook_url = \"" +
                      mattermost_url(mm) + "\"\n\n[profiles.later]\ntype = \"ntfy\"\ntopic = \"t\"\n");
  auto first = file();
  auto again = run({"setup", "ops", "--type", "discord", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  EXPECT_THAT(again.err, HasSubstr("--force"));
  EXPECT_EQ(file(), first);
  auto forced = run({"setup", "ops", "--force", "--type", "discord", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(file(), "[profiles.ops]\ntype = \"discord\"\nwebhook_url = \"" + discord_url(dc) +
                        "\"\n\n[profiles.later]\ntype = \"ntfy\"\ntopic = \"t\"\n");
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
  EXPECT_FALSE(has_file());
}

TEST_F(SetupE2E, flags_are_checked_for_the_shape_of_their_service) {
  auto discord_for_mm = run({"setup", "ops", "--type", "mattermost", "--webhook-url", discord_url(dc)});
  EXPECT_EQ(discord_for_mm.exit_code, 2);
  EXPECT_THAT(discord_for_mm.err,
              HasSubstr("--webhook-url is not a Mattermost incoming webhook URL: its path must be "
                        ".../hooks/ID"));
  auto mm_for_discord = run({"setup", "dev", "--type", "discord", "--webhook-url", mattermost_url(mm)});
  EXPECT_EQ(mm_for_discord.exit_code, 2);
  EXPECT_THAT(mm_for_discord.err, HasSubstr("its path must be /api/webhooks/ID/TOKEN"));
  auto truncated = run({"setup", "team", "--type", "slack", "--webhook-url",
                        "https://hooks.slack.com/services/T00000000/B00000000"});
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_THAT(truncated.err, HasSubstr("its path must be /services/T/B/SECRET"));
  auto no_hooks = run({"setup", "ops", "--type", "mattermost", "--webhook-url",
                       "https://chat.example.com/abcdefghijklmnopqrstuvwxyz"});
  EXPECT_EQ(no_hooks.exit_code, 2);
  EXPECT_THAT(no_hooks.err, HasSubstr("its path must be .../hooks/ID"));
  for (const auto* r : {&discord_for_mm, &mm_for_discord, &truncated, &no_hooks})
    EXPECT_THAT(r->err, Not(HasSubstr("test-webhook-token")));
  EXPECT_FALSE(has_file());
  // A server under a sub-path is still a Mattermost server.
  FakeServer sub;
  sub.set_handler([](const Recorded& req) {
    Reply reply;
    reply.status = req.path == "/mattermost/hooks/abcdefghijkl" ? 200 : 404;
    reply.body = "ok";
    return reply;
  });
  auto r = run({"setup", "ops", "--type", "mattermost", "--webhook-url",
                sub.base_url() + "/mattermost/hooks/abcdefghijkl", "--test"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sub.request_count(), 1u);
}

TEST_F(SetupE2E, service_names_in_any_case_and_the_usual_short_names) {
  EXPECT_EQ(run({"setup", "a", "--type", "MM", "--webhook-url", mattermost_url(mm)}).exit_code, 0);
  EXPECT_EQ(run({"setup", "b", "--type", "Mattermost", "--webhook-url", mattermost_url(mm)}).exit_code,
            0);
  EXPECT_EQ(run({"setup", "c", "--type", "tg", "--token", kTgToken, "--chat-id", "1"}).exit_code, 0);
  EXPECT_EQ(run({"setup", "d", "--type", "E-Mail", "--smtp-url", "smtps://mail.example", "--from",
                 "a@example.com", "--to", "b@example.com"}).exit_code, 0);
  EXPECT_EQ(run({"setup", "e", "--type", "mail", "--smtp-url", "smtps://mail.example", "--from",
                 "a@example.com", "--to", "b@example.com"}).exit_code, 0);
  const auto text = file();
  EXPECT_THAT(text, HasSubstr("[profiles.a]\ntype = \"mattermost\""));
  EXPECT_THAT(text, HasSubstr("[profiles.b]\ntype = \"mattermost\""));
  EXPECT_THAT(text, HasSubstr("[profiles.c]\ntype = \"telegram\""));
  EXPECT_THAT(text, HasSubstr("[profiles.d]\ntype = \"email\""));
  EXPECT_THAT(text, HasSubstr("[profiles.e]\ntype = \"email\""));
  auto bad = run({"setup", "f", "--type", "matermost"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("mm, tg, mail, e-mail"));
}

TEST_F(SetupE2E, flag_driven_test_writes_nothing_unless_delivered_or_saved_anyway) {
  const std::string wrong = mm.base_url() + "/hooks/wronghook9999";
  auto failed = run({"setup", "ops", "--type", "mattermost", "--webhook-url", wrong, "--test"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("nothing was written"));
  EXPECT_THAT(failed.err, HasSubstr("--save-anyway"));
  EXPECT_FALSE(has_file());
  EXPECT_EQ(mm.request_count(), 1u);

  const std::string before = "# mine\n[profiles.other]\ntype = \"ntfy\"\ntopic = \"t\"\n";
  home.write_file("cfg/notify/profiles.toml", before);
  auto again = run({"setup", "ops", "--type", "mattermost", "--webhook-url", wrong, "--test"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(file(), before);

  auto kept = run({"setup", "ops", "--type", "mattermost", "--webhook-url", wrong, "--test",
                   "--save-anyway"});
  EXPECT_EQ(kept.exit_code, 1);
  EXPECT_THAT(file(), HasSubstr("wronghook9999"));

  auto lone = run({"setup", "x", "--type", "mattermost", "--webhook-url", wrong, "--save-anyway"});
  EXPECT_EQ(lone.exit_code, 2);
  EXPECT_THAT(lone.err, HasSubstr("--save-anyway goes with --test"));
}

TEST_F(SetupE2E, token_dash_on_a_terminal_asks_without_echo) {
  auto r = converse({"setup", "me", "--yes", "--type", "telegram", "--token", "-", "--chat-id",
                     "111111111", "--api-base", tg.base_url()},
                    {{"Bot token from @BotFather: ", std::string(kTgToken) + "\n"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_never_shown(r, {kTgToken});
  EXPECT_THAT(file(), HasSubstr(kTgToken));
  expect_terminal_restored(r);
}

// Every service through the wizard: a wrong answer refused with what was
// expected, the secret pasted twice (never shown, the second copy not
// landing in the next question), a test that fails on a well-formed but
// wrong answer, the failing question offered again, then a delivered test
// and the profile written.
struct Walk {
  std::string name, service;      ///< answers to the first two questions
  std::vector<Say> steps;         ///< the rest, up to and with the test's failure
  std::vector<Say> mend;          ///< after the menu: the right answer
  std::vector<std::string> secrets;
  std::vector<std::string> in_file;
};

TEST_F(SetupE2E, the_wizard_walks_every_service_from_a_wrong_answer_to_a_delivered_test) {
  TelegramOptions chats;
  chats.known_chats = std::set<std::string>{"111111111"};
  tg.set_handler(telegram_handler(chats));
  FakeSlack slack;
  FakeServer slack_server;
  slack_server.set_handler(slack.handler());
  const std::string ntfy_token = "tk_rightToken0000000000000000";
  FakeNtfy ntfy(NtfyOptions{.token = ntfy_token});
  FakeServer ntfy_server;
  ntfy_server.set_handler(ntfy.handler());
  TestPki pki;
  FakeSmtpServer::Options so;
  so.pki = &pki;
  so.require_tls = true;
  so.user = "alerts@example.com";
  so.password = "smtp-Pa55-word-xyz";
  FakeSmtpServer smtp(so);

  const std::string wrong_hook = mm.base_url() + "/hooks/wronghook9999";
  DiscordOptions wrong_dc;
  wrong_dc.webhook_token = "wrong-webhook-token";
  const std::string slack_wrong =
      slack_server.base_url() + "/services/T00000000/B00000000/WRONGwrongWRONGwrong0000";
  const std::string twice = "\n";  // the secret pasted twice: S\nS\n
  const std::vector<Walk> walks = {
      {"ops", "Mattermost",
       {{"Incoming webhook URL", "\n"},
        {"an answer is needed here", ""},
        {"Incoming webhook URL", discord_url(dc) + "\n"},
        {"its path must be .../hooks/ID", ""},
        {"Incoming webhook URL", wrong_hook + twice + wrong_hook + "\n"},
        {"Channel name", mattermost_url(mm) + "\n"},  // pasted into the wrong question
        {"looks like a secret", ""},
        {"Channel name", "alerts\n"},
        {"Sender name", "\n"},
        {"Sender icon URL", "\n"},
        {"Send a test message before saving? [Y/n]", "maybe\n"},
        {"answer y (yes) or n (no)", ""},
        {"Send a test message before saving? [Y/n]", "Y\n"}},
       {{"answer \"Incoming webhook URL (Integrations > Incoming Webhooks)\" again", ""},
        {"Choose [1]", "\n"},
        {"Incoming webhook URL", mattermost_url(mm) + "\n"}},
       {"testhook1234", "wronghook9999"},
       {"webhook_url = \"" + mattermost_url(mm) + "\"", "channel = \"alerts\""}},
      {"me", "TG",
       {{"Bot token from @BotFather", "123:not a token\n"},
        {"must be a bot token", ""},
        {"Bot token from @BotFather", std::string(kTgToken) + twice + kTgToken + "\n"},
        {"Find the chat id by messaging the bot now? [Y/n]", "no\n"},
        {"Chat id", "42\n"},
        {"Forum topic id", "\n"},
        {"Bot API server [https://api.telegram.org]", tg.base_url() + "\n"},
        {"Send a test message before saving?", "\n"}},
       {{"answer \"Chat id (number or @channelname)\" again", ""},
        {"Choose [1]", "1\n"},
        {"Find the chat id by messaging the bot now? [y/N]", "\n"},
        {"Chat id (number or @channelname) [42]", "111111111\n"}},
       {kTgToken, "TEST-fake-token"},
       {"chat_id = \"111111111\"", "api_base = \"" + tg.base_url() + "\""}},
      {"family", "LINE",
       {{"Channel access token", "wrong-line-token-0123456789" + twice +
                                     "wrong-line-token-0123456789\n"},
        {"User, group or room id", "U123\n"},
        {"must be a LINE user, group or room id", ""},
        {"User, group or room id", std::string(kLineTo) + "\n"},
        {"Messaging API server", line.base_url() + "\n"},
        {"Send a test message before saving?", "yes\n"}},
       {{"answer \"Channel access token (LINE Developers console)\" again", ""},
        {"Choose [1]", "\n"},
        {"Channel access token", std::string(kLineToken) + "\n"}},
       {kLineToken, "wrong-line-token-0123456789"},
       {"token = \"" + std::string(kLineToken) + "\""}},
      {"dev", "discord",
       {{"Webhook URL", mattermost_url(mm) + "\n"},
        {"its path must be /api/webhooks/ID/TOKEN", ""},
        {"Webhook URL", discord_url(dc, wrong_dc) + twice + discord_url(dc, wrong_dc) + "\n"},
        {"Sender name", "\n"},
        {"Avatar URL", "\n"},
        {"Send a test message before saving?", "y\n"}},
       {{"answer \"Webhook URL (channel settings > Integrations > Webhooks)\" again", ""},
        {"Choose [1]", "\n"},
        {"Webhook URL", discord_url(dc) + "\n"}},
       {"test-webhook-token", "wrong-webhook-token"},
       {"webhook_url = \"" + discord_url(dc) + "\""}},
      {"team", "Slack",
       {{"Slack incoming webhook URL", slack_server.base_url() + "/services/T00000000/B00000000\n"},
        {"its path must be /services/T/B/SECRET or /triggers/T/ID/SECRET", ""},
        {"Slack incoming webhook URL", slack_wrong + twice + slack_wrong + "\n"},
        {"Post as", "\n"},
        {"Send a test message before saving?", "y\n"}},
       {{"answer \"Slack incoming webhook URL", ""},
        {"Choose [1]", "\n"},
        {"Slack incoming webhook URL", slack.url(slack_server) + "\n"}},
       {"XXXXXXXXXXXXXXXXXXXXXXXX", "WRONGwrongWRONGwrong0000"},
       {"webhook_url = \"" + slack.url(slack_server) + "\""}},
      {"phone", "NTFY",
       {{"ntfy server [https://ntfy.sh]", "ftp://ntfy.example\n"},
        {"is not a valid http(s) URL", ""},
        {"ntfy server [https://ntfy.sh]", ntfy_server.base_url() + "\n"},
        {"Topic", "alerts-x1\n"},
        {"Access token", "tk_wrongToken0000000000000000" + twice + "tk_wrongToken0000000000000000\n"},
        {"Send a test message before saving?", "y\n"}},
       {{"answer \"Access token (empty for none)\" again", ""},
        {"Choose [1]", "\n"},
        {"Access token", ntfy_token + "\n"}},
       {ntfy_token, "tk_wrongToken0000000000000000"},
       {"token = \"" + ntfy_token + "\"", "topic = \"alerts-x1\""}},
      {"inbox", "e-mail",
       {{"SMTP server URL", "https://mail.example\n"},
        {"must start with smtp://", ""},
        {"SMTP server URL", smtp.url() + "\n"},
        {"Login user", "alerts@example.com\n"},
        {"Password", "wrong-Pa55-word-abc" + twice + "wrong-Pa55-word-abc\n"},
        {"From address", "notify <alerts@example.com>\n"},
        {"To address", "me@example.com\n"},
        {"Send a test message before saving?", "y\n"}},
       {{"answer \"Password\" again", ""},
        {"Choose [1]", "\n"},
        {"Password", "smtp-Pa55-word-xyz\n"}},
       {"smtp-Pa55-word-xyz", "wrong-Pa55-word-abc"},
       {"password = \"smtp-Pa55-word-xyz\"", "to = \"me@example.com\""}},
  };
  for (const auto& walk : walks) {
    SCOPED_TRACE(walk.name);
    std::vector<Say> steps = {{"Profile name [default]", walk.name + "\n"},
                              {kServicePrompt, "\n"},
                              {"an answer is needed here", ""},
                              {"Service (", walk.service + "\n"}};
    steps.insert(steps.end(), walk.steps.begin(), walk.steps.end());
    steps.push_back({"not delivered", ""});
    steps.insert(steps.end(), walk.mend.begin(), walk.mend.end());
    const auto before = has_file() ? file() : "";
    auto r = converse({"setup"}, steps, {{"CURL_CA_BUNDLE", pki.ca_cert()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr(walk.name + ": delivered"));
    EXPECT_THAT(r.err, HasSubstr("added profile '" + walk.name + "'"));
    expect_never_shown(r, walk.secrets);
    expect_terminal_restored(r);
    const auto after = file();
    EXPECT_EQ(after.substr(0, before.size()), before);  // the others' bytes stay
    for (const auto& written : walk.in_file) EXPECT_THAT(after, HasSubstr(written));
  }
  EXPECT_EQ(slack.posts().size(), 1u);
  EXPECT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(smtp.message_count(), 1u);
  // What was written works: one message to all seven.
  auto sent = notify({"ops,me,family,dev,team,phone,inbox", "all seven"}, std::nullopt,
                     {{"XDG_CONFIG_HOME", (home / "cfg").string()},
                      {"CURL_CA_BUNDLE", pki.ca_cert()}});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
}

// Ctrl-C or Ctrl-D at any question, a secret half typed or the test failed:
// the file stays byte for byte, the terminal as it was.
TEST_F(SetupE2E, ctrl_c_and_ctrl_d_anywhere_leave_the_file_and_the_terminal_as_they_were) {
  const std::string before = "# mine\n[profiles.other]  # keep\ntype = \"ntfy\"\ntopic = \"t\"\n";
  home.write_file("cfg/notify/profiles.toml", before);
  const std::string wrong = mm.base_url() + "/hooks/wronghook9999";
  const std::vector<Say> walk = {{"Profile name", "ops\n"},
                                 {"Service (", "mm\n"},
                                 {"Incoming webhook URL", wrong + "\n"},
                                 {"Channel name", "\n"},
                                 {"Sender name", "\n"},
                                 {"Sender icon URL", "\n"},
                                 {"Send a test message before saving?", "y\n"},
                                 {"Choose [1]", ""}};
  for (const char* key : {"\x03", "\x04"}) {
    for (const std::size_t at : {0, 2, 5, 7}) {
      SCOPED_TRACE(std::string(key[0] == 3 ? "Ctrl-C" : "Ctrl-D") + " at " + walk[at].when);
      std::vector<Say> steps(walk.begin(), walk.begin() + long(at));
      // A secret half typed when the key comes.
      steps.push_back({walk[at].when, at == 2 ? "http://127.0.0.1/hoo" + std::string(key) : key});
      auto r = converse({"setup"}, steps);
      if (key[0] == 3) {
        EXPECT_EQ(r.exit_code, 130) << r.err;
        EXPECT_THAT(r.err, HasSubstr("setup interrupted; nothing was written"));
      } else {
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_THAT(r.err, HasSubstr("nothing was written"));
      }
      EXPECT_EQ(file(), before);
      expect_terminal_restored(r);
      expect_never_shown(r, {"wronghook9999"});
    }
  }
}

TEST_F(SetupE2E, editing_offers_every_current_value_and_enter_keeps_the_file_byte_for_byte) {
  const std::string before =
      "# my notify profiles\n[defaults]\ntimeout = 5   # seconds\n\n"
      "[profiles.ops]  # the ops channel\ntype = \"mattermost\"\n"
      "webhook_url = \"" + mattermost_url(mm) + "\"   # from Integrations\n"
      "channel = \"alerts\"\n# the bot's name\nusername = 'deploy-bot'\nretries = 2\n\n"
      "[profiles.me]\ntype = \"telegram\"\ntoken = \"${TG_TOKEN}\"\nchat_id = 111111111\n"
      "api_base = \"" + tg.base_url() + "\"\n\n[groups]\nall = [\"ops\", \"me\"]  # both\n";
  home.write_file("cfg/notify/profiles.toml", before);
  const std::string masked = mm.base_url() + "/hooks/***";
  auto same = converse({"setup", "ops"},
                       {{kServicePrompt + " [mattermost]", "\n"},
                        {"Incoming webhook URL (Integrations > Incoming Webhooks) [" + masked + "]",
                         "\n"},
                        {"Channel name (empty: the webhook's own) [alerts]", "\n"},
                        {"Sender name (needs EnablePostUsernameOverride) [deploy-bot]", "\n"},
                        {"Sender icon URL", "\n"},
                        {"Send a test message before saving?", "\n"}});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.err, HasSubstr("ops: delivered"));
  EXPECT_THAT(same.err, HasSubstr("unchanged"));
  EXPECT_EQ(file(), before);
  expect_never_shown(same, {"testhook1234"});

  auto tg_same = converse({"setup", "me"},
                          {{"[telegram]", "\n"},
                           {"Bot token from @BotFather [${TG_TOKEN}]", "\n"},
                           {"Find the chat id by messaging the bot now? [y/N]", "\n"},
                           {"Chat id (number or @channelname) [111111111]", "\n"},
                           {"Forum topic id", "\n"},
                           {"Bot API server [" + tg.base_url() + "]", "\n"},
                           {"Send a test message before saving?", "y\n"}},
                          {{"TG_TOKEN", kTgToken}});
  EXPECT_EQ(tg_same.exit_code, 0) << tg_same.err;
  EXPECT_THAT(tg_same.err, HasSubstr("me: delivered"));
  EXPECT_EQ(file(), before);
  expect_never_shown(tg_same, {kTgToken});

  // One answer changed: that value, nothing else, in its place.
  auto changed = converse({"setup", "ops"},
                          {{"[mattermost]", "\n"},
                           {"Incoming webhook URL", "\n"},
                           {"Channel name", "town-square\n"},
                           {"Sender name", "-\n"},
                           {"Sender icon URL", "\n"},
                           {"Send a test message before saving?", "n\n"}});
  EXPECT_EQ(changed.exit_code, 0) << changed.err;
  std::string expected = before;
  expected.replace(expected.find("channel = \"alerts\""), 18, "channel = \"town-square\"");
  expected.erase(expected.find("username = 'deploy-bot'\n"), 24);
  EXPECT_EQ(file(), expected);
}

TEST_F(SetupE2E, telegram_discovery_asks_the_server_first_and_waits_on_one_line) {
  auto picked = converse({"setup", "forum", "--type", "telegram"},
                         {{"Bot token from @BotFather", std::string(kTgToken) + "\n"},
                          {"Find the chat id by messaging the bot now? [Y/n]", "\n"},
                          {"Bot API server [https://api.telegram.org]", tg.base_url() + "\n"},
                          {"Pick a chat (number)", "3\n"},
                          {"Send a test message before saving?", "n\n"}});
  EXPECT_EQ(picked.exit_code, 0) << picked.err;
  auto text = file();
  EXPECT_THAT(text, HasSubstr("chat_id = \"-1001234567890\""));
  EXPECT_THAT(text, HasSubstr("thread_id = 300"));
  EXPECT_THAT(text, HasSubstr("api_base = \"" + tg.base_url() + "\""));
  expect_never_shown(picked, {kTgToken});
  EXPECT_EQ(tg.request_count(), 1u);  // getUpdates, at the server given

  TelegramOptions quiet;
  quiet.updates_json = R"({"ok":true,"result":[]})";
  tg.set_handler(telegram_handler(quiet));
  auto waited = converse({"setup", "quiet", "--type", "telegram"},
                         {{"Bot token from @BotFather", std::string(kTgToken) + "\n"},
                          {"Find the chat id by messaging the bot now?", "y\n"},
                          {"Bot API server", tg.base_url() + "\n"},
                          {"Chat id (number or @channelname)", "111111111\n"},
                          {"Forum topic id", "\n"},
                          {"Send a test message before saving?", "n\n"}});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  std::size_t waits = 0;
  for (auto at = waited.err.find("Waiting for a message"); at != std::string::npos;
       at = waited.err.find("Waiting for a message", at + 1))
    ++waits;
  EXPECT_EQ(waits, 1u) << waited.err;
  std::size_t start = 0;
  while (start < waited.err.size()) {
    const auto end = std::min(waited.err.find('\n', start), waited.err.size());
    EXPECT_LE(end - start, 80u) << waited.err.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace
}  // namespace notify::test
