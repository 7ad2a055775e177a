// From the first moment (PRODUCT.md, third edition, "Every path keeps its
// word"): a closed standard stream behaves as /dev/null would, and a stop
// signal while the profile file is still being read ends notify at once
// with one line saying so, never silently, never by the signal.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::seconds;

class StartE2E : public FourServicesE2E {
 protected:
  RunOptions options() const {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.timeout = seconds(20);
    return o;
  }
  RunResult run(std::vector<std::string> args, RunOptions o) {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", path});
    return run_process(args, o);
  }
};

// `notify ops <&-`: before, notify's own wake-up pipe landed on fd 0 and it
// waited on itself for ever.
TEST_F(StartE2E, a_closed_stdin_reads_as_dev_null) {
  auto o = options();
  const auto null = run({"ops"}, o);
  o.closed_fds = {0};
  const auto closed = run({"ops"}, o);
  ASSERT_FALSE(closed.timed_out) << "hung on a closed stdin";
  EXPECT_EQ(closed.exit_code, null.exit_code) << closed.err;
  EXPECT_EQ(closed.err, null.err);
  EXPECT_EQ(mm.request_count(), 0u);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(StartE2E, a_closed_stdout_is_written_to_as_dev_null) {
  auto o = options();
  o.closed_fds = {1};
  const auto r = run({"--json", "ops", "to a closed stdout"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"to a closed stdout"});
  EXPECT_EQ(pending(), 0u);
}

// With fd 2 closed, a journal or a socket opened there would receive the
// error messages: the spooled message must come back intact.
TEST_F(StartE2E, a_closed_stderr_keeps_the_spool_intact) {
  mm.push_reply(server_error(503));
  auto o = options();
  o.closed_fds = {2};
  const auto r = run({"--retries", "0", "ops", "kept whole"}, o);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(pending(), 1u);
  const auto f = run({"flush"}, options());
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(texts_of(mm.requests()[1]), std::vector<std::string>{"kept whole"});
}

TEST_F(StartE2E, all_three_closed_still_deliver) {
  auto o = options();
  o.closed_fds = {0, 1, 2};
  const auto r = run({"ops", "nothing open"}, o);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(mm.request_count(), 1u);
}

// `notify -c <(decrypt profiles.toml.gpg) ops`: the profile file is a pipe
// whose writer has not finished when the stop comes.
class StopWhileReadingProfilesE2E : public StartE2E {
 protected:
  std::string fifo;
  void SetUp() override {
    StartE2E::SetUp();
    fifo = (home.path() / "profiles.fifo").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  }
  // Starts notify on the FIFO, writes half a profile file, then stops it.
  RunResult stopped(std::vector<std::string> args, std::optional<std::string> input, int sig) {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", fifo});
    auto o = options();
    o.stdin_data = std::move(input);
    auto child = spawn(args, o);
    // Opening for writing returns once notify has opened it to read: main
    // has begun, and the file is being read.
    const int w = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    EXPECT_GE(w, 0);
    const std::string half = "[profiles.ops]\ntype = \"mattermost\"\n";
    EXPECT_EQ(::write(w, half.data(), half.size()), static_cast<ssize_t>(half.size()));
    const auto at = std::chrono::steady_clock::now();
    child.signal(sig);
    auto r = child.wait();
    took = std::chrono::steady_clock::now() - at;
    ::close(w);
    return r;
  }
  std::chrono::steady_clock::duration took{};
};

TEST_F(StopWhileReadingProfilesE2E, says_nothing_was_sent_within_two_seconds) {
  const auto r = stopped({"ops", "hello"}, std::nullopt, SIGTERM);
  EXPECT_EQ(r.signal, 0) << "ended by the signal, silently";
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(took, seconds(2));
  EXPECT_EQ(r.err, "notify: stopped by SIGTERM while reading the profile file: nothing was sent\n");
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(StopWhileReadingProfilesE2E, passes_on_what_stdin_held) {
  const auto r = stopped({"ops"}, "disk 91%\n/var full\n", SIGINT);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(took, seconds(2));
  EXPECT_THAT(r.err, HasSubstr("stopped by SIGINT while reading the profile file"));
  EXPECT_THAT(r.err, HasSubstr("disk 91%\n/var full"));
}

TEST_F(StopWhileReadingProfilesE2E, run_does_not_start_the_command) {
  const auto marker = (home.path() / "ran").string();
  const auto r = stopped({"run", "ops", "--", "touch", marker}, std::nullopt, SIGTERM);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_THAT(r.err, HasSubstr("stopped by SIGTERM"));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the command was started after the stop";
}

}  // namespace
}  // namespace notify::test
