#include "config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "core/names.hpp"
#include "services/registry.hpp"

namespace notify::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kPath = "/etc/p.toml";

Result<Config> parse(const std::string& text) {
  return parse_config(text, kPath, services::catalog());
}

// The error of a config that must fail, with its message.
std::string error_of(const std::string& text) {
  auto r = parse(text);
  EXPECT_FALSE(r.has_value()) << "expected an error for:\n" << text;
  if (r) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::config);
  return r.error().message;
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

FileReader files_of(std::map<std::string, std::string> files) {
  return [files](const std::string& p) -> Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return make_error(ErrorKind::io, "No such file or directory");
    return it->second;
  };
}

const std::string kFull = R"(
[defaults]
timeout = 7
retries = 2
max_parts = 4

[profiles.ops]
type = "mattermost"
webhook_url = "https://chat.example.com/hooks/abcdefghijkl/"
channel = "town-square"
username = "cron"
icon_emoji = ":bell:"
fallback = "me"

[profiles.me]
type = "telegram"
token = "${TG_TOKEN}"
chat_id = -1001234567890
thread_id = 42
silent = true
retries = 5

[profiles.family]
type = "line"
token_file = "/run/secrets/line"
to = "U0123456789abcdef0123456789abcdef"

[profiles.dev]
type = "discord"
webhook_url = "https://discord.com/api/webhooks/1/tok"
avatar_url = "https://example.com/ci.png"
fallback = ["ops", "me"]

[groups]
all = ["ops", "me", "dev"]
)";

TEST(ConfigLoaderTest, parses_every_service_and_defaults) {
  auto r = parse(kFull);
  ASSERT_TRUE(r) << r.error().message;
  const auto& c = *r;
  ASSERT_EQ(c.profiles.size(), 4u);
  const auto& ops = c.profiles.at("ops");
  EXPECT_EQ(ops.type, "mattermost");
  EXPECT_EQ(ops.text("channel"), "town-square");
  EXPECT_EQ(ops.text("icon_emoji"), ":bell:");
  EXPECT_EQ(ops.timeout_s, 7);
  EXPECT_EQ(ops.retries, 2);
  EXPECT_EQ(ops.max_parts, 4);
  EXPECT_EQ(ops.fallback, std::vector<std::string>{"me"});
  EXPECT_TRUE(ops.literal_secret);
  const auto& me = c.profiles.at("me");
  EXPECT_EQ(me.text("chat_id"), "-1001234567890");
  EXPECT_EQ(me.number("thread_id"), 42);
  EXPECT_TRUE(me.silent);
  EXPECT_EQ(me.retries, 5);
  EXPECT_EQ(me.text("api_base"), "https://api.telegram.org");
  EXPECT_FALSE(me.literal_secret);
  EXPECT_EQ(c.profiles.at("family").text("api_base"), "https://api.line.me");
  EXPECT_EQ(c.profiles.at("dev").text("icon_url"), "https://example.com/ci.png");
  EXPECT_EQ(c.profiles.at("dev").fallback, (std::vector<std::string>{"ops", "me"}));
  EXPECT_EQ(c.groups.at("all"), (std::vector<std::string>{"ops", "me", "dev"}));
  EXPECT_TRUE(c.has_literal_secret);
}

TEST(ConfigLoaderTest, resolves_literal_variable_and_file_secrets) {
  auto r = parse(kFull);
  ASSERT_TRUE(r);
  auto env = env_of({{"TG_TOKEN", "123456:AAH-secret"}});
  auto files = files_of({{"/run/secrets/line", "line-token-value\n"}});
  for (auto& [name, p] : r->profiles) {
    auto ok = resolve_secrets(p, env, files);
    ASSERT_TRUE(ok) << ok.error().message;
  }
  EXPECT_EQ(r->profiles.at("ops").secret("webhook_url"), "https://chat.example.com/hooks/abcdefghijkl/");
  EXPECT_EQ(r->profiles.at("me").secret("token"), "123456:AAH-secret");
  EXPECT_EQ(r->profiles.at("family").secret("token"), "line-token-value");
}

