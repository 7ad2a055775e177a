// --stream in-process: a scripted input, a scripted HTTP client, the real
// spool in a temp directory, and a clock that moves only when the test (or
// a retry wait) moves it. The stream runs on a thread of the test's; the
// test feeds it and waits for its events, never for time.

#include "app/stream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "services/registry.hpp"
#include "spool/spool.hpp"
#include "support/fake_stream_input.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* kStreamConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"

[profiles.tiny]
type = "mattermost"
webhook_url = "https://mm.example/hooks/tinytiny"
max_length = 64
max_parts = 4

[profiles.patient]
type = "mattermost"
webhook_url = "https://mm.example/hooks/patient"
retries = 3
)";

struct Batch {
  std::string text;
  std::chrono::milliseconds at;  ///< the fake clock when it was sent
  SendResult result;
};

class StreamTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-stream"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  test::FakeStreamInput input{clock};
  Masker masker;
  std::atomic<bool> stop_requested{false};
  config::Config cfg = *config::parse_config(kStreamConfig, "test.toml", services::catalog());

  std::mutex mu;  // guards what the stream's thread reports
  std::condition_variable changed;
  std::vector<Batch> batches;
  std::vector<std::pair<Level, std::string>> said;
  std::vector<std::string> tee_failures;

  std::optional<StreamResult> result;
  std::thread running;

  ~StreamTest() override {
    // A test that failed half-way must not leave the stream waiting.
    if (!running.joinable()) return;
    clock.jump_to_deadlines(true);
    input.end();
    running.join();
  }

  World world() {
    World w;
    w.http = &http;
    w.spool_dir = (tmp.path() / "spool").string();
    w.clock = &clock;
    w.random = &random;
    w.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    w.read_file = [](const std::string&) -> Result<std::string> {
      return make_error(ErrorKind::io, "no files here");
    };
    w.masker = &masker;
    w.stop.requested = [this] { return stop_requested.load(); };
    w.say = [this](Level l, const std::string& t) {
      std::lock_guard g(mu);
      said.emplace_back(l, t);
    };
    return w;
  }

  StreamRequest request(std::vector<std::string> targets = {"ops"}) {
    StreamRequest r;
    r.targets = std::move(targets);
    r.interval = 5s;
    r.input = &input;
    r.batch_sent = [this](const SendResult& sent, const Draft& d) {
      std::lock_guard g(mu);
      batches.push_back({d.body, clock.elapsed(), sent});
      changed.notify_all();
    };
    r.tee_failed = [this](const std::string& why) {
      std::lock_guard g(mu);
      tee_failures.push_back(why + " at " + std::to_string(clock.elapsed().count()) + " ms");
      changed.notify_all();
    };
    r.stop_cause = [] { return std::string("Terminated"); };
    return r;
  }

  void start(StreamRequest r) {
    running = std::thread([this, r = std::move(r)] {
      auto w = world();
      auto out = app::stream(cfg, r, w);
      std::lock_guard g(mu);
      result = out;
      changed.notify_all();
    });
  }
  /// Waits until n batches have gone out.
  void wait_batches(std::size_t n) {
    std::unique_lock lk(mu);
    changed.wait(lk, [&] { return batches.size() >= n || result.has_value(); });
  }
  /// Lets the stream end: the input ends, and the waits for the pace
  /// between messages pass by themselves. What was fed is read first, so
  /// no deadline passes between two chunks the test gave together.
  StreamResult finish() {
    input.wait_idle();
    clock.jump_to_deadlines(true);
    input.end();
    running.join();
    return *result;
  }
  std::vector<std::string> texts() {
    std::lock_guard g(mu);
    std::vector<std::string> out;
    for (const auto& b : batches) out.push_back(b.text);
    return out;
  }
  bool said_that(Level level, const std::string& part) {
    std::lock_guard g(mu);
    for (const auto& [l, t] : said)
      if (l == level && t.find(part) != std::string::npos) return true;
    return false;
  }
  /// What the stream's buffer in the spool holds now ("" when there is none).
  std::string journalled() const {
    for (const auto& e : spool::Spool((tmp.path() / "spool").string()).list().pending)
      if (e.record.stream_open) return e.record.message.body;
    return "";
  }
  std::size_t spooled() const {
    return spool::Spool((tmp.path() / "spool").string()).list().pending.size();
  }
};

