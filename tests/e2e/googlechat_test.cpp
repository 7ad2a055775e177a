// Google Chat through the real binary against FakeGoogleChat: delivery,
// splitting, mention and markup safety, Google's errors, retries, the
// spool, --reply threads, --file refusal, --dry-run/list masking, setup,
// and kills inside requests (the journalled requestId makes the resend
// return the message already made).

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "e2e.hpp"
#include "support/fake_googlechat.hpp"

namespace notify::test {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

class GoogleChatE2E : public E2E {
 protected:
  FakeServer server;
  FakeGoogleChat chat;
  std::string path;

  void SetUp() override {
    server.set_handler(chat.handler());
    path = config(profiles());
  }
  std::string profiles(const std::string& extra = "") const {
    return "[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.space]\ntype = \"googlechat\"\n"
           "webhook_url = \"" + chat.url(server) + "\"\n" + extra;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
  static void expect_no_secret(const RunResult& r) {
    const GoogleChatOptions o;
    for (const auto* text : {&r.out, &r.err}) {
      EXPECT_THAT(*text, Not(HasSubstr(o.key)));
      EXPECT_THAT(*text, Not(HasSubstr(o.token)));
    }
  }
};

TEST_F(GoogleChatE2E, delivers_with_a_bold_title_and_piped_markup_pings_and_renders_nothing) {
  auto r = run({"space", "--title", "disk"},
               std::string("<users/all> look: *not bold* _nor_ `this` <https://evil.example|bank>\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto shown = chat.messages();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].shown,
            "*disk*\n<users/all> look: *not bold* _nor_ `this` <https://evil.example|bank>");
  EXPECT_THAT(shown[0].mentions, IsEmpty());
  EXPECT_EQ(shown[0].spans, std::vector<std::string>{"*disk*"});
  expect_no_secret(r);
}

TEST_F(GoogleChatE2E, long_input_is_split_within_4096_code_points_in_one_thread_in_full) {
  std::string body;
  for (int i = 0; i < 1200; ++i) body += "line " + std::to_string(i) + " ü😀\n";
  auto r = run({"space"}, body);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto shown = chat.messages();
  ASSERT_GE(shown.size(), 3u);
  std::string joined;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    EXPECT_LE(shown[i].length, 4096u);
    EXPECT_EQ(shown[i].thread, shown[0].thread);
    const auto header = "*(" + std::to_string(i + 1) + "/" + std::to_string(shown.size()) + ")*\n";
    ASSERT_EQ(shown[i].shown.rfind(header, 0), 0u) << shown[i].shown.substr(0, 40);
    joined += shown[i].shown.substr(header.size());
  }
  std::erase(joined, '\n');
  std::erase(body, '\n');
  EXPECT_EQ(joined, body);
}

TEST_F(GoogleChatE2E, urgent_mentions_notify_at_urgent_only) {
  path = config(profiles("urgent_mentions = [\"<users/all>\"]\n"));
  ASSERT_EQ(run({"space", "--priority", "high", "warm"}).exit_code, 0);
  auto r = run({"space", "--priority", "urgent", "on fire"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto shown = chat.messages();
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_THAT(shown[0].mentions, IsEmpty());
  EXPECT_EQ(shown[1].mentions, std::vector<std::string>{"<users/all>"});
  EXPECT_EQ(shown[1].shown, "<users/all>\non fire");
}

TEST_F(GoogleChatE2E, every_level_goes_as_normal_with_no_switch_of_its_own) {
  for (const char* level : {"low", "normal", "high", "urgent"}) {
    auto r = run({"space", "--priority", level, "level check"});
    EXPECT_EQ(r.exit_code, 0) << level << r.err;
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& req : requests) {
    const auto j = nlohmann::json::parse(req.body);
    EXPECT_EQ(j["text"], "level check");
    EXPECT_EQ(j.size(), 2u) << req.body;  // text and thread, nothing louder or quieter
  }
}

TEST_F(GoogleChatE2E, a_429_with_retry_after_is_honoured_then_delivered_once) {
  server.push_reply(googlechat_429(1));
  auto r = run({"-v", "--retries", "1", "space", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("space: part 1: HTTP 429"));
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(chat.messages().size(), 1u);
  expect_no_secret(r);
}

TEST_F(GoogleChatE2E, refusals_are_dead_letters_with_googles_words_and_a_hint_naming_webhook_url) {
  std::size_t dead = 0;
  for (const auto& [status, word] : {std::pair{400, "INVALID_ARGUMENT"}, std::pair{403, "PERMISSION_DENIED"},
                                     std::pair{404, "NOT_FOUND"}}) {
    SCOPED_TRACE(word);
    server.reset();
    server.push_reply(googlechat_error(status, word, "Something is wrong."));
    auto r = run({"--retries", "2", "space", "x"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr(std::string(word) + ": Something is wrong."));
    EXPECT_THAT(r.err, HasSubstr("webhook_url"));
    EXPECT_EQ(server.request_count(), 1u) << "a refusal is not retried";
    EXPECT_EQ(failed(), ++dead);
    expect_no_secret(r);
  }
  // The fake's own refusal of a wrong token, end to end.
  server.reset();
  const GoogleChatOptions o;
  std::string wrong = chat.url(server);
  wrong.replace(wrong.find(o.token), o.token.size(), "wrongTOKEN0123456789");
  path = config("[profiles.space]\ntype = \"googlechat\"\nretries = 0\nwebhook_url = \"" + wrong + "\"\n");
  auto r = run({"space", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(r.err, Not(HasSubstr("wrongTOKEN")));
}

TEST_F(GoogleChatE2E, a_5xx_forever_is_spooled_and_a_later_flush_delivers_it_once) {
  server.set_handler([](const Recorded&) { return googlechat_error(503, "UNAVAILABLE", "try later"); });
  auto r = run({"--retries", "1", "--json", "space", "deploy 42 done"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(nlohmann::json::parse(r.out)["spooled"], true);
  EXPECT_EQ(pending(), 1u);
  expect_no_secret(r);
  server.set_handler(chat.handler());
  EXPECT_EQ(run({"flush"}).exit_code, 0);
  ASSERT_EQ(chat.messages().size(), 1u);
  EXPECT_EQ(chat.messages()[0].shown, "deploy 42 done");
  EXPECT_EQ(pending(), 0u);
}

TEST_F(GoogleChatE2E, reply_puts_the_keys_later_messages_in_the_first_ones_thread) {
  for (const char* text : {"backup failed", "backup failed again", "backup failed thrice"}) {
    auto r = run({"--key", "backup", "--reply", "space", text});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ(run({"space", "unrelated"}).exit_code, 0);
  const auto shown = chat.messages();
  ASSERT_EQ(shown.size(), 4u);
  EXPECT_FALSE(shown[0].reply);
  EXPECT_TRUE(shown[1].reply);
  EXPECT_TRUE(shown[2].reply);
  EXPECT_EQ(shown[1].thread, shown[0].thread);
  EXPECT_EQ(shown[2].thread, shown[0].thread);
  EXPECT_NE(shown[3].thread, shown[0].thread);
}

TEST_F(GoogleChatE2E, file_is_refused_with_exit_2_before_anything_is_sent) {
  const auto file = home.write_file("report.txt", "numbers\n");
  auto r = run({"space", "--file", file.string(), "see attached"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot upload files"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GoogleChatE2E, dry_run_and_list_never_show_the_key_or_token) {
  auto r = run({"--dry-run", "space", "--title", "t", "hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("POST " + server.base_url() + "/v1/spaces/AAAAfakespace/messages?key=***&token=***"));
  EXPECT_THAT(r.out, HasSubstr("hello"));
  EXPECT_EQ(server.request_count(), 0u);
  expect_no_secret(r);
  for (std::vector<std::string> args : {std::vector<std::string>{"list"}, {"list", "--json"}}) {
    auto l = run(args);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_THAT(l.out, HasSubstr("googlechat"));
    EXPECT_THAT(l.out, HasSubstr("AAAAfakespace"));
    expect_no_secret(l);
  }
}

TEST_F(GoogleChatE2E, setup_writes_a_profile_that_delivers_and_lists_masked) {
  const auto xdg = (home / "cfg").string();
  auto in_cfg = [&](std::vector<std::string> args) {
    return notify(args, std::nullopt, {{"XDG_CONFIG_HOME", xdg}, {"XDG_STATE_HOME", state()}});
  };
  auto s = in_cfg({"setup", "chat", "--type", "googlechat", "--webhook-url", chat.url(server), "--yes"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = in_cfg({"chat", "from setup"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(chat.messages().size(), 1u);
  EXPECT_EQ(chat.messages()[0].shown, "from setup");
  auto listed = in_cfg({"list"});
  EXPECT_THAT(listed.out, HasSubstr("chat"));
  expect_no_secret(listed);
  auto bad = in_cfg({"setup", "other", "--type", "googlechat", "--webhook-url",
                     server.base_url() + "/v1/spaces/X/messages?key=k", "--yes"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("token"));
}

// --- kills inside requests ----------------------------------------------------

constexpr int kChatKillTrials = 20;
constexpr std::chrono::milliseconds kChatAnswerAfter{500};
constexpr int kChatMaxKillMs = 700;  // past the first answer: some kills land in part 2

TEST_F(GoogleChatE2E, sigkill_inside_requests_then_flush_loses_nothing_and_duplicates_nothing) {
  GoogleChatOptions o;
  o.answer_after = kChatAnswerAfter;
  FakeGoogleChat slow(o);
  const Handler handle = slow.handler();
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::string, std::chrono::steady_clock::time_point> first;  // marker -> acted
  server.set_handler([&](const Recorded& r) {
    Reply reply = handle(r);  // the fake has acted on it; its answer waits
    const auto at = r.body.find("trial-");
    if (at != std::string::npos) {
      std::lock_guard lock(mutex);
      first.emplace(r.body.substr(at, r.body.find(' ', at) - at), std::chrono::steady_clock::now());
      cv.notify_all();
    }
    return reply;
  });
  path = config("[profiles.space]\ntype = \"googlechat\"\nretries = 2\ntimeout = 5\nwebhook_url = \"" +
                slow.url(server) + "\"\n");
  std::mt19937 rng(std::random_device{}());
  int interrupted = 0, lost = 0, duplicates = 0, unflushed = 0;
  std::size_t expected_messages = 0;
  for (int t = 0; t < kChatKillTrials; ++t) {
    const std::string marker = "trial-" + std::to_string(t);
    std::string body;  // two parts, every line naming the trial
    for (int i = 0; i < 300; ++i) body += marker + " line " + std::to_string(i) + "\n";
    RunOptions ro;
    ro.isolate(home.path());
    ro.set_env("XDG_STATE_HOME", state());
    ro.stdin_data = body;
    Child proc = spawn({NOTIFY_BINARY, "-c", path, "space"}, ro);
    std::chrono::steady_clock::time_point acted;
    {
      std::unique_lock lock(mutex);
      ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return first.count(marker) > 0; }));
      acted = first[marker];
    }
    // The random moment is the point of the trial, not a synchronisation.
    std::this_thread::sleep_until(acted + std::chrono::milliseconds(
                                              std::uniform_int_distribution<int>(0, kChatMaxKillMs)(rng)));
    interrupted += proc.signal(SIGKILL) ? 1 : 0;
    proc.wait();
    bool clean = false;
    for (int f = 0; f < 4 && !clean; ++f) clean = run({"flush"}).exit_code == 0;
    unflushed += clean ? 0 : 1;
    // What the space shows of this trial: each line once, in two messages.
    std::string joined;
    std::size_t messages = 0;
    for (const auto& m : slow.messages())
      if (m.shown.find(marker + " ") != std::string::npos) {
        ++messages;
        joined += m.shown.substr(m.shown.find('\n') + 1) + "\n";
      }
    expected_messages += 2;
    std::erase(joined, '\n');
    std::string compact = body;
    std::erase(compact, '\n');
    const bool complete = joined == compact;
    lost += complete || messages > 2 ? 0 : 1;
    duplicates += messages > 2 ? 1 : 0;
    EXPECT_TRUE(complete) << marker << " arrived as " << messages << " messages";
  }
  std::printf("[ chatkill ] trials %d, killed mid-send %d, lost %d, duplicates %d, unflushed %d, "
              "resends answered by requestId %zu\n",
              kChatKillTrials, interrupted, lost, duplicates, unflushed, slow.repeats());
  RecordProperty("googlechat_kill_repeats", static_cast<int>(slow.repeats()));
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(unflushed, 0);
  EXPECT_EQ(slow.messages().size(), expected_messages);
  EXPECT_GT(interrupted, kChatKillTrials / 2) << "the kills must land while notify runs";
}

}  // namespace
}  // namespace notify::test