TEST(ConfigLoaderTest, syntax_error_names_file_line_and_column) {
  auto msg = error_of("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"https://x/hooks/abc\n");
  EXPECT_THAT(msg, HasSubstr("/etc/p.toml:3:"));
}

TEST(ConfigLoaderTest, unknown_key_suggests_the_right_one) {
  auto msg = error_of(
      "[profiles.ops]\ntype = \"mattermost\"\nwebhok_url = \"https://c.example/hooks/abcdefgh\"\n");
  EXPECT_THAT(msg, HasSubstr("/etc/p.toml:3:1"));
  EXPECT_THAT(msg, HasSubstr("profile 'ops'"));
  EXPECT_THAT(msg, HasSubstr("unknown key 'webhok_url'"));
  EXPECT_THAT(msg, HasSubstr("did you mean 'webhook_url'"));
}

TEST(ConfigLoaderTest, key_of_another_service_is_unknown) {
  auto msg = error_of(
      "[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = 1\nchannel = \"x\"\n");
  EXPECT_THAT(msg, HasSubstr(":5:1"));
  EXPECT_THAT(msg, HasSubstr("unknown key 'channel' for type telegram"));
}

TEST(ConfigLoaderTest, wrong_types_are_errors_with_position) {
  EXPECT_THAT(error_of("[defaults]\ntimeout = \"ten\"\n"),
              HasSubstr("/etc/p.toml:2:11: defaults.timeout must be an integer, not a string"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = 1\n"
                       "silent = \"yes\"\n"),
              HasSubstr(":5:10: profile 'me': 'silent' must be true or false"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = 3\n"), HasSubstr(":2:8: profile 'me': 'type' must be a string"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = 1.5\n"),
              HasSubstr("'chat_id' must be a string, not a float"));
  EXPECT_THAT(error_of("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"https://h/hooks/abcdefgh\"\n"
                       "fallback = 3\n"),
              HasSubstr("'fallback' must be a string or an array of strings"));
}

TEST(ConfigLoaderTest, out_of_range_numbers) {
  EXPECT_THAT(error_of("[defaults]\nretries = -1\n"), HasSubstr("between 0 and 100"));
  EXPECT_THAT(error_of("[defaults]\ntimeout = 0\n"), HasSubstr("between 1 and 3600"));
  EXPECT_THAT(error_of("[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"https://d/api/webhooks/1/t\"\n"
                       "max_length = 3000\n"),
              HasSubstr("'max_length' must be between 64 and 2000"));
}

TEST(ConfigLoaderTest, missing_required_fields) {
  EXPECT_THAT(error_of("[profiles.ops]\nchannel = \"x\"\n"),
              HasSubstr("/etc/p.toml:1:1: profile 'ops': missing required key 'type'"));
  EXPECT_THAT(error_of("[profiles.ops]\ntype = \"mattermost\"\n"),
              HasSubstr("profile 'ops': missing required key 'webhook_url' (or 'webhook_url_file')"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\n"),
              HasSubstr("missing required key 'chat_id'"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\nchat_id = 1\n"),
              HasSubstr("missing required key 'token' (or 'token_file')"));
  EXPECT_THAT(error_of("[profiles.f]\ntype = \"line\"\ntoken = \"abc\"\n"),
              HasSubstr("missing required key 'to'"));
  EXPECT_THAT(error_of("[profiles.d]\ntype = \"discord\"\n"), HasSubstr("'webhook_url'"));
}

TEST(ConfigLoaderTest, line_notify_points_to_messaging_api) {
  auto msg = error_of("[profiles.f]\ntype = \"line-notify\"\ntoken = \"abc\"\n");
  EXPECT_THAT(msg, HasSubstr("/etc/p.toml:2:8"));
  EXPECT_THAT(msg, HasSubstr("LINE Notify was shut down"));
  EXPECT_THAT(msg, HasSubstr("type = \"line\""));
}

TEST(ConfigLoaderTest, a_required_list_names_at_least_one) {
  EXPECT_THAT(error_of("[profiles.m]\ntype = \"email\"\nsmtp_url = \"smtp://h\"\nfrom = \"a@b.c\"\n"
                       "to = []\n"),
              HasSubstr(":5:6: profile 'm': 'to' must name at least one"));
  EXPECT_TRUE(parse("[profiles.m]\ntype = \"email\"\nsmtp_url = \"smtp://h\"\nfrom = \"a@b.c\"\n"
                    "to = \"x@y.z\"\n"));
}

TEST(ConfigLoaderTest, unknown_type_and_top_level_key) {
  const auto unknown = error_of("[profiles.x]\ntype = \"slak\"\n");
  EXPECT_THAT(unknown, HasSubstr("unknown type \"slak\" (did you mean \"slack\"?)"));
  // The list comes from the registry, every service in it.
  EXPECT_THAT(unknown, HasSubstr("expected " + services::catalog().type_list()));
  EXPECT_THAT(error_of("[profile.x]\ntype = \"slack\"\n"),
              HasSubstr("unknown top-level key 'profile' (did you mean 'profiles'?)"));
  EXPECT_THAT(error_of("[defaults]\ncolour = true\n"), HasSubstr("[defaults]: unknown key 'colour'"));
}

TEST(ConfigLoaderTest, bad_values) {
  EXPECT_THAT(error_of("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"https://h/hooks/x\"\n"
                       "webhook_url_file = \"/f\"\n"),
              HasSubstr("both 'webhook_url' and 'webhook_url_file' are set"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = \"bob\"\n"),
              HasSubstr("'chat_id' must be a numeric chat id or \"@channelname\""));
  EXPECT_THAT(error_of("[profiles.f]\ntype = \"line\"\ntoken = \"abc\"\nto = \"bob\"\n"),
              HasSubstr("'to' must be a LINE user, group or room id"));
  EXPECT_THAT(error_of("[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = 1\n"
                       "api_base = \"api.telegram.org\"\n"),
              HasSubstr(":5:12: profile 'me': 'api_base' is not a valid http(s) URL: it must start with http:// or https://"));
  EXPECT_THAT(error_of("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"\"\n"),
              HasSubstr("'webhook_url' is empty"));
  EXPECT_THAT(error_of("[profiles.\"a b\"]\ntype = \"mattermost\"\n"), HasSubstr("profile name 'a b'"));
}

TEST(ConfigLoaderTest, groups_and_fallbacks_must_name_profiles) {
  const std::string ops =
      "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"https://h/hooks/abcdefgh\"\n";
  EXPECT_THAT(error_of(ops + "[groups]\nall = [\"ops\", \"nope\"]\n"),
              HasSubstr(":5:15: group 'all': unknown profile 'nope'"));
  EXPECT_THAT(error_of(ops + "[groups]\nops = [\"ops\"]\n"), HasSubstr("same name as a profile"));
  EXPECT_THAT(error_of(ops + "[groups]\nall = []\n"), HasSubstr("non-empty array"));
  EXPECT_THAT(error_of(ops + "fallback = \"ghost\"\n"),
              HasSubstr(":4:12: profile 'ops': 'fallback' names unknown profile 'ghost'"));
}

TEST(ConfigLoaderTest, unset_variable_names_profile_field_and_variable) {
  auto r = parse(kFull);
  ASSERT_TRUE(r);
  auto res = resolve_secrets(r->profiles.at("me"), env_of({}), files_of({}));
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message,
              HasSubstr("/etc/p.toml:17:9: profile 'me': 'token': environment variable "
                        "'TG_TOKEN' is not set"));
}

TEST(ConfigLoaderTest, a_secret_with_a_nul_is_refused_not_cut) {
  auto r = parse(kFull);
  ASSERT_TRUE(r);
  auto res = resolve_secrets(r->profiles.at("me"), env_of({{"TG_TOKEN", std::string("123:ab\0cd", 9)}}),
                             files_of({}));
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message, HasSubstr("'token': holds a NUL character"));
}

TEST(ConfigLoaderTest, unreadable_secret_file_names_the_file) {
  auto r = parse(kFull);
  ASSERT_TRUE(r);
  auto res = resolve_secrets(r->profiles.at("family"), env_of({}), files_of({}));
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message, HasSubstr("profile 'family': 'token_file': cannot read secret "
                                             "file '/run/secrets/line': No such file"));
  auto empty = resolve_secrets(r->profiles.at("family"), env_of({}),
                               files_of({{"/run/secrets/line", "\n"}}));
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("is empty"));
}

