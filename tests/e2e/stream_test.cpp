// --stream end to end: a shell feeds the real binary lines over time through
// a pipe (or a FIFO it holds open), and the fake Telegram records what
// arrives.

#include <csignal>
#include <regex>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class StreamE2E : public E2E {
 protected:
  FakeServer tg;
  std::string path;

  void SetUp() override {
    tg.set_handler(telegram_handler());
    path = config("[profiles.me]\ntype = \"telegram\"\ntoken = \"" + std::string(kTgToken) +
                  "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() +
                  "\"\nretries = 3\ntimeout = 10\nmax_length = 300\n");
  }

  /// Runs a sh script with $NOTIFY (the binary), $CFG (the profile file)
  /// and $T (a scratch directory) set.
  RunResult shell(const std::string& script) {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("NOTIFY", NOTIFY_BINARY).set_env("CFG", path).set_env("T", home.path().string());
    o.timeout = 60s;
    return run_process({"sh", "-c", script}, o);
  }

  /// Every line every Telegram message carried, in arrival order.
  std::vector<std::string> delivered_lines(std::size_t from = 0) {
    std::vector<std::string> out;
    auto reqs = tg.requests();
    for (std::size_t i = from; i < reqs.size(); ++i)
      for (const auto& text : texts_of(reqs[i])) {
        std::size_t start = 0;
        for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
          out.push_back(text.substr(start, nl - start));
        out.push_back(text.substr(start));
      }
    return out;
  }
};

TEST_F(StreamE2E, lines_arriving_over_time_go_out_in_batches) {
  auto r = shell("{ printf 'one\\ntwo\\n'; sleep 2.5; printf 'three\\nfour\\n'; } | "
                 "\"$NOTIFY\" -c \"$CFG\" --stream=1 me");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(tg.request_count(), 2u) << r.err;
  EXPECT_EQ(texts_of(tg.requests()[0]), std::vector<std::string>{"one\ntwo"});
  EXPECT_EQ(texts_of(tg.requests()[1]), std::vector<std::string>{"three\nfour"});
}

TEST_F(StreamE2E, sigterm_sends_what_has_arrived_including_an_unfinished_line) {
  // The FIFO stays open (fd 3), so only the signal can end the stream; the
  // 60 s interval has not run out when it comes.
  auto r = shell(R"(mkfifo "$T/in"
"$NOTIFY" -c "$CFG" --stream=60 me < "$T/in" & pid=$!
exec 3>"$T/in"
printf 'alpha\nbeta\ngamma-without-newline' >&3
sleep 1
kill -TERM $pid
wait $pid; status=$?
exec 3>&-
exit $status)");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(tg.request_count(), 1u) << r.err;
  EXPECT_EQ(texts_of(tg.requests()[0]),
            std::vector<std::string>{"alpha\nbeta\ngamma-without-newline"});
}

TEST_F(StreamE2E, after_a_signal_the_last_batch_gets_one_attempt_then_the_spool) {
  // The profile allows 3 retries; with SIGKILL a few seconds away they
  // would only risk losing the batch.
  tg.set_handler([](const Recorded&) { return server_error(503); });
  auto r = shell(R"(mkfifo "$T/in"
"$NOTIFY" -c "$CFG" --stream=60 me < "$T/in" & pid=$!
exec 3>"$T/in"
printf 'last words\n' >&3
sleep 1
kill -TERM $pid
wait $pid; status=$?
exec 3>&-
exit $status)");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(tg.request_count(), 1u);
  EXPECT_THAT(r.err, HasSubstr("spool"));
  tg.set_handler(telegram_handler());
  tg.reset();
  auto flushed = notify({"-c", path, "flush"});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_EQ(texts_of(tg.requests()[0]), std::vector<std::string>{"last words"});
}

