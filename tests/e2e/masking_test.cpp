// "Masking covers every URL shape": a server URL of a shape its service
// does not know is shown down to its host, in every output (a webhook URL
// of such a shape is refused when the file is read), and a path before a
// Mattermost webhook's /hooks is masked. The real binary, against fakes
// that quote the URL back.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A relay's URL: its key is a path segment no service's shape has.
const std::string kRelayPath = "/services/relaySecret987/post";
const std::string kRelay = "https://relay.example" + kRelayPath;

class MaskingE2E : public E2E {
 protected:
  // Whatever was printed holds neither the key nor the path that carries it.
  static void expect_masked(const RunResult& r, const std::string& what) {
    const std::string all = r.out + r.err;
    EXPECT_THAT(all, Not(HasSubstr("relaySecret987"))) << what << "\n" << all;
    EXPECT_THAT(all, Not(HasSubstr(kRelayPath))) << what << "\n" << all;
  }
};

TEST_F(MaskingE2E, an_unknown_server_url_shows_only_its_host_in_list_and_dry_run) {
  home.write_file("hook.url", kRelay + "\n", 0600);
  // A webhook URL of a shape its service does not know is refused when the
  // file is read (written out, from ${VAR} or from a file), never quoted.
  const std::vector<std::pair<std::string, std::optional<std::string>>> env = {
      {"RELAY_HOOK", kRelay}};
  for (const std::string& webhook :
       {"[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + kRelay + "\"\n",
        std::string("[profiles.team]\ntype = \"slack\"\nwebhook_url = \"${RELAY_HOOK}\"\n"),
        "[profiles.dev]\ntype = \"discord\"\nwebhook_url_file = \"" +
            (home / "hook.url").string() + "\"\n"}) {
    const auto refused = config(webhook);
    auto r = notify({"-c", refused, "check"}, std::nullopt, env);
    EXPECT_EQ(r.exit_code, 2) << webhook;
    EXPECT_THAT(r.err, HasSubstr("its path must be")) << webhook;
    expect_masked(r, webhook);
  }
  // An api_base and a server of any shape are taken, and shown to their host.
  const auto p = config(
      "[profiles.me]\ntype = \"telegram\"\ntoken = \"123456:AAH-secret-token\"\nchat_id = 1\n"
      "api_base = \"" + kRelay + "\"\n"
      "[profiles.push]\ntype = \"ntfy\"\nserver = \"" + kRelay + "\"\ntopic = \"alerts\"\n");
  auto list = notify({"-c", p, "list"}, std::nullopt, env);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  expect_masked(list, "list");
  EXPECT_THAT(list.out, HasSubstr("https://relay.example/***/alerts"));

  auto json_list = notify({"-c", p, "list", "--json"}, std::nullopt, env);
  ASSERT_EQ(json_list.exit_code, 0) << json_list.err;
  expect_masked(json_list, "list --json");
  const auto j = nlohmann::json::parse(json_list.out);
  std::map<std::string, std::string> shown;
  for (const auto& profile : j["profiles"]) shown[profile["name"]] = profile["destination"];
  EXPECT_EQ(shown["push"], "https://relay.example/***/alerts");

  auto dry = notify({"-c", p, "--dry-run", "me,push", "hello"}, std::nullopt, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  expect_masked(dry, "--dry-run");
  EXPECT_THAT(dry.out, HasSubstr("POST https://relay.example/***/bot***/sendMessage"));
  EXPECT_THAT(dry.out, HasSubstr("POST https://relay.example/***/alerts"));
}

TEST_F(MaskingE2E, an_error_quoting_the_url_is_masked_in_the_error_line_verbose_json_and_the_spool) {
  // A relay that answers 500 and quotes the URL it was asked for.
  FakeServer relay;
  const std::string base = relay.base_url();
  relay.set_handler([base](const Recorded& req) {
    const std::string quoted = "no upstream for " + base + req.path;
    return json_reply(500, nlohmann::json{{"message", quoted}, {"description", quoted}}.dump());
  });
  // A Mattermost relay keeps its key in the path before /hooks.
  const auto p = config("[defaults]\nretries = 0\ntimeout = 5\n"
                        "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + base +
                        kRelayPath + "/hooks/relayHook1234\"\n"
                        "[profiles.me]\ntype = \"telegram\"\ntoken = \"123456:AAH-secret-token\"\n"
                        "chat_id = 1\napi_base = \"" + base + kRelayPath + "\"\n");
  for (const std::string target : {"ops", "me"}) {
    SCOPED_TRACE(target);
    relay.reset();
    auto r = notify({"-c", p, "-v", "--json", target, "db down"});
    EXPECT_EQ(r.exit_code, 1);
    ASSERT_EQ(relay.request_count(), 1u);
    EXPECT_THAT(relay.requests()[0].path, HasSubstr("relaySecret987"));  // it did go there
    expect_masked(r, "send");
    EXPECT_THAT(r.err, HasSubstr("notify: error: " + target + ": not delivered: HTTP 500"));
    EXPECT_THAT(r.err, HasSubstr("no upstream for http://127.0.0.1:" + std::to_string(relay.port()) +
                                 (target == "ops" ? "/***/***/***/hooks/***" : "/***")));
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("relayHook1234")));
    EXPECT_THAT(r.out, HasSubstr("no upstream for http://127.0.0.1:"));
  }
  auto listed = notify({"-c", p, "spool"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  expect_masked(listed, "spool");
  EXPECT_THAT(listed.out, HasSubstr("1      pending  ops"));
  EXPECT_THAT(listed.out, HasSubstr("2      pending  me"));
  for (const std::string id : {"1", "2"}) {
    auto shown = notify({"-c", p, "spool", "show", id});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    expect_masked(shown, "spool show " + id);
    EXPECT_THAT(shown.out, HasSubstr("last error: "));
    EXPECT_THAT(shown.out, HasSubstr("no upstream for http://127.0.0.1:"));
  }
}

TEST_F(MaskingE2E, spool_show_masks_the_url_of_a_profile_whose_secret_does_not_resolve) {
  // The token's variable is unset: the profile cannot be resolved, yet its
  // api_base is written out and must still be masked where it is quoted.
  const std::string relay = "http://127.0.0.1:1" + kRelayPath;
  const auto p = config("[profiles.me]\ntype = \"telegram\"\ntoken = \"${TG_TOKEN}\"\nchat_id = 1\n"
                        "api_base = \"" + relay + "\"\n");
  auto sent = notify({"-c", p, "me", "the relay " + relay + " is down"});
  EXPECT_EQ(sent.exit_code, 1) << sent.err;
  auto shown = notify({"-c", p, "spool", "show", "1"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  expect_masked(shown, "spool show");
  EXPECT_THAT(shown.out, HasSubstr("the relay http://127.0.0.1:1/*** is down"));
}

}  // namespace
}  // namespace notify::test
