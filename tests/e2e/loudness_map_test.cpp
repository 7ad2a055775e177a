// --priority through the real binary against the fakes: every cell of the
// mapping table (7 services x 4 levels), a Mattermost server that refuses
// the priority field, urgent_mentions pinging exactly what the profile
// lists, and --dry-run showing the mapped fields.

#include "e2e.hpp"
#include "support/fake_services2.hpp"
#include "support/fake_smtp.hpp"
#include "support/mail_message.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

class LoudnessE2E : public E2E {
 protected:
  FakeServer mm, tg, line, dc, slack_server, ntfy_server;
  FakeSlack slack;
  FakeNtfy ntfy;
  FakeSmtpServer smtp;
  std::string path;

  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    line.set_handler(line_handler());
    dc.set_handler(discord_handler());
    slack_server.set_handler(slack.handler());
    ntfy_server.set_handler(ntfy.handler());
    path = config(profiles());
  }

  struct Extra {
    std::string ops = "requested_ack = true\n";
    std::string dev = "urgent_mentions = [\"<@&111>\", \"<@222>\"]\n";
    std::string push = "";
    std::string every = "";  ///< added to every profile
  };
  /// One profile per service (group loud), each with urgent_mentions.
  std::string profiles() const { return profiles(Extra{}); }
  std::string profiles(const Extra& x) const {
    return "[defaults]\nretries = 0\ntimeout = 5\n"
           "\n[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) +
           "\"\nurgent_mentions = [\"@here\"]\n" + x.ops + x.every +
           "\n[profiles.me]\ntype = \"telegram\"\ntoken = \"" + kTgToken +
           "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() +
           "\"\nurgent_mentions = [\"@oncall\"]\n" + x.every +
           "\n[profiles.family]\ntype = \"line\"\ntoken = \"" + kLineToken + "\"\nto = \"" +
           kLineTo + "\"\napi_base = \"" + line.base_url() +
           "\"\nurgent_mentions = [\"@oncall\"]\n" + x.every +
           "\n[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"" + discord_url(dc) + "\"\n" +
           x.dev + x.every +
           "\n[profiles.team]\ntype = \"slack\"\nwebhook_url = \"" + slack.url(slack_server) +
           "\"\nurgent_mentions = [\"<!here>\"]\n" + x.every +
           "\n[profiles.push]\ntype = \"ntfy\"\nserver = \"" + ntfy_server.base_url() +
           "\"\ntopic = \"alerts\"\nurgent_mentions = [\"@oncall\"]\n" + x.push + x.every +
           "\n[profiles.mail]\ntype = \"email\"\nsmtp_url = \"" + smtp.url() +
           "\"\nstarttls = false\nfrom = \"a@example.com\"\nto = \"b@example.com\"\n"
           "urgent_mentions = [\"@oncall\"]\n" + x.every +
           "\n[groups]\nloud = [\"ops\", \"me\", \"family\", \"dev\", \"team\", \"push\", \"mail\"]\n";
  }

  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(std::move(args), std::move(input), {{"XDG_STATE_HOME", state()}});
  }

  static json last_json(const FakeServer& s) {
    const auto reqs = s.requests();
    return reqs.empty() ? json() : json::parse(reqs.back().body, nullptr, false);
  }
  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  // What each service did with the level, in the table's words.
  std::string mattermost_cell() const {
    const json j = last_json(mm);
    std::string out = j.value("silent", false) ? "silent" : "";
    if (j.contains("priority")) {
      out += "priority " + j["priority"].value("priority", std::string("?"));
      if (j["priority"].value("requested_ack", false)) out += " +ack";
    }
    if (first_line(j.value("text", "")) == "@here") out += " @here";
    return out;
  }
  std::string quiet_cell(const FakeServer& s, const char* key, const std::string& text) const {
    const json j = last_json(s);
    std::string out = j.value(key, false) ? "quiet" : "";
    if (first_line(text) == "@oncall") out += out.empty() ? "@oncall" : " @oncall";
    return out;
  }
  std::string telegram_cell() const {
    return quiet_cell(tg, "disable_notification", last_json(tg).value("text", ""));
  }
  std::string line_cell() const {
    const json j = last_json(line);
    return quiet_cell(line, "notificationDisabled", j["messages"][0].value("text", ""));
  }
  std::string discord_cell() const {
    const json j = last_json(dc);
    std::string out = j.contains("flags") ? "flags " + j["flags"].dump() : "";
    if (j["allowed_mentions"] != json{{"parse", json::array()}})
      out += (out.empty() ? "" : " ") + j["allowed_mentions"].dump();
    return out;
  }
  std::string slack_cell() const {
    std::string out;
    const auto posts = slack.posts();
    for (const auto& m : posts.back().mentions) out += (out.empty() ? "" : " ") + m;
    return out;
  }
  std::string ntfy_cell() const {
    const auto m = ntfy.messages().back();
    return "priority " + std::to_string(m.priority) +
           (first_line(m.message) == "@oncall" ? " @oncall" : "");
  }
  std::string mail_cell() const {
    const auto mail = parse_mail(smtp.messages().back().data);
    std::string out = mail.header("Importance").value_or("");
    if (first_line(mail.text) == "@oncall") out += " @oncall";
    return out;
  }
};

