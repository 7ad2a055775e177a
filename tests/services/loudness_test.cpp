// --priority as each service's own switch (PRODUCT.md "Loudness"), and the
// profile's urgent_mentions: build() for every level of every service.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/discord.hpp"
#include "services/email.hpp"
#include "services/line.hpp"
#include "services/mattermost.hpp"
#include "services/ntfy.hpp"
#include "services/registry.hpp"
#include "services/slack.hpp"
#include "services/telegram.hpp"

namespace notify::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr Priority kLevels[] = {Priority::low, Priority::normal, Priority::high, Priority::urgent};

config::Profile loudness_profile(const std::string& kind) {
  config::Profile p;
  p.name = "p";
  p.type = kind;
  p.secrets["webhook_url"] = kind == "discord" ? "https://discord.com/api/webhooks/1/tok"
                             : kind == "slack" ? "https://hooks.slack.com/services/T0/B0/x"
                                               : "https://chat.example.com/hooks/abcdefgh";
  p.secrets["token"] = "123:secret";
  p.settings["chat_id"] = std::string("-100123");
  p.settings["to"] = std::string("U0123456789abcdef0123456789abcdef");
  p.settings["api_base"] = std::string(kind == "line" ? "https://api.line.me"
                                                      : "https://api.telegram.org");
  p.settings["server"] = std::string("https://ntfy.example.com");
  p.settings["topic"] = std::string("alerts");
  if (kind == "email") {
    p.settings["smtp_url"] = std::string("smtps://mail.example.com");
    p.settings["from"] = std::string("a@example.com");
    p.settings["to"] = std::vector<std::string>{"b@example.com"};
  }
  return p;
}

/// A message as message_for() makes it: silent is priority low, mentions
/// only on an urgent one.
Message loudness_msg(Priority level, std::string body = "disk /var 91%",
            std::vector<std::string> mentions = {}) {
  Message m;
  m.body = std::move(body);
  m.priority = level;
  m.silent = level == Priority::low;
  if (level == Priority::urgent) m.urgent_mentions = std::move(mentions);
  return m;
}

BuildContext loudness_ctx() {
  static int n = 0;
  return BuildContext{[] { return "uuid-" + std::to_string(++n); },
                      [] { return std::int64_t{1796000000}; }};
}

json body_of(const HttpRequest& r) { return json::parse(r.body); }

std::optional<std::string> loudness_header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

std::string first(const Service& s, const Message& m) { return s.build(m, loudness_ctx()).at(0).body; }

// --- Mattermost ---------------------------------------------------------------

TEST(MattermostLoudnessTest, each_level_sets_silent_or_the_priority_object) {
  Mattermost s(loudness_profile("mattermost"));
  const json expected[] = {json::object(), json::object(), json{{"priority", "important"}},
                           json{{"priority", "urgent"}}};
  for (int i = 0; i < 4; ++i) {
    const json j = body_of(s.build(loudness_msg(kLevels[i]), loudness_ctx()).at(0));
    SCOPED_TRACE(to_string(kLevels[i]));
    EXPECT_EQ(j.value("silent", false), kLevels[i] == Priority::low);
    EXPECT_EQ(j.contains("priority"), !expected[i].empty());
    if (!expected[i].empty()) {
      EXPECT_EQ(j["priority"], expected[i]);
    }
  }
}

TEST(MattermostLoudnessTest, requested_ack_only_on_urgent_and_only_when_the_profile_asks) {
  auto p = loudness_profile("mattermost");
  EXPECT_FALSE(body_of(Mattermost(p).build(loudness_msg(Priority::urgent), loudness_ctx()).at(0))["priority"]
                   .contains("requested_ack"));
  p.settings["requested_ack"] = true;
  EXPECT_EQ(body_of(Mattermost(p).build(loudness_msg(Priority::urgent), loudness_ctx()).at(0))["priority"],
            (json{{"priority", "urgent"}, {"requested_ack", true}}));
  EXPECT_EQ(body_of(Mattermost(p).build(loudness_msg(Priority::high), loudness_ctx()).at(0))["priority"],
            (json{{"priority", "important"}}));
}

