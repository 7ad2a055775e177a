// Matrix through the real binary against FakeMatrix: delivery, splitting,
// HTML and mention safety, the alias lookup (once per message, journalled,
// retried, refused for good), errors, retries and the spool, --dry-run /
// --json / list masking, --file refusal, loudness, setup, --edit, --reply,
// run --live, and SIGKILL at random moments inside requests.

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <thread>

#include "e2e.hpp"
#include "support/fake_matrix.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class MatrixE2E : public E2E {
 protected:
  FakeServer server;
  std::unique_ptr<FakeMatrix> matrix = std::make_unique<FakeMatrix>();
  /// While set, sends (PUT) or alias lookups (GET) are answered 503 and not acted on.
  std::shared_ptr<std::atomic<bool>> fail_sends = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<bool>> fail_lookups = std::make_shared<std::atomic<bool>>(false);
  std::string path;
  const std::string token = MatrixOptions{}.token;

  void SetUp() override {
    install();
    path = config(profiles());
  }
  void install() {
    server.set_handler([handler = matrix->handler(), s = fail_sends, l = fail_lookups](const Recorded& r) {
      if ((*s && r.method == "PUT") || (*l && r.method == "GET"))
        return matrix_error(503, "M_UNKNOWN", "try later");
      return handler(r);
    });
  }
  std::string profiles(const std::string& room = "!ops:fake.test", const std::string& extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.mx]\ntype = \"matrix\"\nhomeserver = \"" +
           server.base_url() + "\"\naccess_token = \"" + token + "\"\nroom = \"" + room + "\"\n" + extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  void expect_no_secret(const RunResult& r) const {
    EXPECT_THAT(r.out, Not(HasSubstr(token)));
    EXPECT_THAT(r.err, Not(HasSubstr(token)));
  }
};

TEST_F(MatrixE2E, delivers_piped_text_and_a_bold_title) {
  auto r = run({"mx"}, std::string("disk /var 91%\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto t = run({"mx", "--title", "backup", "done"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].msgtype, "m.text");
  EXPECT_EQ(ev[0].body, "disk /var 91%");
  EXPECT_TRUE(ev[0].has_mentions);
  EXPECT_EQ(ev[1].body, "backup\ndone");
  EXPECT_EQ(ev[1].formatted_body, "<b>backup</b><br>done");
  for (const auto& rq : server.requests()) {
    EXPECT_EQ(rq.header("authorization").value_or(""), "Bearer " + token);
    EXPECT_THAT(rq.path + rq.query, Not(HasSubstr(token)));
  }
}

TEST_F(MatrixE2E, long_input_is_split_in_bytes_in_order_and_whole) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(10000 + i) + " ";  // 21,000 bytes
  auto r = run({"--max-parts", "10", "mx"}, text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 3u);
  std::string all;
  for (const auto& e : ev) {
    EXPECT_LE(e.size, 60000u);
    all += e.body + "\n";
  }
  std::size_t at = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto found = all.find("w" + std::to_string(10000 + i), at);
    ASSERT_NE(found, std::string::npos) << "word " << i << " lost or out of order";
    at = found;
  }
}

TEST_F(MatrixE2E, piped_html_and_mentions_neither_render_nor_ping) {
  const std::string hostile = "@room @alice:fake.test <b>bold?</b> <a href=\"https://evil\">x</a> &amp;";
  auto r = run({"mx", "--title", "<i>t</i>"}, hostile);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].has_mentions);
  EXPECT_FALSE(ev[0].mentions_room);
  EXPECT_TRUE(ev[0].mentioned_users.empty());
  EXPECT_EQ(ev[0].body, "<i>t</i>\n" + hostile);
  EXPECT_THAT(ev[0].formatted_body, Not(HasSubstr("<a ")));
  EXPECT_THAT(ev[0].formatted_body, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(ev[0].formatted_body, HasSubstr("&lt;b&gt;bold?&lt;/b&gt;"));
  EXPECT_THAT(ev[0].formatted_body, HasSubstr("&amp;amp;"));
}

TEST_F(MatrixE2E, markdown_and_code_become_html) {
  ASSERT_EQ(run({"--markdown", "mx"}, std::string("# Up\n\n**ok** <script>x</script>\n")).exit_code, 0);
  ASSERT_EQ(run({"--code=sh", "mx"}, std::string("echo a<b\n")).exit_code, 0);
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_THAT(ev[0].formatted_body, HasSubstr("<h1>Up</h1>"));
  EXPECT_THAT(ev[0].formatted_body, HasSubstr("<strong>ok</strong>"));
  EXPECT_THAT(ev[0].formatted_body, Not(HasSubstr("<script")));
  EXPECT_EQ(ev[1].formatted_body, "<pre><code class=\"language-sh\">echo a&lt;b</code></pre>");
}