TEST(ConfigLoaderTest, secret_file_path_expands_variables) {
  auto r = parse("[profiles.f]\ntype = \"line\"\ntoken_file = \"${CREDENTIALS_DIRECTORY}/line\"\n"
                 "to = \"C0123456789abcdef0123456789abcdef\"\n");
  ASSERT_TRUE(r) << r.error().message;
  auto& p = r->profiles.at("f");
  ASSERT_TRUE(resolve_secrets(p, env_of({{"CREDENTIALS_DIRECTORY", "/run/cred"}}),
                              files_of({{"/run/cred/line", "tok-123456"}})));
  EXPECT_EQ(p.secret("token"), "tok-123456");
}

TEST(ConfigLoaderTest, telegram_token_shape_checked_after_expansion) {
  auto r = parse("[profiles.me]\ntype = \"telegram\"\ntoken = \"${T}\"\nchat_id = \"@chan\"\n");
  ASSERT_TRUE(r);
  auto res = resolve_secrets(r->profiles.at("me"), env_of({{"T", "not-a-token"}}), files_of({}));
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message, HasSubstr("must be a bot token from @BotFather"));
  EXPECT_THAT(res.error().message, ::testing::Not(HasSubstr("not-a-token")));
}

TEST(ConfigLoaderTest, expand_vars) {
  auto env = env_of({{"A", "1"}, {"B", "two"}});
  EXPECT_EQ(*expand_vars("x${A}y${B}", env), "x1ytwo");
  EXPECT_EQ(*expand_vars("plain $A", env), "plain $A");
  EXPECT_FALSE(expand_vars("${C}", env));
  EXPECT_FALSE(expand_vars("${A", env));
}