TEST_F(StreamTest, lines_go_out_an_interval_after_the_first_of_their_batch) {
  start(request());
  input.feed("one\ntwo\n");
  input.wait_idle();
  clock.advance(4999ms);
  input.feed("three\n");
  input.wait_idle();
  clock.advance(1ms);
  wait_batches(1);
  {
    std::lock_guard g(mu);
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0].text, "one\ntwo\nthree");
    EXPECT_EQ(batches[0].at, 5000ms);
  }
  input.feed("four\n");
  input.wait_idle();
  clock.advance(5000ms);
  wait_batches(2);
  auto r = finish();
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.batches, 2u);
  EXPECT_EQ(texts(), (std::vector<std::string>{"one\ntwo\nthree", "four"}));
  EXPECT_EQ(batches[1].at, 10000ms);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(http.sent[1].body)["text"], "four");
  EXPECT_EQ(spooled(), 0u) << "a normal end leaves no buffer behind";
}

TEST_F(StreamTest, a_full_part_goes_out_at_once_and_the_rest_a_second_later) {
  start(request({"tiny"}));
  std::string lines;
  for (int i = 0; i < 8; ++i) lines += "line number " + std::to_string(i) + "\n";
  input.feed(lines);
  wait_batches(1);
  {
    std::lock_guard g(mu);
    EXPECT_EQ(batches[0].at, 0ms) << "a full part waits for no interval";
    EXPECT_THAT(batches[0].text, StartsWith("line number 0\nline number 1\n"));
    EXPECT_LE(batches[0].text.size(), 64u);
  }
  auto r = finish();
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.skipped, 0u);
  std::string all;
  for (const auto& t : texts()) all += t + "\n";
  EXPECT_EQ(all, lines);
  // Never two messages within the second between them.
  for (std::size_t i = 1; i < batches.size(); ++i)
    EXPECT_GE(batches[i].at - batches[i - 1].at, 1000ms);
}

TEST_F(StreamTest, lines_read_during_a_retry_wait_are_journalled_within_a_second) {
  int calls = 0;
  std::string journalled_during_the_wait;
  std::chrono::milliseconds fed_at{-1};
  http.respond = [&](const HttpRequest&) {
    if (++calls == 1) {
      HttpResponse busy = test::status_reply(429);
      busy.headers.push_back({"retry-after", "30"});
      return busy;
    }
    if (calls == 2) {
      // The retry, 30 s on: the reader has had the lines since the wait began.
      input.wait_idle();
      journalled_during_the_wait = journalled();
    }
    return test::status_reply(200);
  };
  http.on_poll = [&] {
    // The first poll with nothing in flight is the wait for Retry-After.
    if (http.in_flight() > 0 || fed_at.count() >= 0) return;
    input.feed("during 1\nduring 2\n");
    input.wait_idle();
    fed_at = clock.elapsed();
  };
  start(request({"patient"}));
  input.feed("first\n");
  input.wait_idle();
  clock.advance(5s);
  wait_batches(1);
  EXPECT_EQ(fed_at, 5000ms);
  EXPECT_EQ(journalled_during_the_wait, "during 1\nduring 2");
  {
    std::lock_guard g(mu);
    EXPECT_EQ(batches[0].text, "first");
    EXPECT_EQ(batches[0].result.exit_status, 0);
    EXPECT_GE(batches[0].at, 35000ms);
  }
  auto r = finish();
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(texts(), (std::vector<std::string>{"first", "during 1\nduring 2"}));
}

TEST_F(StreamTest, a_stop_sends_what_has_arrived_at_once_in_one_attempt_and_spools_a_failure) {
  http.respond = [](const HttpRequest&) { return test::status_reply(503); };
  start(request({"patient"}));
  input.feed("a\nb\nunfinished");
  input.wait_idle();
  stop_requested = true;
  input.stop();
  running.join();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->exit_status, 1);
  EXPECT_EQ(texts(), std::vector<std::string>{"a\nb\nunfinished"});
  EXPECT_EQ(batches[0].at, 0ms) << "no interval is waited out after a stop";
  EXPECT_EQ(http.sent.size(), 1u) << "retries = 3, but one attempt after a stop";
  ASSERT_EQ(batches[0].result.outcomes.size(), 1u);
  EXPECT_TRUE(batches[0].result.outcomes[0].spooled);
  EXPECT_TRUE(said_that(Level::verbose, "stream: Terminated: sending what has arrived, once"));
  EXPECT_TRUE(said_that(Level::warning, "--tee: stopped copying at the stop signal"));
  EXPECT_EQ(journalled(), "") << "the buffer is closed; the batch has its own journal";
  EXPECT_EQ(spooled(), 1u);
}