TEST_F(StreamE2E, a_full_part_goes_out_at_once_not_after_the_interval) {
  // 40 lines of 20 characters are about three 300-character parts. With a
  // 60 s interval, only "part full" can send them while the FIFO is open.
  RunResult r;
  std::thread run([&] {
    r = shell(R"(mkfifo "$T/in"
"$NOTIFY" -c "$CFG" --stream=60 me < "$T/in" & pid=$!
exec 3>"$T/in"
i=10; while [ $i -lt 50 ]; do printf 'line %02d xxxxxxxxxxx\n' $i >&3; i=$((i+1)); done
sleep 6
exec 3>&-
wait $pid)");
  });
  const bool early = tg.wait_for_requests(2, 4500ms);
  run.join();
  EXPECT_TRUE(early) << "parts were not sent while the input was still open";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lines = delivered_lines();
  ASSERT_EQ(lines.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(lines[i].substr(0, 7), "line " + std::to_string(i + 10));
  for (const auto& req : tg.requests())
    EXPECT_LE(utf8_code_points(texts_of(req)[0]), 300u);
}

TEST_F(StreamE2E, a_flood_during_a_rate_limit_is_cut_to_head_gap_note_and_newest_lines) {
  // The first message gets 429 "retry after 2"; meanwhile 5000 lines arrive.
  // Only --max-parts parts may wait, so most are skipped: counted, shown as
  // one note at the gap, and the newest lines kept after it.
  tg.push_reply(telegram_429(2));
  auto r = shell("i=1; while [ $i -le 5000 ]; do echo \"line-$i\"; i=$((i+1)); done | "
                 "\"$NOTIFY\" -c \"$CFG\" --stream=1 --max-parts 2 me");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lines = delivered_lines(1);  // request 0 was refused with 429
  std::size_t shown = 0, skipped = 0, notes = 0;
  long last = 0;
  const std::regex note(R"(\[\.\.\. (\d+) lines? skipped \.\.\.\])");
  for (const auto& l : lines) {
    std::smatch m;
    if (std::regex_match(l, m, note)) {
      ++notes;
      skipped += std::stoul(m[1]);
      continue;
    }
    ASSERT_EQ(l.rfind("line-", 0), 0u) << l;
    const long n = std::stol(l.substr(5));
    EXPECT_GT(n, last) << "lines out of order or repeated";
    last = n;
    ++shown;
  }
  EXPECT_GE(notes, 1u);
  EXPECT_EQ(shown + skipped, 5000u) << "a line was lost without being counted";
  EXPECT_EQ(last, 5000) << "the newest line must survive the flood";
  EXPECT_THAT(r.err, HasSubstr(std::to_string(skipped) + " lines skipped in all"));
}

TEST_F(StreamE2E, a_long_line_is_cut_into_whole_messages_not_skipped) {
  // Longer than a message and arriving while another line waits: cut into
  // pieces of one message each, every byte delivered, nothing skipped.
  const std::string longest(1200, 'x');
  auto r = shell("printf 'first\\n" + longest + "\\nlast\\n' | \"$NOTIFY\" -c \"$CFG\" --stream=1 me");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string xs;
  for (const auto& l : delivered_lines()) {
    EXPECT_EQ(l.find("skipped"), std::string::npos) << l;
    if (l.find('x') != std::string::npos) xs += l;
  }
  EXPECT_EQ(xs, longest);
  auto lines = delivered_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "first");
  EXPECT_EQ(lines.back(), "last");
  for (const auto& req : tg.requests()) {
    EXPECT_LE(utf8_code_points(texts_of(req)[0]), 300u);
    EXPECT_EQ(texts_of(req)[0].find("(1/"), std::string::npos) << "a batch was split into parts";
  }
}

TEST_F(StreamE2E, a_full_batch_in_a_code_block_is_still_one_message) {
  // Discord adds a ``` fence and keeps room for a "(i/n)" marker; a batch
  // must leave room for both, at the real limit as at a small one.
  FakeServer dc;
  dc.set_handler(discord_handler());
  auto cfg = config("[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"" + discord_url(dc) +
                    "\"\nmax_length = 200\n");
  auto r = shell("i=0; while [ $i -lt 40 ]; do echo \"line-$i-xxxxxxxxxxxx\"; i=$((i+1)); done | "
                 "\"$NOTIFY\" -c \"$CFG\" --stream=1 --code dev");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_GE(dc.request_count(), 4u);
  for (const auto& req : dc.requests()) {
    const auto text = texts_of(req)[0];
    EXPECT_LE(utf8_code_points(text), 200u);
    EXPECT_EQ(text.find("(1/"), std::string::npos) << text;
    EXPECT_EQ(text.rfind("```\n", 0), 0u) << text;
  }
}