TEST_F(MatrixE2E, urgent_mentions_ping_at_urgent_only) {
  path = config(profiles("!ops:fake.test", "urgent_mentions = [\"@room\", \"@alice:fake.test\"]\n"));
  ASSERT_EQ(run({"mx", "--priority", "high", "warm"}).exit_code, 0);
  ASSERT_EQ(run({"mx", "--priority", "urgent", "fire"}).exit_code, 0);
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_FALSE(ev[0].mentions_room);
  EXPECT_TRUE(ev[1].mentions_room);
  EXPECT_EQ(ev[1].mentioned_users, std::vector<std::string>{"@alice:fake.test"});
  EXPECT_EQ(ev[1].body, "@room @alice:fake.test\nfire");
}

TEST_F(MatrixE2E, each_priority_reaches_the_room_as_the_row_says) {
  for (const char* level : {"low", "normal", "high", "urgent"})
    ASSERT_EQ(run({"mx", "--priority", level, level}).exit_code, 0);
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].msgtype, "m.notice");
  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(ev[i].msgtype, "m.text");
  path = config(profiles("!ops:fake.test", "notice = true\n"));
  ASSERT_EQ(run({"mx", "bot"}).exit_code, 0);
  EXPECT_EQ(matrix->messages().back().msgtype, "m.notice");
}

TEST_F(MatrixE2E, an_alias_is_resolved_once_for_a_three_part_message) {
  path = config(profiles("#ops:fake.test"));
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(10000 + i) + " ";
  auto r = run({"-v", "mx"}, text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(matrix->lookups(), 1u);
  EXPECT_THAT(r.err, HasSubstr("mx: lookup answered (HTTP 200)"));
  EXPECT_THAT(r.err, Not(HasSubstr("part 1/1")));
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 3u);
  for (const auto& e : ev) EXPECT_EQ(e.room_id, "!ops:fake.test");
  expect_no_secret(r);
}