Reply error_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct Row {
  const char* level;
  const char* mattermost;
  const char* telegram;
  const char* line;
  const char* discord;
  const char* slack;
  const char* ntfy;  // 0: no X-Priority, ntfy's default (3)
  const char* mail;
};

// PRODUCT.md "Loudness", as built.
constexpr Row kTable[] = {
    {"low", "silent", "quiet", "quiet", "flags 4096", "", "priority 2", "low"},
    {"normal", "", "", "", "", "", "priority 0", ""},
    {"high", "priority important", "", "", "", "", "priority 4", "high"},
    {"urgent", "priority urgent +ack @here", "@oncall", "@oncall",
     R"({"parse":[],"roles":["111"],"users":["222"]})", "<!here>", "priority 5 @oncall",
     "high @oncall"},
};

// Every service's last message, against one row of the table.
#define EXPECT_ROW(row)                                   \
  do {                                                    \
    ASSERT_EQ(slack.posts().size(), ntfy.messages().size()); \
    ASSERT_EQ(smtp.message_count(), ntfy.messages().size()); \
    EXPECT_EQ(mattermost_cell(), (row).mattermost);       \
    EXPECT_EQ(telegram_cell(), (row).telegram);           \
    EXPECT_EQ(line_cell(), (row).line);                   \
    EXPECT_EQ(discord_cell(), (row).discord);             \
    EXPECT_EQ(slack_cell(), (row).slack);                 \
    EXPECT_EQ(ntfy_cell(), (row).ntfy);                   \
    EXPECT_EQ(mail_cell(), (row).mail);                   \
  } while (false)