TEST(ConfigLoaderTest, candidates_follow_lookup_order) {
  EXPECT_EQ(config_candidates(std::string("/x.toml"), env_of({{"NOTIFY_CONFIG", "/y"}})),
            std::vector<std::string>{"/x.toml"});
  EXPECT_EQ(config_candidates(std::nullopt, env_of({{"NOTIFY_CONFIG", "/y"}})),
            std::vector<std::string>{"/y"});
  EXPECT_EQ(config_candidates(std::nullopt, env_of({{"XDG_CONFIG_HOME", "/c"}, {"HOME", "/h"}})),
            (std::vector<std::string>{"/c/notify/profiles.toml", "/etc/notify/profiles.toml"}));
  EXPECT_EQ(config_candidates(std::nullopt, env_of({{"HOME", "/h"}})),
            (std::vector<std::string>{"/h/.config/notify/profiles.toml",
                                      "/etc/notify/profiles.toml"}));
}

TEST(ConfigLoaderTest, expand_targets_flattens_groups_and_lists_known_names) {
  auto r = parse(kFull);
  ASSERT_TRUE(r);
  EXPECT_EQ(*expand_targets(*r, "all,family,ops"),
            (std::vector<std::string>{"ops", "me", "dev", "family"}));
  auto bad = expand_targets(*r, "ops,nope");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  EXPECT_THAT(bad.error().message, HasSubstr("unknown profile or group 'nope'"));
  EXPECT_THAT(bad.error().message, HasSubstr("known: dev, family, me, ops, all"));
}

}  // namespace
}  // namespace notify::config

