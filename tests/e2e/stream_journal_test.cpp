// --stream keeps what it read (PRODUCT.md, third edition): every line read
// is in the journal at most about a second later, also while a delivery
// waits out a long Retry-After, so a SIGKILL loses at most the last second
// of input and a flush afterwards delivers every line once, in order.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class StreamJournalE2E : public E2E {
 protected:
  FakeServer tg;
  std::string path;
  std::string fifo;
  int writer = -1;

  void SetUp() override {
    tg.set_handler(telegram_handler());
    path = config("[profiles.me]\ntype = \"telegram\"\ntoken = \"" + std::string(kTgToken) +
                  "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() +
                  "\"\nretries = 3\ntimeout = 10\n");
    fifo = (home.path() / "in").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  }
  void TearDown() override {
    if (writer >= 0) ::close(writer);
  }

  RunOptions options() const {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.timeout = 60s;
    return o;
  }

  // notify --stream reading the FIFO, which this test writes.
  Child start(const std::string& interval) {
    auto o = options();
    o.set_env("STREAM_IN", fifo);
    auto child = spawn({"sh", "-c", "exec \"$0\" \"$@\" < \"$STREAM_IN\"", NOTIFY_BINARY, "-c",
                        path, "--stream=" + interval, "me"},
                       o);
    // Open for writing once notify has it open for reading (ENXIO until
    // then), so that closing it is an EOF notify sees; never block here.
    const auto from = std::chrono::steady_clock::now();
    while ((writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0 &&
           errno == ENXIO && std::chrono::steady_clock::now() - from < 20s)
      std::this_thread::sleep_for(10ms);
    if (writer >= 0) ::fcntl(writer, F_SETFL, 0);
    EXPECT_GE(writer, 0);
    return child;
  }
  void write_lines(const std::string& text) {
    ASSERT_EQ(::write(writer, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // True once some spool file holds `text` (the journal has it).
  bool spooled(const std::string& text) const {
    if (!fs::exists(spool_dir())) return false;
    for (const auto& e : fs::directory_iterator(spool_dir())) {
      if (e.path().extension() != ".msg") continue;
      std::ifstream f(e.path());
      std::stringstream ss;
      ss << f.rdbuf();
      if (ss.str().find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::chrono::steady_clock::duration until_spooled(const std::string& text) const {
    const auto from = std::chrono::steady_clock::now();
    while (!spooled(text) && std::chrono::steady_clock::now() - from < 10s)
      std::this_thread::sleep_for(20ms);
    return std::chrono::steady_clock::now() - from;
  }

  std::vector<std::string> delivered_lines(std::size_t from) {
    std::vector<std::string> out;
    auto reqs = tg.requests();
    for (std::size_t i = from; i < reqs.size(); ++i)
      for (const auto& text : texts_of(reqs[i])) {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) out.push_back(line);
      }
    return out;
  }
};

TEST_F(StreamJournalE2E, sigkill_during_a_long_retry_after_loses_no_line_older_than_a_second) {
  tg.push_reply(telegram_429(20));
  auto child = start("1");
  write_lines("first\n");
  // The first batch is out and told to wait 20 s.
  ASSERT_TRUE(tg.wait_for_requests(1, 20s));
  std::string burst;
  std::vector<std::string> expected = {"first"};
  for (int i = 0; i < 80; ++i) {
    expected.push_back("line " + std::to_string(i));
    burst += expected.back() + "\n";
  }
  write_lines(burst);
  const auto lag = until_spooled("line 79");
  EXPECT_LT(lag, 2s) << "the journal lagged the input by more than about a second";
  ASSERT_TRUE(spooled("line 79"));
  child.signal(SIGKILL);
  child.wait();

  auto f = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(delivered_lines(1), expected) << "lost, repeated or out of order";
  EXPECT_EQ(pending(), 0u);
}

TEST_F(StreamJournalE2E, a_normal_end_leaves_no_buffer_behind) {
  auto child = start("1");
  write_lines("one\ntwo\n");
  ::close(writer);
  writer = -1;
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(delivered_lines(0), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(pending(), 0u);
  auto list = notify({"spool", "list"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_THAT(list.err, ::testing::HasSubstr("the spool is empty"));
}

TEST_F(StreamJournalE2E, a_running_stream_does_not_hold_back_a_flush) {
  // A spooled message of the same target waits behind nothing: the live
  // stream's buffer is not a message yet.
  tg.push_reply(server_error(503));
  auto kept = notify({"-c", path, "--retries", "0", "me", "spooled earlier"}, std::nullopt,
                     {{"XDG_STATE_HOME", state()}});
  ASSERT_EQ(kept.exit_code, 1);
  auto child = start("60");
  write_lines("streaming\n");
  EXPECT_LT(until_spooled("streaming"), 2s);
  const auto before = tg.request_count();
  auto f = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(tg.request_count(), before + 1);
  EXPECT_EQ(texts_of(tg.requests().back()), std::vector<std::string>{"spooled earlier"});
  ::close(writer);
  writer = -1;
  EXPECT_EQ(child.wait().exit_code, 0);
  EXPECT_EQ(delivered_lines(before + 1), std::vector<std::string>{"streaming"});
}

}  // namespace
}  // namespace notify::test
