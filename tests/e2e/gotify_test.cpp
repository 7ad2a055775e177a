// Gotify through the real binary against FakeGotify: delivery, priorities,
// Markdown only when asked, splitting, errors, retries and the spool,
// --file refusal, masking of the token, setup.

#include "e2e.hpp"
#include "support/fake_services3_a.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kGotifyToken = "AppTokenFake0001";

GotifyOptions gotify_options() {
  GotifyOptions o;
  o.prefix = "/gotify";  // served under a path prefix, as behind a proxy
  o.token = kGotifyToken;
  return o;
}

class GotifyE2E : public E2E {
 protected:
  FakeServer server;
  FakeGotify gotify{gotify_options()};
  std::string path;

  void SetUp() override {
    server.set_handler(gotify.handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& token = kGotifyToken) const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.phone]\ntype = \"gotify\"\nserver = \"" +
           gotify.server(server) + "\"\ntoken = \"" + token + "\"\n";
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    EXPECT_THAT(r.out, Not(HasSubstr(kGotifyToken)));
    EXPECT_THAT(r.err, Not(HasSubstr(kGotifyToken)));
  }
};

TEST_F(GotifyE2E, delivers_title_and_plain_text_with_the_token_in_a_header) {
  auto r = run({"phone", "--title", "backup", "done **not bold**"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(gotify.messages().size(), 1u);
  const auto m = gotify.messages()[0];
  EXPECT_EQ(m.title, "backup");
  EXPECT_EQ(m.message, "done **not bold**");
  EXPECT_EQ(m.priority, 5);
  EXPECT_EQ(m.content_type, "text/plain") << "piped text never renders as Markdown";
  EXPECT_FALSE(m.token_in_query);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].query, "");
}

TEST_F(GotifyE2E, markdown_and_code_are_marked_as_markdown) {
  auto r = run({"phone", "--markdown", "**bold**"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto c = run({"phone", "--code"}, std::string("a ``` b\n"));
  EXPECT_EQ(c.exit_code, 0) << c.err;
  const auto ms = gotify.messages();
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].content_type, "text/markdown");
  EXPECT_EQ(ms[0].message, "**bold**");
  EXPECT_EQ(ms[1].content_type, "text/markdown");
  EXPECT_EQ(ms[1].message.rfind("```", 0), 0u) << ms[1].message;
  // The fence in the text cannot close the block early.
  EXPECT_EQ(ms[1].message.find("```", 3), ms[1].message.size() - 3) << ms[1].message;
}

TEST_F(GotifyE2E, each_level_reaches_gotify_as_its_priority) {
  const std::pair<const char*, long> levels[] = {
      {"low", 2}, {"normal", 5}, {"high", 8}, {"urgent", 10}};
  for (const auto& [level, priority] : levels) {
    auto r = run({"phone", "--priority", level, "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ASSERT_FALSE(gotify.messages().empty());
    EXPECT_EQ(gotify.messages().back().priority, priority) << level;
  }
}

TEST_F(GotifyE2E, long_input_is_split_at_16384_code_points_in_order) {
  std::string text;
  for (int i = 0; i < 6000; ++i) text += "é" + std::to_string(10000 + i) + " ";  // 42,000 code points
  auto r = run({"--max-parts", "10", "phone", "--title", "log"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto ms = gotify.messages();
  ASSERT_EQ(ms.size(), 3u);
  std::string all;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    std::size_t cps = 0;
    for (unsigned char c : ms[i].message) cps += (c & 0xC0) != 0x80;
    EXPECT_LE(cps, 16384u);
    EXPECT_EQ(ms[i].title, "log (" + std::to_string(i + 1) + "/3)");
    all += ms[i].message + " ";
  }
  std::size_t at = 0;
  for (int i = 0; i < 6000; ++i) {
    const auto found = all.find("é" + std::to_string(10000 + i), at);
    ASSERT_NE(found, std::string::npos) << "word " << i << " lost or out of order";
    at = found;
  }
}

TEST_F(GotifyE2E, a_refused_token_is_permanent_with_a_hint_naming_token) {
  path = config(profiles("AWrongTokenFake1"));
  auto r = run({"--retries", "2", "phone", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("valid access token"));
  EXPECT_THAT(r.err, HasSubstr("check token in the profile"));
  EXPECT_EQ(server.request_count(), 1u) << "a refusal is not retried";
  EXPECT_EQ(failed(), 1u);
  EXPECT_THAT(r.err, Not(HasSubstr("AWrongTokenFake1")));
}

TEST_F(GotifyE2E, a_wrong_server_path_is_a_404_naming_server) {
  path = config("[profiles.phone]\ntype = \"gotify\"\nretries = 0\nserver = \"" + server.base_url() +
                "/elsewhere\"\ntoken = \"" + kGotifyToken + "\"\n");
  auto r = run({"phone", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("check server in the profile"));
  expect_no_secret(r);
}

TEST_F(GotifyE2E, a_5xx_is_retried_then_spooled_and_flushed_once) {
  server.push_reply(server_error(502));
  auto ok = run({"-v", "--retries", "1", "phone", "first"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.err, HasSubstr("HTTP 502"));
  EXPECT_EQ(gotify.messages().size(), 1u);

  server.set_handler([](const Recorded&) { return gotify_error(500, "database is locked"); });
  auto r = run({"--retries", "1", "phone", "second"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  expect_no_secret(r);
  server.set_handler(gotify.handler());
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(gotify.messages().size(), 2u);
  EXPECT_EQ(gotify.messages()[1].message, "second");
  EXPECT_EQ(pending(), 0u);
}

TEST_F(GotifyE2E, a_429_with_retry_after_is_honoured) {
  Reply busy = gotify_error(500, "busy");
  busy.status = 429;
  busy.headers.emplace_back("Retry-After", "1");
  server.push_reply(busy);
  auto r = run({"-v", "--retries", "1", "phone", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(gotify.messages().size(), 1u);
}

TEST_F(GotifyE2E, file_is_refused_with_exit_2_before_anything_is_sent) {
  const auto file = home.write_file("report.txt", "numbers\n");
  auto r = run({"phone", "--file", file.string(), "see attached"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("profile 'phone' cannot carry it: gotify"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GotifyE2E, dry_run_json_and_list_never_show_the_token) {
  auto d = run({"--dry-run", "phone", "hello"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("POST " + gotify.server(server) + "/message"));
  EXPECT_THAT(d.out, HasSubstr("hello"));
  expect_no_secret(d);
  auto j = run({"--json", "phone", "x"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["delivered"], true);
  expect_no_secret(j);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("gotify"));
    expect_no_secret(l);
  }
}

TEST_F(GotifyE2E, setup_writes_a_profile_that_delivers) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "pager", "--type", "gotify", "--server", gotify.server(server),
                   "--token", kGotifyToken, "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"pager", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(gotify.messages().size(), 1u);
  EXPECT_EQ(gotify.messages()[0].message, "from setup");
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("pager"));
  expect_no_secret(listed);
}

}  // namespace
}  // namespace notify::test