TEST_F(StreamTest, a_flood_keeps_the_head_a_skip_note_and_the_newest_lines) {
  start(request({"tiny"}));
  std::string flood;
  for (int i = 0; i < 40; ++i) flood += "flood " + std::to_string(i) + "\n";
  input.feed(flood);
  input.wait_idle();
  auto r = finish();
  EXPECT_GT(r.skipped, 0u);
  const auto all = texts();
  ASSERT_GE(all.size(), 2u);
  EXPECT_THAT(all.front(), StartsWith("flood 0\n"));
  EXPECT_THAT(all.back(), HasSubstr("flood 39"));
  std::string joined;
  for (const auto& t : all) joined += t + "\n";
  EXPECT_THAT(joined, HasSubstr("[... " + std::to_string(r.skipped) + " lines skipped ...]"));
  EXPECT_TRUE(said_that(Level::warning, std::to_string(r.skipped) + " lines skipped in all"));
  // Every line is either sent or counted.
  std::size_t sent_lines = 0;
  for (int i = 0; i < 40; ++i)
    sent_lines += joined.find("flood " + std::to_string(i) + "\n") != std::string::npos;
  EXPECT_EQ(sent_lines + r.skipped, 40u);
}

TEST_F(StreamTest, a_tee_failure_is_said_at_once_and_the_stream_goes_on_to_exit_1) {
  start(request());
  input.feed_tee_failing("x\n", "No space left on device");
  {
    // Said before any batch is due: a stream may run for days.
    std::unique_lock lk(mu);
    changed.wait(lk, [&] { return !tee_failures.empty(); });
    EXPECT_EQ(tee_failures, std::vector<std::string>{"No space left on device at 0 ms"});
    EXPECT_TRUE(batches.empty());
  }
  input.feed("y\n");
  auto r = finish();
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(texts(), std::vector<std::string>{"x\ny"});
  EXPECT_EQ(tee_failures.size(), 1u);
}

TEST_F(StreamTest, a_read_error_sends_what_came_before_and_exits_1) {
  start(request());
  input.feed("before\n");
  input.fail("reading standard input: Input/output error");
  running.join();
  EXPECT_EQ(result->exit_status, 1);
  EXPECT_EQ(texts(), std::vector<std::string>{"before"});
  EXPECT_TRUE(said_that(Level::error, "reading standard input: Input/output error"));
}

TEST_F(StreamTest, an_empty_stream_sends_nothing_and_says_so) {
  start(request());
  auto r = finish();
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.batches, 0u);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_TRUE(said_that(Level::info, "nothing to send: the stream was empty"));
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(StreamTest, an_undelivered_batch_is_spooled_and_the_stream_exits_1) {
  http.respond = [](const HttpRequest&) { return test::status_reply(400); };
  start(request());
  input.feed("lost?\n");
  auto r = finish();
  EXPECT_EQ(r.exit_status, 1);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].result.exit_status, 1);
  EXPECT_EQ(spool::Spool((tmp.path() / "spool").string()).list().failed.size(), 1u);
}

TEST_F(StreamTest, a_long_line_is_cut_into_whole_messages) {
  start(request({"tiny"}));
  input.feed(std::string(150, 'x') + "\n");
  auto r = finish();
  EXPECT_EQ(r.skipped, 0u);
  std::string all;
  for (const auto& t : texts()) {
    EXPECT_LE(t.size(), 64u);
    all += t;
  }
  EXPECT_EQ(all, std::string(150, 'x'));
}

TEST_F(StreamTest, an_exception_while_sending_ends_the_reading_thread_too) {
  // Given before the stream starts: the first part is full at once.
  std::string lines;
  for (int i = 0; i < 8; ++i) lines += "line number " + std::to_string(i) + "\n";
  input.feed(lines);
  auto r = request({"tiny"});
  r.batch_sent = [](const SendResult&, const Draft&) { throw std::runtime_error("printing failed"); };
  auto w = world();
  // The input never ends: only abandon() can end the reading thread.
  EXPECT_THROW(app::stream(cfg, r, w), std::runtime_error);
  EXPECT_TRUE(input.abandoned());
}

TEST_F(StreamTest, a_dry_run_keeps_no_buffer_and_sends_nothing) {
  auto r = request();
  r.send.dry_run = true;
  start(std::move(r));
  input.feed("dry\n");
  input.wait_idle();
  EXPECT_EQ(journalled(), "");
  EXPECT_EQ(spooled(), 0u);
  auto out = finish();
  EXPECT_EQ(out.batches, 1u);
  EXPECT_TRUE(http.sent.empty());
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].result.dry_run.size(), 1u);
}

}  // namespace
}  // namespace notify::app