namespace notify::config {
namespace {

TEST(ConfigLoaderTest, names_follow_the_rule) {
  for (const char* good : {"ops", "my.ops", "a-b_c", "_x", "9lives"})
    EXPECT_TRUE(parse_config(std::string("[profiles.\"") + good +
                                 "\"]\ntype = \"mattermost\"\nwebhook_url = \"http://h/hooks/x\"\n",
                             "p.toml", services::catalog()))
        << good;
  for (const char* bad : {"-dash", ".dot", "sp ace", "é"}) {
    auto r = parse_config(std::string("[profiles.\"") + bad +
                              "\"]\ntype = \"mattermost\"\nwebhook_url = \"http://h/hooks/x\"\n",
                          "p.toml", services::catalog());
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("starts with a letter, digit or '_'"), std::string::npos)
        << r.error().message;
  }
}

TEST(ConfigLoaderTest, unknown_target_suggests_a_name_or_a_command) {
  auto r = parse_config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"http://h/hooks/x\"\n",
                        "p.toml", services::catalog());
  ASSERT_TRUE(r);
  auto near = expand_targets(*r, "opz");
  ASSERT_FALSE(near);
  EXPECT_NE(near.error().message.find("(did you mean 'ops'?)"), std::string::npos);
  auto command = expand_targets(*r, "lsit");
  ASSERT_FALSE(command);
  EXPECT_NE(command.error().message.find("did you mean the command 'list'?"), std::string::npos)
      << command.error().message;
  // Only the first word can have been meant as a command.
  auto later = expand_targets(*r, "ops,lsit");
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().message.find("command"), std::string::npos) << later.error().message;
}

// The command words a first word is held to are the catalog's: core's fixed
// ones, and the type of each service that lists its chats.
TEST(ConfigLoaderTest, a_service_that_lists_its_chats_makes_its_type_a_command_word) {
  static const Discovery pigeon_lists{};
  static const ServiceSchema pigeon = [] {
    ServiceSchema s;
    s.type = "pigeon";
    s.title = "Pigeon post";
    return s;
  }();
  ServiceDoc doc;
  doc.schema = &pigeon;
  doc.name = "Pigeon";
  Catalog silent;
  silent.services = {&pigeon};
  silent.docs = {doc};
  Catalog listing = silent;
  listing.docs.front().discovery = &pigeon_lists;

  EXPECT_FALSE(silent.is_command_word("pigeon"));
  EXPECT_TRUE(silent.is_command_word("list"));
  EXPECT_EQ(silent.command_words().size(), std::size(kCommandNames));
  EXPECT_TRUE(listing.is_command_word("pigeon"));
  EXPECT_EQ(listing.command_words().back(), "pigeon");
  ASSERT_EQ(listing.discoverable().size(), 1u);
  EXPECT_EQ(listing.discoverable().front(), &listing.docs.front());

  const std::string toml = "[profiles.ops]\ntype = \"pigeon\"\n";
  auto with = parse_config(toml, "p.toml", listing);
  ASSERT_TRUE(with) << with.error().message;
  auto near = expand_targets(*with, "pigoen");
  ASSERT_FALSE(near);
  EXPECT_THAT(near.error().message, HasSubstr("did you mean the command 'pigeon'?"));
  auto without = parse_config(toml, "p.toml", silent);
  ASSERT_TRUE(without) << without.error().message;
  auto plain = expand_targets(*without, "pigoen");
  ASSERT_FALSE(plain);
  EXPECT_THAT(plain.error().message, Not(HasSubstr("pigeon")));
}