TEST_F(MatrixE2E, a_flush_of_a_spooled_message_does_not_resolve_the_alias_again) {
  path = config(profiles("#ops:fake.test"));
  *fail_sends = true;
  auto r = run({"mx", "kept"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(pending(), 1u);
  EXPECT_EQ(matrix->lookups(), 1u);
  *fail_sends = false;
  auto f = run({"flush"});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(matrix->lookups(), 1u);
  ASSERT_EQ(matrix->messages().size(), 1u);
  EXPECT_EQ(matrix->messages()[0].body, "kept");
}

TEST_F(MatrixE2E, an_unknown_alias_is_a_permanent_failure_naming_room) {
  path = config(profiles("#nope:fake.test"));
  auto r = run({"--retries", "3", "mx", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("#nope:fake.test"));
  EXPECT_THAT(r.err, HasSubstr("check room"));
  EXPECT_EQ(matrix->lookups(), 1u) << "a refusal is not retried";
  EXPECT_EQ(failed(), 1u);
  EXPECT_EQ(pending(), 0u);
  EXPECT_TRUE(matrix->events().empty());
}

TEST_F(MatrixE2E, a_lookup_that_meets_5xx_is_retried_then_spooled_and_flushed) {
  path = config(profiles("#ops:fake.test"));
  *fail_lookups = true;
  auto r = run({"--retries", "1", "mx", "later"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(pending(), 1u);
  EXPECT_TRUE(matrix->events().empty());
  *fail_lookups = false;
  auto f = run({"flush"});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(matrix->lookups(), 1u);
  ASSERT_EQ(matrix->messages().size(), 1u);
  EXPECT_EQ(matrix->messages()[0].body, "later");
}

TEST_F(MatrixE2E, a_bad_room_is_a_config_error_naming_both_shapes) {
  path = config(profiles("ops"));
  auto r = run({"mx", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("!id:server"));
  EXPECT_THAT(r.err, HasSubstr("#alias:server"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(MatrixE2E, a_429_honours_retry_after_over_retry_after_ms) {
  server.push_reply(matrix_429(9000, 1));
  auto r = run({"-v", "--retries", "1", "mx", "x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("M_LIMIT_EXCEEDED"));
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  server.push_reply(matrix_429(1200));
  auto ms = run({"-v", "--retries", "1", "mx", "y"});
  ASSERT_EQ(ms.exit_code, 0) << ms.err;
  EXPECT_THAT(ms.err, HasSubstr("server asked 1200 ms"));
  EXPECT_EQ(matrix->messages().size(), 2u);
}

TEST_F(MatrixE2E, refusals_are_dead_letters_with_a_hint_naming_the_key) {
  struct Case {
    std::string profile;
    const char* word;
    const char* hint;
  };
  const Case cases[] = {
      {profiles("!ops:fake.test").replace(profiles().find(token), token.size(), "syt_wrong"),
       "M_UNKNOWN_TOKEN", "access_token"},
      {profiles("!elsewhere:fake.test"), "M_FORBIDDEN", "room"},
  };
  std::size_t dead = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.word);
    path = config(c.profile);
    server.reset();
    auto r = run({"--retries", "2", "mx", "x"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(c.word));
    EXPECT_THAT(r.err, HasSubstr(c.hint));
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_EQ(failed(), ++dead);
    EXPECT_THAT(r.err, Not(HasSubstr("syt_wrong")));
    expect_no_secret(r);
  }
}

TEST_F(MatrixE2E, a_5xx_forever_is_spooled_and_the_flush_is_the_same_transaction) {
  *fail_sends = true;
  auto r = run({"--retries", "1", "--json", "mx", "deploy 42 done"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["spooled"], true);
  EXPECT_EQ(pending(), 1u);
  const auto first = server.requests().at(0).path;
  *fail_sends = false;
  ASSERT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(matrix->messages().size(), 1u);
  EXPECT_EQ(server.requests().back().path, first) << "the resend reuses the transaction id";
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  EXPECT_EQ(matrix->messages().size(), 1u);
}

TEST_F(MatrixE2E, file_is_refused_with_exit_2_before_anything_is_sent) {
  const auto file = home.write_file("report.txt", "numbers\n");
  auto r = run({"mx", "--file", file.string(), "see attached"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("media repository"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(MatrixE2E, dry_run_json_and_list_never_show_the_token) {
  auto d = run({"--dry-run", "mx", "--title", "t", "hello"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("PUT "));
  EXPECT_THAT(d.out, HasSubstr("hello"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(d);
  auto j = run({"--json", "mx", "x"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["delivered"], true);
  expect_no_secret(j);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("!ops:fake.test"));
    expect_no_secret(l);
  }
}

TEST_F(MatrixE2E, setup_writes_a_profile_that_delivers_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "room", "--type", "matrix", "--homeserver", server.base_url(),
                   "--access-token", token, "--room", "#ops:fake.test", "--yes"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"room", "from setup"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(matrix->messages().size(), 1u);
  EXPECT_EQ(matrix->messages()[0].body, "from setup");
  auto listed = in_cfg({"list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("matrix"));
  expect_no_secret(listed);
}

TEST_F(MatrixE2E, edit_replaces_the_text_of_the_first_event) {
  for (const char* text : {"disk 71%", "disk 72%", "disk 90%"})
    ASSERT_EQ(run({"--key", "disk", "--edit", "mx", text}).exit_code, 0);
  const auto originals = matrix->messages();
  ASSERT_EQ(originals.size(), 1u);
  EXPECT_EQ(matrix->current_text(originals[0].event_id), "disk 90%");
  const auto all = matrix->events();
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(all[i].replaces, originals[0].event_id) << "never an edit of an edit";
    EXPECT_THAT(all[i].body, StartsWith("* "));
  }
  // A redacted original: posted anew, and the new one is edited next.
  matrix->redact(originals[0].event_id);
  ASSERT_EQ(run({"--key", "disk", "--edit", "mx", "disk 95%"}).exit_code, 0);
  ASSERT_EQ(matrix->messages().size(), 2u);
  const std::string now = matrix->messages()[1].event_id;
  ASSERT_EQ(run({"--key", "disk", "--edit", "mx", "disk 96%"}).exit_code, 0);
  EXPECT_EQ(matrix->messages().size(), 2u);
  EXPECT_EQ(matrix->current_text(now), "disk 96%");
}

TEST_F(MatrixE2E, reply_answers_the_keys_first_message) {
  for (const char* text : {"deploy started", "deploy 50%", "deploy done"})
    ASSERT_EQ(run({"--key", "deploy", "--reply", "mx", text}).exit_code, 0);
  const auto ev = matrix->messages();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].reply_to, "");
  EXPECT_EQ(ev[1].reply_to, ev[0].event_id);
  EXPECT_EQ(ev[2].reply_to, ev[0].event_id);
}

TEST_F(MatrixE2E, run_live_leaves_one_message_whose_text_is_the_report) {
  path = config(profiles("#ops:fake.test"));
  const auto r = run({"run", "mx", "--live", "--on", "always", "--", "sh", "-c", "echo checked"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto originals = matrix->messages();
  ASSERT_EQ(originals.size(), 1u);
  EXPECT_THAT(originals[0].body, StartsWith("running sh -c"));
  EXPECT_EQ(matrix->events().size(), 2u);
  EXPECT_THAT(matrix->current_text(originals[0].event_id), StartsWith("sh succeeded (exit 0"));
  EXPECT_THAT(matrix->current_text(originals[0].event_id), HasSubstr("checked"));
}

// SIGKILL at a random moment inside a request (the homeserver acted on it
// at once and answers 500 ms later), then `notify flush` until the spool is
// empty: every part of every message is in the room exactly once.
TEST(MatrixKillE2E, a_kill_inside_a_request_loses_nothing_and_duplicates_nothing) {
  constexpr int kTrials = 20;
  constexpr auto kAnswer = std::chrono::milliseconds(500);
  TempDir home{"notify-mx-kill"};
  MatrixOptions mo;
  mo.answer_delay = kAnswer;
  FakeMatrix matrix(mo);
  FakeServer server;
  server.set_handler(matrix.handler());
  const std::string state = (home / "state").string();
  std::mt19937_64 rng(std::random_device{}());
  int lost = 0, duplicates = 0, killed_in_flight = 0, unflushed = 0;
  for (int t = 0; t < kTrials; ++t) {
    const bool alias = t % 2 == 1;
    const auto cfg = home.write_file(
        "profiles.toml",
        "[defaults]\nretries = 2\ntimeout = 5\n\n[profiles.mx]\ntype = \"matrix\"\nhomeserver = \"" +
            server.base_url() + "\"\naccess_token = \"" + mo.token + "\"\nroom = \"" +
            (alias ? "#ops:fake.test" : "!ops:fake.test") + "\"\n",
        0600);
    std::string text;
    const int words = 2500;  // 3 parts of 8000 bytes
    for (int w = 0; w < words; ++w) text += "t" + std::to_string(t) + "w" + std::to_string(10000 + w) + " ";
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state);
    o.stdin_data = text;
    o.timeout = std::chrono::seconds(60);
    const std::size_t before = server.request_count();
    const int requests = alias ? 4 : 3;
    const int nth = std::uniform_int_distribution<int>(1, requests)(rng);
    const auto after = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 600)(rng));
    Child proc = spawn({NOTIFY_BINARY, "-c", cfg.string(), "mx"}, o);
    if (server.wait_for_requests(before + static_cast<std::size_t>(nth), std::chrono::seconds(20))) {
      std::this_thread::sleep_for(after);  // the random moment is the point of the trial
      if (proc.signal(SIGKILL) && after < kAnswer) ++killed_in_flight;
    }
    proc.wait();
    bool clean = false;
    for (int f = 0; f < 4 && !clean; ++f) {
      RunOptions fo;
      fo.isolate(home.path());
      fo.set_env("XDG_STATE_HOME", state);
      fo.timeout = std::chrono::seconds(60);
      clean = run_process({NOTIFY_BINARY, "-c", cfg.string(), "flush"}, fo).exit_code == 0;
    }
    unflushed += clean ? 0 : 1;
    // Each word once in the room, across the trial's events.
    std::string all;
    for (const auto& e : matrix.messages()) all += e.body + "\n";
    for (int w = 0; w < words; w += 50) {
      const std::string word = "t" + std::to_string(t) + "w" + std::to_string(10000 + w);
      const auto first = all.find(word);
      if (first == std::string::npos) {
        ++lost;
        break;
      }
      if (all.find(word, first + 1) != std::string::npos) {
        ++duplicates;
        break;
      }
    }
  }
  std::printf("matrix kill: %d trials, %d killed while a request was unanswered, lost %d, "
              "duplicated %d, unflushed %d, transaction replays %zu, lookups %zu\n",
              kTrials, killed_in_flight, lost, duplicates, unflushed, matrix.replays(),
              matrix.lookups());
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(unflushed, 0);
}

}  // namespace
}  // namespace notify::test