TEST_F(LoudnessE2E, every_level_reaches_every_service_as_its_own_switch) {
  for (const Row& row : kTable) {
    SCOPED_TRACE(row.level);
    auto r = run({"--priority", row.level, "loud", "db on host7 is down"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_ROW(row);
  }
  // One request per service per level: nothing was sent twice.
  EXPECT_EQ(mm.request_count(), 4u);
  EXPECT_EQ(smtp.message_count(), 4u);
}

TEST_F(LoudnessE2E, silent_is_low_and_the_profiles_priority_is_the_default) {
  path = config(profiles({.ops = "priority = \"high\"\n"}));
  ASSERT_EQ(run({"ops", "x"}).exit_code, 0);
  EXPECT_EQ(mattermost_cell(), "priority important");
  ASSERT_EQ(run({"--silent", "ops", "x"}).exit_code, 0);
  EXPECT_EQ(mattermost_cell(), "silent");
  ASSERT_EQ(run({"--priority", "normal", "ops", "x"}).exit_code, 0);
  EXPECT_EQ(mattermost_cell(), "");
}

TEST_F(LoudnessE2E, a_given_priority_overrides_ntfys_own_number) {
  path = config(profiles({.push = "priority = 1\n"}));
  const std::pair<const char*, int> cases[] = {{"", 1}, {"low", 1}, {"high", 4}, {"urgent", 5}};
  for (const auto& [level, expected] : cases) {
    std::vector<std::string> args = {"push", "x"};
    if (*level) args.insert(args.begin(), {"--priority", level});
    ASSERT_EQ(run(args).exit_code, 0);
    EXPECT_EQ(ntfy.messages().back().priority, expected) << level;
  }
}

// PRODUCT.md "The first minute": `priority` means one thing.
const Row& kLow = kTable[0];
const Row& kNormal = kTable[1];
const Row& kHigh = kTable[2];
const Row& kUrgent = kTable[3];

TEST_F(LoudnessE2E, priority_takes_words_in_any_case_and_ntfys_numbers_as_levels_everywhere) {
  const std::pair<const char*, const Row*> spellings[] = {
      {"LOW", &kLow},   {"1", &kLow},      {"3", &kNormal}, {"default", &kNormal},
      {"HIGH", &kHigh}, {"4", &kHigh},     {"5", &kUrgent}, {"max", &kUrgent},
  };
  for (const auto& [given, row] : spellings) {
    SCOPED_TRACE(given);
    auto r = run({"--priority", given, "loud", "db on host7 is down"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_ROW(*row);
  }
  auto bad = run({"--priority", "loud", "loud", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--priority loud: give low, normal, high or urgent"));
  EXPECT_THAT(bad.err, HasSubstr("ntfy's 1-5"));
}

TEST_F(LoudnessE2E, a_profiles_priority_is_one_key_with_one_meaning_for_every_service) {
  const std::pair<const char*, const Row*> written[] = {
      {"\"HIGH\"", &kHigh}, {"4", &kHigh}, {"\"max\"", &kUrgent},
      {"5", &kUrgent},      {"\"Low\"", &kLow}, {"2", &kLow},
  };
  for (const auto& [value, row] : written) {
    SCOPED_TRACE(value);
    path = config(profiles({.every = std::string("priority = ") + value + "\n"}));
    auto r = run({"loud", "db on host7 is down"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_ROW(*row);
  }
  path = config(profiles({.every = "priority = 6\n"}));
  auto bad = run({"check"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("'priority' must be low, normal, high or urgent"));
}

TEST_F(LoudnessE2E, an_ntfy_profiles_own_1_or_min_is_sent_as_1_and_is_low_elsewhere) {
  for (const char* value : {"1", "\"min\"", "\"MIN\""}) {
    SCOPED_TRACE(value);
    path = config(profiles({.every = std::string("priority = ") + value + "\n"}));
    auto r = run({"loud", "db on host7 is down"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ntfy.messages().back().priority, 1);
    EXPECT_EQ(mattermost_cell(), "silent");
    EXPECT_EQ(telegram_cell(), "quiet");
    EXPECT_EQ(mail_cell(), "low");
  }
  // A level given for the message is read the same for every target.
  ASSERT_EQ(run({"--priority", "min", "push", "x"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().back().priority, 1) << "the profile is quieter than low already";
  ASSERT_EQ(run({"--priority", "4", "push", "x"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().back().priority, 4);
}

TEST_F(LoudnessE2E, min_priority_takes_the_same_words_and_numbers) {
  path = config(profiles({.ops = "min_priority = 4\n", .push = "min_priority = \"MAX\"\n"}));
  ASSERT_EQ(run({"ops,push", "routine"}).exit_code, 0);
  EXPECT_EQ(mm.request_count(), 0u);
  ASSERT_EQ(run({"--priority", "High", "ops,push", "db down"}).exit_code, 0);
  EXPECT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(ntfy.messages().size(), 0u);
  ASSERT_EQ(run({"--priority", "5", "ops,push", "db down"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().size(), 1u);
}

TEST_F(LoudnessE2E, setup_priority_takes_words_and_numbers_for_every_service) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(std::move(args), std::nullopt,
                  {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto chat = in_cfg({"setup", "chat", "--type", "mattermost", "--webhook-url", mattermost_url(mm),
                      "--priority", "HIGH", "--yes"});
  ASSERT_EQ(chat.exit_code, 0) << chat.err;
  auto phone = in_cfg({"setup", "phone", "--type", "ntfy", "--server", ntfy_server.base_url(),
                       "--topic", "alerts", "--priority", "min", "--yes"});
  ASSERT_EQ(phone.exit_code, 0) << phone.err;
  auto pager = in_cfg({"setup", "pager", "--type", "ntfy", "--server", ntfy_server.base_url(),
                       "--topic", "pager", "--priority", "5", "--yes"});
  ASSERT_EQ(pager.exit_code, 0) << pager.err;

  ASSERT_EQ(in_cfg({"chat", "db down"}).exit_code, 0);
  EXPECT_EQ(mattermost_cell(), "priority important");
  ASSERT_EQ(in_cfg({"phone", "backup done"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().back().priority, 1);
  ASSERT_EQ(in_cfg({"pager", "db down"}).exit_code, 0);
  EXPECT_EQ(ntfy.messages().back().priority, 5);

  auto bad = in_cfg({"setup", "team", "--type", "slack", "--webhook-url", slack.url(slack_server),
                     "--priority", "loud", "--yes"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--priority loud: give low, normal, high or urgent"));
}

TEST_F(LoudnessE2E, a_server_that_refuses_the_priority_gets_it_once_more_without) {
  auto plain = mattermost_handler();
  mm.set_handler([plain](const Recorded& req) {
    if (req.body.find("\"priority\"") != std::string::npos)
      return error_reply(400, R"({"id":"api.post.priority.app_error","message":"Invalid post )"
                              R"(priority.","status_code":400})");
    return plain(req);
  });
  auto r = run({"-v", "--priority", "urgent", "ops", "db on host7 is down"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto reqs = mm.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const json again = json::parse(reqs[1].body);
  EXPECT_FALSE(again.contains("priority"));
  EXPECT_EQ(again["text"], json::parse(reqs[0].body)["text"]);
  EXPECT_THAT(r.err, HasSubstr("refused the message priority"));
  EXPECT_THAT(r.err, HasSubstr("without priority"));
  EXPECT_EQ(pending(), 0u);
}

TEST_F(LoudnessE2E, a_server_that_refuses_silent_gets_it_once_more_without) {
  auto plain = mattermost_handler();
  mm.set_handler([plain](const Recorded& req) {
    if (req.body.find("\"silent\"") != std::string::npos)
      return error_reply(400, R"({"id":"model.incoming_hook.silent.app_error","message":"Invalid )"
                              R"(field silent.","status_code":400})");
    return plain(req);
  });
  auto r = run({"-v", "--silent", "ops", "nightly backup done"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto reqs = mm.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const json first = json::parse(reqs[0].body);
  const json again = json::parse(reqs[1].body);
  EXPECT_EQ(first["silent"], true);
  EXPECT_FALSE(again.contains("silent"));
  EXPECT_EQ(again["text"], first["text"]);
  EXPECT_THAT(r.err, HasSubstr("warning: ops: part 1: the Mattermost server refused the silent switch"));
  EXPECT_THAT(r.err, HasSubstr("without silent"));
  EXPECT_EQ(pending(), 0u);

  // Refused again without it: no third try; kept as a dead letter.
  mm.reset();
  mm.set_handler([](const Recorded&) { return error_reply(400, R"({"message":"no"})"); });
  auto twice = run({"--silent", "ops", "nightly backup done"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(failed(), 1u);
}

TEST_F(LoudnessE2E, a_refusal_of_a_message_without_priority_is_not_resent) {
  mm.push_reply(error_reply(403, R"({"id":"api.webhook.channel_locked","message":"locked"})"));
  auto r = run({"ops", "db on host7 is down"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(LoudnessE2E, discord_pings_exactly_the_listed_mentions_never_piped_ones) {
  auto r = run({"--priority", "urgent", "dev"}, std::string("@everyone @here <@&999> <@333> db down\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = last_json(dc);
  EXPECT_EQ(j["allowed_mentions"],
            (json{{"parse", json::array()}, {"roles", {"111"}}, {"users", {"222"}}}));
  EXPECT_EQ(first_line(j["content"]), "<@&111> <@222>");
  // Not urgent: no mentions added, nobody may be pinged.
  ASSERT_EQ(run({"--priority", "high", "dev"}, std::string("@everyone <@&111>\n")).exit_code, 0);
  EXPECT_EQ(last_json(dc)["allowed_mentions"], (json{{"parse", json::array()}}));
}

TEST_F(LoudnessE2E, discord_everyone_is_allowed_only_when_listed) {
  path = config(profiles({.dev = "urgent_mentions = [\"@everyone\"]\n"}));
  ASSERT_EQ(run({"--priority", "urgent", "dev", "db down"}).exit_code, 0);
  EXPECT_EQ(last_json(dc)["allowed_mentions"], (json{{"parse", {"everyone"}}}));
}

TEST_F(LoudnessE2E, mattermost_listed_here_notifies_a_piped_channel_stays_neutralised) {
  auto r = run({"--priority", "urgent", "ops"}, std::string("@channel db down, tell @all\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = last_json(mm)["text"];
  EXPECT_EQ(first_line(text), "@here");
  EXPECT_THAT(text, HasSubstr("@\u200b" "channel db down"));
  EXPECT_THAT(text, HasSubstr("@\u200b" "all"));
  EXPECT_THAT(text, Not(HasSubstr(" @channel")));
}

TEST_F(LoudnessE2E, slack_adds_the_listed_tokens_and_escapes_piped_ones) {
  auto r = run({"--priority", "urgent", "team"}, std::string("<!channel> <@U999> db down\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto post = slack.posts().back();
  EXPECT_EQ(post.mentions, std::vector<std::string>{"<!here>"});
  EXPECT_THAT(post.shown, HasSubstr("<!channel> <@U999> db down"));
}

TEST_F(LoudnessE2E, verbose_notes_say_what_a_service_cannot_do) {
  auto r = run({"-v", "--priority", "urgent", "loud", "db down"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("me: Telegram has no louder switch"));
  EXPECT_THAT(r.err, HasSubstr("cannot make a phone ring more"));
  EXPECT_THAT(r.err, HasSubstr("team: Slack webhooks have no priority"));
  EXPECT_THAT(r.err, HasSubstr("ops: requested_ack needs"));
}

TEST_F(LoudnessE2E, dry_run_shows_the_mapped_fields_and_sends_nothing) {
  auto r = run({"--dry-run", "--priority", "urgent", "loud", "db down"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("priority":{"priority":"urgent","requested_ack":true})"));
  EXPECT_THAT(r.out, HasSubstr("X-Priority: 5"));
  EXPECT_THAT(r.out, HasSubstr("Importance: high"));
  EXPECT_THAT(r.out, HasSubstr(R"("roles":["111"])"));
  auto low = run({"--dry-run", "--priority", "low", "loud", "db down"});
  EXPECT_THAT(low.out, HasSubstr(R"("disable_notification":true)"));
  EXPECT_THAT(low.out, HasSubstr(R"("notificationDisabled":true)"));
  EXPECT_THAT(low.out, HasSubstr(R"("flags":4096)"));
  EXPECT_THAT(low.out, HasSubstr(R"("silent":true)"));
  EXPECT_THAT(low.out, HasSubstr("Importance: low"));
  EXPECT_EQ(mm.request_count() + tg.request_count() + dc.request_count(), 0u);
  EXPECT_EQ(smtp.message_count(), 0u);
}

}  // namespace
}  // namespace notify::test