TEST(ConfigLoaderTest, unknown_target_lists_a_few_names_only) {
  std::string toml;
  for (int i = 0; i < 60; ++i)
    toml += "[profiles.host" + std::to_string(100 + i) +
            "]\ntype = \"mattermost\"\nwebhook_url = \"http://h/hooks/x\"\n";
  auto r = parse_config(toml, "p.toml", services::catalog());
  ASSERT_TRUE(r) << r.error().message;
  auto bad = expand_targets(*r, "zzzzzz");
  ASSERT_FALSE(bad);
  EXPECT_LT(bad.error().message.size(), 200u) << bad.error().message;
  EXPECT_NE(bad.error().message.find("host100, host101"), std::string::npos);
  EXPECT_NE(bad.error().message.find("60 in all"), std::string::npos);
}

TEST(ConfigLoaderTest, priority_is_one_key_for_every_service_in_words_or_numbers) {
  const std::string head = "[profiles.p]\ntype = \"ntfy\"\ntopic = \"t\"\n";
  const std::pair<std::string, Priority> cases[] = {
      {"\"HIGH\"", Priority::high}, {"4", Priority::high},   {"\"4\"", Priority::high},
      {"\"max\"", Priority::urgent}, {"3", Priority::normal}, {"\"Low\"", Priority::low},
  };
  for (const auto& [written, level] : cases) {
    auto cfg = parse(head + "priority = " + written + "\nmin_priority = " + written + "\n");
    ASSERT_TRUE(cfg) << written << ": " << cfg.error().message;
    const auto& p = cfg->profiles.at("p");
    EXPECT_EQ(p.priority, level) << written;
    EXPECT_EQ(p.min_priority, level) << written;
    EXPECT_FALSE(p.priority_lowest) << written;
  }
  for (const std::string written : {"1", "\"min\""}) {
    auto cfg = parse(head + "priority = " + written + "\n");
    ASSERT_TRUE(cfg) << written;
    EXPECT_EQ(cfg->profiles.at("p").priority, Priority::low);
    EXPECT_TRUE(cfg->profiles.at("p").priority_lowest) << written;
  }
  auto mm = parse("[profiles.m]\ntype = \"mattermost\"\nwebhook_url = \"https://x.example/hooks/abc\"\n"
                  "priority = 5\n");
  ASSERT_TRUE(mm) << mm.error().message;
  EXPECT_EQ(mm->profiles.at("m").priority, Priority::urgent);
}

TEST(ConfigLoaderTest, a_priority_that_is_no_level_names_what_is_accepted) {
  const std::string head = "[profiles.p]\ntype = \"ntfy\"\ntopic = \"t\"\n";
  EXPECT_THAT(error_of(head + "priority = 6\n"),
              HasSubstr("/etc/p.toml:4:12: profile 'p': 'priority' must be low, normal, high or "
                        "urgent (any case), or ntfy's 1-5, min, default or max, not 6"));
  EXPECT_THAT(error_of(head + "min_priority = \"loud\"\n"), HasSubstr("not \"loud\""));
  EXPECT_THAT(error_of(head + "priority = true\n"), HasSubstr("not a boolean"));
}

TEST(ConfigLoaderTest, quiet_hours_are_a_window_of_local_time_and_quiet_below_a_level) {
  const std::string head = "[profiles.p]\ntype = \"ntfy\"\ntopic = \"t\"\n";
  auto plain = parse(head);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->profiles.at("p").quiet_hours);
  EXPECT_EQ(plain->profiles.at("p").quiet_below, Priority::urgent);
  auto cfg = parse(head + "quiet_hours = \"22:00-07:00\"\nquiet_below = \"high\"\n");
  ASSERT_TRUE(cfg) << cfg.error().message;
  const auto& p = cfg->profiles.at("p");
  ASSERT_TRUE(p.quiet_hours);
  EXPECT_EQ(window_text(*p.quiet_hours), "22:00-07:00");
  EXPECT_EQ(p.quiet_below, Priority::high);
}