TEST_F(StreamE2E, sigterm_ends_it_even_when_the_tee_reader_stopped_reading) {
  // stdout is a FIFO that nobody reads: once its buffer is full the --tee
  // copy blocks. SIGTERM must still end notify, with what it read sent.
  auto r = shell(R"(mkfifo "$T/out" "$T/in"
exec 4<>"$T/out"
"$NOTIFY" -c "$CFG" --stream=60 --tee me < "$T/in" > "$T/out" & pid=$!
exec 3>"$T/in"
i=0; while [ $i -lt 4000 ]; do echo "line $i ......................................"; i=$((i+1)); done >&3 &
sleep 2
kill -TERM $pid
i=0; while kill -0 $pid 2>/dev/null; do
  i=$((i+1)); [ $i -gt 50 ] && { echo "still running 5 s after SIGTERM" >&2; kill -KILL $pid; exit 99; }
  sleep 0.1
done
wait $pid; status=$?
exec 3>&-
exit $status)");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--tee: stopped copying at the stop signal"));
  EXPECT_GE(tg.request_count(), 1u);
}

TEST_F(StreamE2E, a_different_second_signal_also_ends_it_at_once) {
  // The last delivery is slow (5 s); a second signal, even another one,
  // must not wait for it.
  tg.set_latency(5000ms);
  auto r = shell(R"(mkfifo "$T/in"
"$NOTIFY" -c "$CFG" --stream=60 me < "$T/in" & pid=$!
exec 3>"$T/in"
printf 'x
' >&3
sleep 1
kill -TERM $pid
sleep 0.5
kill -INT $pid
wait $pid; status=$?
exec 3>&-
exit $status)");
  EXPECT_EQ(r.exit_code, 128 + SIGINT) << r.err;
}

TEST_F(StreamE2E, a_signal_during_a_retry_wait_spools_instead_of_waiting) {
  // Telegram asks for 30 s; SIGTERM after 1 s must not sit that out.
  tg.push_reply(telegram_429(30));
  auto started = std::chrono::steady_clock::now();
  auto r = shell(R"(mkfifo "$T/in"
"$NOTIFY" -c "$CFG" --stream=1 me < "$T/in" & pid=$!
exec 3>"$T/in"
printf 'to be spooled
' >&3
sleep 2
kill -TERM $pid
wait $pid; status=$?
exec 3>&-
exit $status)");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("notify is stopping"));
  tg.reset();
  auto flushed = notify({"-c", path, "flush"});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_EQ(texts_of(tg.requests()[0]), std::vector<std::string>{"to be spooled"});
}

TEST_F(StreamE2E, tee_passes_input_through_as_it_arrives) {
  auto r = shell("printf 'a\\n\\033[31mred\\033[0m\\n' | \"$NOTIFY\" -c \"$CFG\" --stream=1 --tee me");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\n\033[31mred\033[0m\n");
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_EQ(texts_of(tg.requests()[0]), std::vector<std::string>{"a\nred"});
}

TEST_F(StreamE2E, an_undelivered_batch_exits_1_and_is_spooled) {
  tg.set_handler([](const Recorded&) { return telegram_error(400, "Bad Request: chat not found"); });
  auto r = shell("printf 'lost?\\n' | \"$NOTIFY\" -c \"$CFG\" --stream=1 me");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("chat not found"));
  EXPECT_THAT(r.err, HasSubstr("spool"));
}

TEST_F(StreamE2E, usage_errors) {
  auto words = notify({"-c", path, "--stream", "me", "hello"});
  EXPECT_EQ(words.exit_code, 2);
  EXPECT_THAT(words.err, HasSubstr("--stream reads the message from stdin"));
  auto bad = notify({"-c", path, "--stream=0", "me"}, "x\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--stream=0: SECONDS must be"));
  RunOptions o;
  o.isolate(home.path());
  o.stdin_tty = true;
  o.timeout = 10s;
  auto tty = run_process({NOTIFY_BINARY, "-c", path, "--stream", "me"}, o);
  EXPECT_EQ(tty.exit_code, 2);
  EXPECT_THAT(tty.err, HasSubstr("standard input, which is a terminal"));
  EXPECT_EQ(tg.request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