TEST(MattermostLoudnessTest, only_the_first_part_carries_the_priority) {
  auto p = loudness_profile("mattermost");
  p.max_length = 200;
  auto m = loudness_msg(Priority::urgent, std::string(500, 'x'));
  m.max_parts = 10;
  const auto reqs = Mattermost(p).build(m, loudness_ctx());
  ASSERT_GE(reqs.size(), 3u);
  EXPECT_TRUE(body_of(reqs[0]).contains("priority"));
  for (std::size_t i = 1; i < reqs.size(); ++i) EXPECT_FALSE(body_of(reqs[i]).contains("priority"));
}

TEST(MattermostLoudnessTest, urgent_mentions_pass_the_neutraliser_piped_ones_do_not) {
  Mattermost s(loudness_profile("mattermost"));
  const auto text = body_of(s.build(loudness_msg(Priority::urgent, "db down @channel", {"@here", "@alice"}),
                                    loudness_ctx()).at(0))["text"].get<std::string>();
  EXPECT_EQ(text.rfind("@here @alice\n", 0), 0u) << text;
  EXPECT_THAT(text, HasSubstr("@\u200b" "channel"));
  // Not urgent: the profile's list is not on the message at all.
  EXPECT_THAT(first(s, loudness_msg(Priority::high, "db slow")), Not(HasSubstr("@here")));
}

TEST(MattermostLoudnessTest, a_refused_priority_is_resent_once_without_it) {
  Mattermost s(loudness_profile("mattermost"));
  const auto req = s.build(loudness_msg(Priority::urgent), loudness_ctx()).at(0);
  for (long status : {400L, 403L, 501L}) {
    HttpResponse r;
    r.status = status;
    r.body = R"({"id":"model.post.is_valid.priority.app_error","message":"Invalid priority"})";
    const Verdict v = s.interpret(r);
    EXPECT_EQ(v.kind, Verdict::Kind::resend_plain) << status;
  }
  EXPECT_THAT(s.plain_note(req), HasSubstr("refused the message priority"));
  const auto plain = s.plain(req);
  ASSERT_TRUE(plain.has_value());
  const json j = body_of(*plain);
  EXPECT_FALSE(j.contains("priority"));
  EXPECT_EQ(j["text"], body_of(req)["text"]);
  // Nothing to leave out: the engine then fails it as before.
  EXPECT_FALSE(s.plain(s.build(loudness_msg(Priority::normal), loudness_ctx()).at(0)).has_value());
  EXPECT_FALSE(s.plain(*plain).has_value());
}

TEST(MattermostLoudnessTest, a_refused_silent_switch_is_resent_once_without_it) {
  Mattermost s(loudness_profile("mattermost"));
  const auto req = s.build(loudness_msg(Priority::low), loudness_ctx()).at(0);
  ASSERT_EQ(body_of(req)["silent"], true);
  const auto plain = s.plain(req);
  ASSERT_TRUE(plain.has_value());
  const json j = body_of(*plain);
  EXPECT_FALSE(j.contains("silent"));
  EXPECT_EQ(j["text"], body_of(req)["text"]);
  EXPECT_THAT(s.plain_note(req), HasSubstr("refused the silent switch"));
  EXPECT_FALSE(s.plain(*plain).has_value());
}

TEST(MattermostLoudnessTest, a_deleted_webhook_is_not_resent) {
  Mattermost s(loudness_profile("mattermost"));
  HttpResponse r;
  r.status = 400;
  r.body = R"({"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook"})";
  EXPECT_EQ(s.interpret(r).kind, Verdict::Kind::fail);
}

