// Configuration mistakes through the real binary: exit 2, file:line:col,
// the field named, nothing sent.

#include "e2e.hpp"
#include "support/toml_mistakes.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ConfigE2E : public E2E {
 protected:
  FakeServer mm;
  void SetUp() override { mm.set_handler(mattermost_handler()); }
  std::string ops() {
    return "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) + "\"\n";
  }
  // Runs a send to ops with the given file and checks the contract for errors.
  RunResult expect_config_error(const std::string& toml, const std::string& needle,
                                std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    auto p = config(toml);
    auto r = notify({"-c", p, "ops", "hello"}, std::nullopt, env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(p + ":")) << "names the file";
    EXPECT_THAT(r.err, HasSubstr(needle));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_EQ(mm.request_count(), 0u) << "nothing is sent when the config is invalid";
    return r;
  }
  // A secret that does not resolve is that profile's problem (second
  // edition): not delivered (exit 1), kept in the spool with the reason.
  RunResult expect_secret_error(const std::string& toml, const std::string& needle) {
    auto p = config(toml);
    auto r = notify({"-c", p, "ops", "hello"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr(p + ":")) << "names the file";
    EXPECT_THAT(r.err, HasSubstr(needle));
    EXPECT_THAT(r.err, HasSubstr("kept in the spool"));
    EXPECT_EQ(mm.request_count(), 0u);
    return r;
  }
};

TEST_F(ConfigE2E, malformed_toml) {
  expect_config_error(ops() + "[profiles.me\n", ":4:");
}

TEST_F(ConfigE2E, toml_syntax_errors_are_in_notifys_words_never_the_parsers) {
  for (const auto& m : toml_mistakes()) {
    SCOPED_TRACE(m.name);
    const auto p = config(m.text);
    for (const auto& args : {std::vector<std::string>{"check"}, {"ops", "hi"}}) {
      std::vector<std::string> all = {"-c", p};
      all.insert(all.end(), args.begin(), args.end());
      auto r = notify(all);
      EXPECT_EQ(r.exit_code, 2) << r.err;
      EXPECT_EQ(r.signal, 0) << "never a crash";
      EXPECT_THAT(r.err, ::testing::StartsWith("notify: error: " + p + ":" + m.where + ": "));
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_THAT(r.err, HasSubstr(m.says));
      for (const auto& phrase : toml_library_phrases())
        EXPECT_THAT(r.err, Not(HasSubstr(phrase))) << r.err;
    }
  }
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(ConfigE2E, unknown_key_elsewhere_in_the_file_stops_everything) {
  expect_config_error(ops() + "\n[profiles.me]\ntype = \"telegram\"\ntoken = \"1:a\"\nchat_id = 1\n"
                                "chat = 2\n",
                      ":9:1: profile 'me': unknown key 'chat'");
}

TEST_F(ConfigE2E, wrong_type) {
  expect_config_error(ops() + "timeout = \"10\"\n", ":4:11: profile 'ops': 'timeout' must be an integer");
}

TEST_F(ConfigE2E, missing_required_field) {
  expect_config_error("[profiles.ops]\ntype = \"mattermost\"\n",
                      ":1:1: profile 'ops': missing required key 'webhook_url'");
}

TEST_F(ConfigE2E, unset_variable_names_profile_field_and_variable) {
  expect_secret_error(
      "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"${MM_HOOK_URL}\"\n",
      ":3:15: profile 'ops': 'webhook_url': environment variable 'MM_HOOK_URL' is not set");
}

TEST_F(ConfigE2E, variable_and_secret_file_are_used) {
  auto secret = home.write_file("hook", mattermost_url(mm) + "\n");
  auto p = config("[profiles.a]\ntype = \"mattermost\"\nwebhook_url = \"${HOOK}\"\n"
                  "[profiles.b]\ntype = \"mattermost\"\nwebhook_url_file = \"" + secret.string() + "\"\n");
  auto r = notify({"-c", p, "a,b", "x"}, std::nullopt, {{"HOOK", mattermost_url(mm)}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 2u);
}

TEST_F(ConfigE2E, unreadable_secret_file) {
  expect_secret_error("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url_file = \"/nonexistent/hook\"\n",
                      "profile 'ops': 'webhook_url_file': cannot read secret file '/nonexistent/hook'");
}

TEST_F(ConfigE2E, line_notify_gets_migration_advice) {
  expect_config_error(ops() + "[profiles.fam]\ntype = \"line-notify\"\ntoken = \"abcdef\"\n",
                      ":5:8: profile 'fam': type \"line-notify\": LINE Notify was shut down");
}

TEST_F(ConfigE2E, unused_profile_with_unset_variable_does_not_block_others) {
  auto p = config(ops() + "[profiles.me]\ntype = \"telegram\"\ntoken = \"${TG}\"\nchat_id = 1\n");
  auto r = notify({"-c", p, "ops", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 1u);
  auto c = notify({"-c", p, "check"});
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_THAT(c.err, HasSubstr("'TG' is not set"));
}

TEST_F(ConfigE2E, world_readable_file_with_literal_secret_warns) {
  auto p = config(ops(), 0644);
  auto r = notify({"-c", p, "ops", "x"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("readable by group or others"));
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
  EXPECT_THAT(r.err, Not(HasSubstr("testhook1234")));
  auto quiet = notify({"-c", config(ops(), 0600), "ops", "x"});
  EXPECT_EQ(quiet.err, "");
  // ${VAR} references are no secret: no warning for a 0644 file of them.
  auto refs = notify({"-c", config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"${H}\"\n", 0644),
                      "ops", "x"},
                     std::nullopt, {{"H", mattermost_url(mm)}});
  EXPECT_EQ(refs.err, "");
}

TEST_F(ConfigE2E, lookup_order_env_then_xdg) {
  home.write_file("xdg/notify/profiles.toml", ops());
  auto r = notify({"ops", "from-xdg"}, std::nullopt, {{"XDG_CONFIG_HOME", (home / "xdg").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto missing = notify({"ops", "x"}, std::nullopt, {{"NOTIFY_CONFIG", (home / "nope.toml").string()}});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.toml"));
  auto none = notify({"ops", "x"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no profile file (looked in"));
}

TEST_F(ConfigE2E, usage_errors_exit_2) {
  auto p = config(ops());
  auto r = notify({"-c", p, "--timeout", "zero", "ops", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--timeout"));
  auto bogus = notify({"-c", p, "--bogus", "ops", "x"});
  EXPECT_EQ(bogus.exit_code, 2);
  auto none = notify({"-c", p});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(mm.request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
