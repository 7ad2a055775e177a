// `notify list` and `notify check` in-process: what each shows and finds,
// computed from a profile file held in memory.

#include "app/inspect.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/catalog.hpp"
#include "app/profile_file.hpp"
#include "app/send.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

config::Config parse(const std::string& text) {
  auto cfg = parse_profile_file(text, "/p/profiles.toml");
  EXPECT_TRUE(cfg) << (cfg ? "" : cfg.error().message);
  return cfg ? *cfg : config::Config{};
}

const ProfileRow& row(const ProfileListing& l, const std::string& name) {
  for (const auto& r : l.profiles)
    if (r.name == name) return r;
  throw std::runtime_error("no row " + name);
}

TEST(InspectTest, a_literal_webhook_is_masked_by_its_services_shape_a_reference_shown) {
  const auto cfg = parse(R"(
[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/abcdefghijklmnop1234"
channel = "town-square"

[profiles.env]
type = "slack"
webhook_url = "${SLACK_HOOK}"
)");
  Masker masker;
  const auto l = list_profiles(cfg, std::nullopt, masker);
  ASSERT_EQ(l.profiles.size(), 2u);
  const auto& ops = row(l, "ops");
  EXPECT_EQ(ops.type, "mattermost");
  EXPECT_THAT(ops.destination, Not(HasSubstr("abcdefghijklmnop1234")));
  EXPECT_THAT(ops.destination, HasSubstr("https://mm.example/hooks/"));
  EXPECT_THAT(ops.destination, HasSubstr("#town-square"));
  EXPECT_EQ(row(l, "env").destination, "${SLACK_HOOK}");
  // What is written out is learnt, so a line quoting it is masked too.
  EXPECT_THAT(masker.apply("see https://mm.example/hooks/abcdefghijklmnop1234"),
              Not(HasSubstr("abcdefghijklmnop1234")));
}

TEST(InspectTest, loudness_says_only_what_differs_from_the_defaults) {
  const auto cfg = parse(R"(
[profiles.quiet]
type = "ntfy"
topic = "alerts-abc"
priority = 1

[profiles.pager]
type = "ntfy"
topic = "pager-abc"
min_priority = "high"
notice_only = true

[profiles.plain]
type = "ntfy"
topic = "plain-abc"

[profiles.night]
type = "ntfy"
topic = "night-abc"
quiet_hours = "22:00-7:00"

[profiles.nights]
type = "ntfy"
topic = "nights-abc"
quiet_hours = "23:30-06:00"
quiet_below = "high"
)");
  Masker masker;
  const auto l = list_profiles(cfg, std::nullopt, masker);
  EXPECT_EQ(row(l, "night").loudness, "quiet_hours 22:00-07:00");
  EXPECT_EQ(row(l, "nights").loudness, "quiet_hours 23:30-06:00 below high");
  EXPECT_EQ(row(l, "quiet").loudness, "priority low (1, min)");
  EXPECT_EQ(row(l, "quiet").priority, Priority::low);
  EXPECT_EQ(row(l, "pager").loudness, "min_priority high; notice_only");
  EXPECT_EQ(row(l, "pager").priority, Priority::normal);
  EXPECT_EQ(row(l, "plain").loudness, "");
}

TEST(InspectTest, spool_counts_come_with_the_rows_when_there_is_a_spool) {
  test::TempDir tmp{"notify-inspect"};
  const auto cfg = parse(R"(
[defaults]
retries = 0

[profiles.me]
type = "mattermost"
webhook_url = "https://mm.example/hooks/mememe"
)");
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  http.respond = [](const HttpRequest&) { return test::status_reply(503); };
  Masker masker;
  World w;
  w.http = &http;
  w.spool_dir = (tmp.path() / "spool").string();
  w.clock = &clock;
  w.random = &random;
  w.env = [](const std::string&) { return std::nullopt; };
  w.masker = &masker;
  Draft d;
  d.body = "kept";
  send(cfg, {"me"}, d, SendOptions{}, w);
  const auto l = list_profiles(cfg, w.spool_dir, masker);
  EXPECT_EQ(l.spool.waiting, (std::map<std::string, int>{{"me", 1}}));
  EXPECT_THAT(l.spool.failed, IsEmpty());
  EXPECT_THAT(list_profiles(cfg, std::nullopt, masker).spool.waiting, IsEmpty());
}

class CheckTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env;
  std::set<std::string> files;
  Masker masker;

  World world() {
    World w;
    w.env = [this](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    w.read_file = [](const std::string& path) -> Result<std::string> {
      return make_error(ErrorKind::io, path + ": no such file");
    };
    w.file_exists = [this](const std::string& path) { return files.count(path) > 0; };
    w.masker = &masker;
    return w;
  }
};

TEST_F(CheckTest, a_valid_file_has_no_problem_and_its_secrets_are_learnt) {
  env["HOOK"] = "https://hooks.slack.com/services/T000/B000/secretsecretsecret";
  auto cfg = parse(R"(
[profiles.team]
type = "slack"
webhook_url = "${HOOK}"
)");
  const auto r = check_profiles(cfg, world());
  EXPECT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.warnings, IsEmpty());
  EXPECT_THAT(masker.apply(env["HOOK"]), Not(HasSubstr("secretsecretsecret")));
}