TEST(MattermostLoudnessTest, notes_name_the_server_version_for_priority) {
  Mattermost s(loudness_profile("mattermost"));
  const auto n = s.notes(loudness_msg(Priority::high));
  ASSERT_FALSE(n.empty());
  EXPECT_THAT(n.back(), HasSubstr("9.9"));
}

// --- Discord ------------------------------------------------------------------

TEST(DiscordLoudnessTest, low_suppresses_notifications_other_levels_do_not) {
  Discord s(loudness_profile("discord"));
  for (auto level : kLevels) {
    const json j = body_of(s.build(loudness_msg(level), loudness_ctx()).at(0));
    EXPECT_EQ(j.contains("flags"), level == Priority::low) << to_string(level);
    if (level == Priority::low) {
      EXPECT_EQ(j["flags"], Discord::kSuppressNotifications);
    }
    EXPECT_EQ(j["allowed_mentions"], (json{{"parse", json::array()}}));
  }
}

TEST(DiscordLoudnessTest, allowed_mentions_list_exactly_the_profiles) {
  Discord s(loudness_profile("discord"));
  const json j = body_of(s.build(loudness_msg(Priority::urgent, "@everyone <@&999> down",
                                     {"<@&111>", "<@222>", "<@!333>"}),
                                 loudness_ctx()).at(0));
  EXPECT_EQ(j["allowed_mentions"],
            (json{{"parse", json::array()}, {"roles", {"111"}}, {"users", {"222", "333"}}}));
  EXPECT_EQ(j["content"].get<std::string>().rfind("<@&111> <@222> <@!333>\n", 0), 0u);

  const json e = body_of(s.build(loudness_msg(Priority::urgent, "x", {"@here"}), loudness_ctx()).at(0));
  EXPECT_EQ(e["allowed_mentions"], (json{{"parse", {"everyone"}}}));
}

TEST(DiscordLoudnessTest, high_is_normal_and_notes_say_so) {
  Discord s(loudness_profile("discord"));
  EXPECT_EQ(first(s, loudness_msg(Priority::high)), first(s, loudness_msg(Priority::normal)));
  ASSERT_EQ(s.notes(loudness_msg(Priority::high)).size(), 1u);
  EXPECT_THAT(s.notes(loudness_msg(Priority::high))[0], HasSubstr("normal"));
}

// --- Slack --------------------------------------------------------------------

TEST(SlackLoudnessTest, no_switch_at_any_level_and_notes_say_so) {
  Slack s(loudness_profile("slack"));
  for (auto level : kLevels) EXPECT_EQ(first(s, loudness_msg(level)), first(s, loudness_msg(Priority::normal)));
  EXPECT_THAT(s.notes(loudness_msg(Priority::low))[0], HasSubstr("no silent switch"));
  EXPECT_THAT(s.notes(loudness_msg(Priority::urgent)).back(), HasSubstr("no priority"));
}

TEST(SlackLoudnessTest, listed_mentions_are_added_unescaped_piped_ones_stay_escaped) {
  Slack s(loudness_profile("slack"));
  const json j = body_of(s.build(loudness_msg(Priority::urgent, "<!channel> db down",
                                     {"<!here>", "<@U123ABC>", "@channel", "<b>x"}),
                                 loudness_ctx()).at(0));
  const std::string text = j["text"];
  EXPECT_EQ(text.rfind("<!here> <@U123ABC> <!channel> &lt;b&gt;x\n", 0), 0u) << text;
  EXPECT_THAT(text, HasSubstr("&lt;!channel&gt; db down"));
}

// --- Telegram -----------------------------------------------------------------

TEST(TelegramLoudnessTest, only_low_disables_the_notification) {
  Telegram s(loudness_profile("telegram"));
  for (auto level : kLevels)
    EXPECT_EQ(body_of(s.build(loudness_msg(level), loudness_ctx()).at(0)).value("disable_notification", false),
              level == Priority::low)
        << to_string(level);
  EXPECT_THAT(s.notes(loudness_msg(Priority::urgent, "x", {"@oncall"}))[0],
              HasSubstr("cannot make a phone ring more"));
  EXPECT_TRUE(s.notes(loudness_msg(Priority::normal)).empty());
}

