// The decisions of `notify setup` in-process: which name and service, which
// answer stands, the test message (scripted HTTP, a spool directory that
// must stay empty) and which question its failure points at, and writing.

#include "app/setup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "app/catalog.hpp"
#include "core/names.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using test::status_reply;

Outcome failed(long status, std::string error = "") {
  Outcome o;
  o.http_status = status;
  o.error = std::move(error);
  return o;
}

TEST(SetupTest, a_service_by_its_type_or_alias_in_any_case) {
  ASSERT_TRUE(service_named(" TG "));
  EXPECT_EQ(service_named(" TG ")->schema->type, "telegram");
  EXPECT_FALSE(service_named("pigeon"));
  EXPECT_THAT(service_names(), HasSubstr("mattermost,"));
  EXPECT_THAT(service_names(), HasSubstr(" (or "));
  EXPECT_THAT(service_names(), HasSubstr("tg"));
}

TEST(SetupTest, a_profile_name_is_valid_and_no_command) {
  EXPECT_EQ(profile_name_problem("ops-1"), "");
  EXPECT_EQ(profile_name_problem("has space"), std::string(kNameRule));
  EXPECT_THAT(profile_name_problem("flush"), HasSubstr("'flush' is a command"));
  // A service that lists its chats has a command of its own: `notify <type> discover`.
  ASSERT_FALSE(catalog().discoverable().empty());
  for (const auto* service : catalog().discoverable()) {
    const std::string type(service->schema->type);
    EXPECT_THAT(profile_name_problem(type), HasSubstr("'" + type + "' is a command")) << type;
  }
  EXPECT_EQ(profile_name_problem("mattermost"), "");  // a service's type, no command
}

TEST(SetupTest, the_questions_are_the_keys_with_a_prompt_in_row_order) {
  const auto keys = setup_keys(*catalog().find("telegram"));
  std::vector<std::string_view> names;
  for (const auto* k : keys) names.push_back(k->name);
  EXPECT_THAT(names, ::testing::ElementsAre("token", "chat_id", "thread_id", "api_base"));
}

TEST(SetupTest, an_answer_is_checked_as_the_loader_checks_it) {
  const auto& tg = *catalog().find("telegram");
  const auto& thread = *tg.key("thread_id");
  EXPECT_EQ(answer_problem(tg, thread, "7", {}), "");
  EXPECT_EQ(answer_problem(tg, thread, "0", {}), "must be a positive whole number");
  EXPECT_EQ(answer_problem(tg, thread, "99999999999999999999", {}),
            "must be a positive whole number");
  const auto& chat = *tg.key("chat_id");
  EXPECT_THAT(answer_problem(tg, chat, "123456:ABCdefGHIjklMNOpqrSTU", {"123456:ABCdefGHIjklMNOpqrSTU"}),
              HasSubstr("looks like a secret"));
}

TEST(SetupTest, a_failure_points_at_the_key_its_service_names) {
  EXPECT_EQ(suspect_key("telegram", failed(400, "Bad Request: chat not found")), "chat_id");
  EXPECT_EQ(suspect_key("discord", failed(404, "Unknown Webhook")), "webhook_url");
  // A server's trouble names none, whatever its words.
  EXPECT_EQ(suspect_key("telegram", failed(502, "chat not found")), "");
  // "SMTP 550" names the protocol, not smtp_url.
  EXPECT_EQ(suspect_key("email", failed(550, "SMTP 550: mailbox unavailable")), "");
}

TEST(SetupTest, else_a_failure_points_by_its_kind) {
  EXPECT_EQ(suspect_key("telegram", failed(0, "Could not connect")), "api_base");
  EXPECT_EQ(suspect_key("mattermost", failed(0)), "webhook_url");
  EXPECT_EQ(suspect_key("telegram", failed(401, "Unauthorized")), "token");
  EXPECT_EQ(suspect_key("email", failed(535, "authentication failed")), "password");
  EXPECT_EQ(suspect_key("telegram", failed(403, "Forbidden: bot was blocked")), "token");
  EXPECT_EQ(suspect_key("telegram", failed(429)), "");
  EXPECT_EQ(suspect_key("pigeon", failed(401)), "");
}

class SetupTestMessageTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-setup"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  const std::string text = R"(
[defaults]
retries = 3

[profiles.phone]
type = "ntfy"
topic = "phone-abc"
server = "https://ntfy.example"
min_priority = "urgent"
fallback = "backup"

[profiles.backup]
type = "ntfy"
topic = "backup-abc"
server = "https://ntfy.example"
)";

  World world() {
    World w;
    w.http = &http;
    w.spool_dir = (tmp.path() / "spool").string();
    w.clock = &clock;
    w.random = &random;
    w.env = [](const std::string&) { return std::nullopt; };
    w.masker = &masker;
    return w;
  }
};

TEST_F(SetupTestMessageTest, goes_to_that_profile_alone_whatever_its_min_priority_and_is_not_kept) {
  auto w = world();
  const auto t = test_profile(text, "p.toml", "phone", "box1", 0, w);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->outcome.delivered);
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_EQ(http.sent[0].url, "https://ntfy.example/phone-abc");
  EXPECT_EQ(t->draft.title, "notify test");
  EXPECT_EQ(t->draft.body, "Test message from notify setup on box1.");
  // The file as read, unchanged: the test's own adjustments stay its own.
  EXPECT_EQ(t->config.profiles.at("phone").fallback, std::vector<std::string>{"backup"});
  EXPECT_FALSE(fs::exists(tmp.path() / "spool") && !fs::is_empty(tmp.path() / "spool"));
}

TEST_F(SetupTestMessageTest, a_failure_tries_no_fallback_and_keeps_nothing) {
  http.respond = [](const HttpRequest&) { return status_reply(503); };
  auto w = world();
  const auto t = test_profile(text, "p.toml", "phone", "box1", 0, w);
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->outcome.delivered);
  EXPECT_EQ(t->outcome.http_status, 503);
  // retries = 0 from the caller wins over the file's 3, and no fallback.
  EXPECT_EQ(http.sent.size(), 1u);
  EXPECT_FALSE(t->outcome.spooled);
  EXPECT_THAT(t->result.lost, IsEmpty());
  EXPECT_FALSE(fs::exists(tmp.path() / "spool") && !fs::is_empty(tmp.path() / "spool"));
}

TEST_F(SetupTestMessageTest, a_candidate_that_does_not_parse_is_an_error) {
  auto w = world();
  const auto t = test_profile("[profiles.x]\ntype = \"pigeon\"\n", "p.toml", "x", "box1", 0, w);
  ASSERT_FALSE(t);
  EXPECT_THAT(t.error().message, HasSubstr("pigeon"));
  EXPECT_TRUE(http.sent.empty());
}

TEST(SetupTest, writing_goes_through_a_symbolic_link_and_keeps_it) {
  test::TempDir tmp{"notify-setup-write"};
  const auto real = tmp.write_file("dotfiles/profiles.toml", "# old\n");
  fs::create_symlink(real, tmp / "profiles.toml");
  ASSERT_TRUE(write_profile_file((tmp / "profiles.toml").string(), "# new\n"));
  EXPECT_TRUE(fs::is_symlink(tmp / "profiles.toml"));
  EXPECT_EQ(tmp.read_file("dotfiles/profiles.toml"), "# new\n");
  EXPECT_EQ(fs::status(real).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(SetupTest, a_new_profile_is_appended_with_the_answers_that_differ_from_defaults) {
  ProfileAnswers a;
  a.name = "tg";
  a.service = catalog().doc("telegram");
  a.values = {{"token", "1:abc"}, {"chat_id", "42"}, {"thread_id", ""},
              {"api_base", "https://api.telegram.org"}};
  const auto text = updated_file("# mine\n", a, nullptr, false);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_THAT(*text, HasSubstr("# mine\n"));
  EXPECT_THAT(*text, HasSubstr("[profiles.tg]"));
  EXPECT_THAT(*text, HasSubstr("chat_id = \"42\""));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("api_base")));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("thread_id")));
}

}  // namespace
}  // namespace notify::app