TEST_F(CheckTest, every_problem_is_one_line_in_the_files_order) {
  auto cfg = parse(R"(
[profiles.a]
type = "slack"
webhook_url = "${MISSING_HOOK}"

[profiles.b]
type = "mattermost"
webhook_url = "https://mm.example/hooks/bbbbbbbbbb"
ca_file = "/etc/ssl/gone.pem"

[profiles.c]
type = "mattermost"
webhook_url = "https://mm.example/hooks/cccccccccc"
fallback = "c"
)");
  const auto r = check_profiles(cfg, world());
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_THAT(r.problems[0], HasSubstr("MISSING_HOOK"));
  EXPECT_THAT(r.problems[1], HasSubstr("profile 'b': 'ca_file' /etc/ssl/gone.pem does not exist"));
  EXPECT_THAT(r.problems[2], HasSubstr("profile 'c': falls back to itself (c -> c)"));
  EXPECT_THAT(r.warnings, IsEmpty());  // said only of a valid file
}

TEST_F(CheckTest, a_file_without_profiles_is_not_valid) {
  auto cfg = parse("[defaults]\nretries = 1\n");
  const auto r = check_profiles(cfg, world());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_THAT(r.problems[0], HasSubstr("/p/profiles.toml: no profile in this file"));
}

TEST_F(CheckTest, a_name_a_command_shadows_is_a_warning_of_a_valid_file) {
  auto cfg = parse(R"(
[profiles.flush]
type = "ntfy"
topic = "flush-abc"

[groups]
list = ["flush"]
)");
  files.insert("/etc/ssl/here.pem");
  const auto r = check_profiles(cfg, world());
  EXPECT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.warnings,
              ElementsAre("profile 'flush' has the name of a command: reach it as `notify send "
                          "flush ...`",
                          "group 'list' has the name of a command: reach it as `notify send "
                          "list ...`"));
}

TEST_F(CheckTest, a_profile_named_like_the_discover_command_is_a_warning_too) {
  const auto listing = catalog().discoverable();
  ASSERT_FALSE(listing.empty());
  const std::string type(listing.front()->schema->type);
  auto cfg = parse("[profiles." + type + "]\ntype = \"ntfy\"\ntopic = \"abc\"\n");
  const auto r = check_profiles(cfg, world());
  EXPECT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.warnings, ElementsAre("profile '" + type +
                                      "' has the name of a command: reach it as `notify send " +
                                      type + " ...`"));
}

}  // namespace
}  // namespace notify::app