TEST(TelegramLoudnessTest, mentions_lead_the_text_and_the_bold_title_follows_them) {
  Telegram s(loudness_profile("telegram"));
  auto m = loudness_msg(Priority::urgent, "db down", {"@oncall"});
  m.title = "ALERT";
  const json j = body_of(s.build(m, loudness_ctx()).at(0));
  EXPECT_EQ(j["text"], "@oncall\nALERT\ndb down");
  EXPECT_EQ(j["entities"][0], (json{{"type", "bold"}, {"offset", 8}, {"length", 5}}));
}

// --- LINE ---------------------------------------------------------------------

TEST(LineLoudnessTest, only_low_disables_the_notification_and_mentions_are_text) {
  Line s(loudness_profile("line"));
  for (auto level : kLevels)
    EXPECT_EQ(body_of(s.build(loudness_msg(level), loudness_ctx()).at(0)).value("notificationDisabled", false),
              level == Priority::low)
        << to_string(level);
  const json j = body_of(s.build(loudness_msg(Priority::urgent, "db down", {"@oncall"}), loudness_ctx()).at(0));
  EXPECT_EQ(j["messages"][0]["text"], "@oncall\ndb down");
  EXPECT_THAT(s.notes(loudness_msg(Priority::high))[0], HasSubstr("normal"));
}

// --- ntfy ---------------------------------------------------------------------

TEST(NtfyLoudnessTest, levels_are_2_default_4_5_and_a_profile_written_as_1_keeps_1) {
  auto p = loudness_profile("ntfy");
  Ntfy plain(p);
  const std::optional<std::string> expected[] = {"2", std::nullopt, "4", "5"};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(loudness_header(plain.build(loudness_msg(kLevels[i]), loudness_ctx()).at(0), "X-Priority"), expected[i])
        << to_string(kLevels[i]);
  // `priority = 1` (or "min") is low for every service, and ntfy's own 1.
  p.priority = Priority::low;
  p.priority_lowest = true;
  Ntfy lowest(p);
  const std::optional<std::string> with_profile[] = {"1", std::nullopt, "4", "5"};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(loudness_header(lowest.build(loudness_msg(kLevels[i]), loudness_ctx()).at(0), "X-Priority"), with_profile[i])
        << to_string(kLevels[i]);
}

TEST(NtfyLoudnessTest, mentions_are_text_before_the_body) {
  Ntfy s(loudness_profile("ntfy"));
  EXPECT_EQ(first(s, loudness_msg(Priority::urgent, "db down", {"@oncall"})), "@oncall\ndb down");
  EXPECT_THAT(s.notes(loudness_msg(Priority::urgent, "x", {"@oncall"})).back(),
              HasSubstr("cannot make a phone ring more"));
}

// --- e-mail -------------------------------------------------------------------

TEST(EmailLoudnessTest, importance_low_normal_none_high_and_urgent_high) {
  Email s(loudness_profile("email"));
  const char* expected[] = {"Importance: low\r\n", nullptr, "Importance: high\r\n",
                            "Importance: high\r\n"};
  for (int i = 0; i < 4; ++i) {
    const std::string mail = first(s, loudness_msg(kLevels[i]));
    if (expected[i]) {
      EXPECT_THAT(mail, HasSubstr(expected[i])) << to_string(kLevels[i]);
    } else {
      EXPECT_THAT(mail, Not(HasSubstr("Importance:")));
    }
  }
  EXPECT_THAT(s.notes(loudness_msg(Priority::urgent, "x", {"@oncall"})).back(),
              HasSubstr("urgent_mentions are added as text"));
}

}  // namespace
}  // namespace notify::services