TEST(ConfigLoaderTest, a_quiet_window_that_is_none_is_one_line_naming_file_profile_and_key) {
  const std::string head = "[profiles.p]\ntype = \"ntfy\"\ntopic = \"t\"\n";
  EXPECT_EQ(error_of(head + "quiet_hours = \"22:00-22:00\"\n"),
            "/etc/p.toml:4:15: profile 'p': 'quiet_hours' starts and ends at 22:00: give two "
            "different times, such as \"22:00-07:00\"");
  EXPECT_EQ(error_of(head + "quiet_hours = \"10pm-7am\"\n"),
            "/etc/p.toml:4:15: profile 'p': 'quiet_hours' must be a window of local time such as "
            "\"22:00-07:00\" (HH:MM-HH:MM), not \"10pm-7am\"");
  EXPECT_THAT(error_of(head + "quiet_hours = 22\n"), HasSubstr("must be a string, not an integer"));
  EXPECT_THAT(error_of(head + "quiet_below = \"loud\"\n"),
              HasSubstr("/etc/p.toml:4:15: profile 'p': 'quiet_below' must be low, normal"));
}

}  // namespace
}  // namespace notify::config

namespace notify::config {
namespace {

// One rule for a webhook URL's shape, the registry's (KeySpec::shapes):
// the same the setup wizard applies and masking reads.
TEST(ConfigLoaderTest, a_webhook_url_of_the_wrong_shape_is_refused_with_the_shape_expected) {
  const auto mattermost = [](const std::string& url) {
    return "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + url + "\"\n";
  };
  EXPECT_THAT(error_of(mattermost("https://discord.com/api/webhooks/1/tok")),
              HasSubstr("/etc/p.toml:3:15: profile 'ops': 'webhook_url' is not a Mattermost "
                        "incoming webhook URL: its path must be .../hooks/ID"));
  EXPECT_THAT(error_of(mattermost("https://chat.example/mattermost")), HasSubstr("its path must be"));
  EXPECT_THAT(error_of(mattermost("https://chat.example/hooks/")), HasSubstr("its path must be"));
  // A self-hosted server under a sub-path.
  EXPECT_TRUE(parse(mattermost("https://host.example/mattermost/hooks/abcdefgh")));
  EXPECT_TRUE(parse(mattermost("http://127.0.0.1:8065/hooks/abcdefgh/")));

  const auto discord = [](const std::string& url) {
    return "[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"" + url + "\"\n";
  };
  EXPECT_THAT(error_of(discord("https://chat.example/hooks/abcdefgh")),
              HasSubstr("'webhook_url' is not a Discord webhook URL: its path must be "
                        "/api/webhooks/ID/TOKEN or "
                        "/api/vN/webhooks/ID/TOKEN"));
  EXPECT_TRUE(parse(discord("https://discord.com/api/v10/webhooks/1/tok?thread_id=5")));

  const auto slack = [](const std::string& url) {
    return "[profiles.team]\ntype = \"slack\"\nwebhook_url = \"" + url + "\"\n";
  };
  EXPECT_THAT(error_of(slack("https://hooks.slack.com/services/T000/B000")),
              HasSubstr("'webhook_url' is not a Slack incoming webhook URL: its path must be "
                        "/services/T/B/SECRET or /triggers/T/ID/SECRET"));
  EXPECT_TRUE(parse(slack("https://hooks.slack.com/triggers/T000/123/abc")));
}

TEST(ConfigLoaderTest, a_webhook_url_from_a_variable_or_file_is_checked_when_resolved) {
  auto r = parse("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"${HOOK}\"\n");
  ASSERT_TRUE(r) << r.error().message;
  auto res = resolve_secrets(r->profiles.at("ops"),
                             env_of({{"HOOK", "https://discord.com/api/webhooks/1/secret-tok"}}),
                             files_of({}));
  ASSERT_FALSE(res);
  EXPECT_THAT(res.error().message,
              HasSubstr("/etc/p.toml:3:15: profile 'ops': 'webhook_url': is not a Mattermost "
                        "incoming webhook URL: its path must be .../hooks/ID"));
  EXPECT_THAT(res.error().message, ::testing::Not(HasSubstr("secret-tok")));
}

}  // namespace
}  // namespace notify::config
