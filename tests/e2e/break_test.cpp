// Attacks on durable delivery through the real binary: each test is a way a
// user's machine can lose or duplicate a message that the journal was meant
// to keep exactly once. Every test here failed when it was written.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class BreakE2E : public E2E {
 protected:
  FakeServer mm, tg;
  std::string path;

  // ops splits a message into one part per line below (max_length 64).
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    path = config("[defaults]\nretries = 1\ntimeout = 5\n\n"
                  "[profiles.ops]\ntype = \"mattermost\"\nmax_length = 64\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\n\n[profiles.me]\ntype = \"telegram\"\ntoken = \"" +
                  kTgToken + "\"\nchat_id = 111111111\napi_base = \"" + tg.base_url() + "\"\n");
  }


  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", path});
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.stdin_data = std::move(input);
    o.timeout = std::chrono::seconds(60);
    return run_process(args, o);
  }

  // How many requests mattermost received whose text contains `needle`.
  std::size_t mm_texts_with(const std::string& needle) const {
    std::size_t n = 0;
    for (const auto& r : mm.requests())
      for (const auto& t : texts_of(r)) n += t.find(needle) != std::string::npos;
    return n;
  }

  // Rewrites the record of the only pending message (the journal's second
  // line: the first is its head).
  void edit_pending_header(const std::function<void(nlohmann::json&)>& edit) {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(spool_dir()))
      if (e.path().extension() == ".msg") files.push_back(e.path());
    ASSERT_EQ(files.size(), 1u);
    std::ifstream in(files[0]);
    std::string head, record, rest, line;
    std::getline(in, head);
    std::getline(in, record);
    while (std::getline(in, line)) rest += line + "\n";
    in.close();
    auto j = nlohmann::json::parse(record);
    edit(j);
    std::ofstream out(files[0], std::ios::trunc);
    out << head << "\n" << j.dump() << "\n" << rest;
  }

  static Reply ok() { return text_reply(200, "ok"); }
};

// Answers every request with "200 OK" and its headers, then never sends
// the body it announced: the server took the message, the reply stalls.
class StallingServer {
 public:
  StallingServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("StallingServer: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StallingServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
    for (int c : clients_) ::close(c);
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      clients_.push_back(c);
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        const auto end = in.find("\r\n\r\n");
        if (need == std::string::npos && end != std::string::npos) {
          std::size_t body = 0;
          const auto cl = in.find("ontent-Length: ");
          if (cl != std::string::npos && cl < end) body = std::stoul(in.substr(cl + 15));
          need = end + 4 + body;
        }
      }
      ++requests_;
      const std::string head =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nok";
      (void)!::write(c, head.data(), head.size());
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

const std::string kA(30, 'A'), kB(30, 'B'), kC(30, 'C');
const std::string kThreeParts = kA + "\n" + kB + "\n" + kC + "\n";

// A message that waited out an outage of more than five minutes gets a
// "queued HH:MM UTC" note while nothing of it was accepted yet. Once its
// first part is accepted, the next flush builds it without the note, the
// fingerprint no longer matches the stored plan, and the whole message is
// sent again: part 1 is delivered twice.
TEST_F(BreakE2E, a_part_accepted_by_a_late_flush_is_not_sent_again_by_the_next_flush) {
  mm.push_reply(server_error(503));
  mm.push_reply(server_error(503));
  auto sent = run({"ops"}, kThreeParts);
  ASSERT_EQ(sent.exit_code, 1) << sent.err;
  ASSERT_EQ(pending(), 1u);
  ASSERT_EQ(mm_texts_with(kA), 2u);

  // The outage lasted ten minutes.
  edit_pending_header([](nlohmann::json& j) { j["created"] = j["created"].get<long>() - 600; });

  mm.push_reply(ok());              // part 1/3
  mm.push_reply(server_error(503));  // part 2/3
  mm.push_reply(server_error(503));  // part 2/3, retried
  auto first = run({"flush"});
  ASSERT_EQ(first.exit_code, 1) << first.err;
  ASSERT_EQ(mm_texts_with(kA), 3u);  // two failures, then accepted

  auto second = run({"flush"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(mm_texts_with(kA), 3u) << "part 1/3 was delivered twice\n" << second.err;
  EXPECT_EQ(mm_texts_with(kC), 1u);
}

// `notify spool retry ID` while a flush is delivering the pending half of
// the same message: retry cannot read the pending file (it is locked), so it
// replaces it with the dead letter's targets alone and deletes the dead
// letter; the flush then settles over that file. The retried target is gone.
TEST_F(BreakE2E, spool_retry_during_a_flush_of_the_same_message_loses_nothing) {
  mm.push_reply(server_error(503));
  mm.push_reply(server_error(503));
  tg.push_reply(telegram_error(400, "Bad Request: chat not found"));
  auto sent = run({"ops,me", "half pending, half dead"});
  ASSERT_EQ(sent.exit_code, 1) << sent.err;
  ASSERT_EQ(pending(), 1u);
  ASSERT_EQ(failed(), 1u);
  auto listed = nlohmann::json::parse(run({"spool", "--json"}).out);
  ASSERT_EQ(listed.size(), 2u);
  const std::string id = std::to_string(listed[0]["id"].get<long>());

  Reply slow = ok();
  slow.delay = std::chrono::milliseconds(3000);
  mm.push_reply(slow);
  RunResult flushed;
  std::thread t([&] { flushed = run({"flush"}); });
  ASSERT_TRUE(mm.wait_for_requests(3, std::chrono::seconds(10)));
  auto retried = run({"spool", "retry", id});
  t.join();
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err;

  // Whatever retry said, the message for `me` must still be somewhere.
  const std::size_t before = tg.request_count();
  auto last = run({"flush"});
  EXPECT_EQ(pending() + failed() + (tg.request_count() - before), 1u)
      << "the message for 'me' vanished; retry said: " << retried.err << "\nflush said: " << last.err;
}

// `notify spool retry` rebuilds the pending message from the dead letter's
// copy, which was written when the message first failed, and keeps only
// the target list of the pending file: the parts a later flush delivered
// are forgotten, and the next flush sends them again.
TEST_F(BreakE2E, spool_retry_keeps_the_progress_a_flush_made_since_the_dead_letter) {
  mm.push_reply(ok());               // part 1/3
  mm.push_reply(server_error(503));  // part 2/3
  mm.push_reply(server_error(503));  // part 2/3, retried
  tg.push_reply(telegram_error(400, "Bad Request: chat not found"));
  auto sent = run({"ops,me"}, kThreeParts);
  ASSERT_EQ(sent.exit_code, 1) << sent.err;
  ASSERT_EQ(pending(), 1u);
  ASSERT_EQ(failed(), 1u);

  mm.push_reply(ok());               // part 2/3
  mm.push_reply(server_error(503));  // part 3/3
  mm.push_reply(server_error(503));  // part 3/3, retried
  ASSERT_EQ(run({"flush"}).exit_code, 1);
  ASSERT_EQ(mm_texts_with(kB), 3u);  // two failures, then accepted

  auto listed = nlohmann::json::parse(run({"spool", "--json"}).out);
  ASSERT_FALSE(listed.empty());
  const std::string id = std::to_string(listed[0]["id"].get<long>());
  ASSERT_EQ(run({"spool", "retry", id}).exit_code, 0);
  auto last = run({"flush"});
  EXPECT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(mm_texts_with(kB), 3u) << "part 2/3 was delivered twice\n" << last.err;
  EXPECT_EQ(mm_texts_with(kC), 3u);
  EXPECT_EQ(tg.request_count(), 2u);
  EXPECT_EQ(pending() + failed(), 0u);
}

// The sequence counter is written without fsync while the messages it
// numbers are fsync'd: after a power loss it can be behind the files. The
// next message then gets the id of one already in the spool and its rename
// replaces that message.
TEST_F(BreakE2E, a_sequence_counter_behind_the_spool_never_overwrites_a_message) {
  for (const char* text : {"first", "second"}) {
    mm.push_reply(server_error(503));
    mm.push_reply(server_error(503));
    ASSERT_EQ(run({"ops", text}).exit_code, 1);
  }
  ASSERT_EQ(pending(), 2u);
  {
    std::ofstream seq(spool_dir() + "/seq", std::ios::trunc);
    seq << "1\n";  // as the page cache lost it
  }
  mm.push_reply(server_error(503));
  mm.push_reply(server_error(503));
  ASSERT_EQ(run({"ops", "third"}).exit_code, 1);
  EXPECT_EQ(pending(), 3u) << "a spooled message was overwritten";
  auto f = run({"flush"});
  EXPECT_EQ(mm_texts_with("second"), 3u) << "'second' was lost";
}

// The server answered "200 OK" and then stalls its body; SIGTERM comes. The
// stop's grace runs out and the engine cancels the transfer without
// looking at the status line it already has, so the accepted message stays
// pending and the next flush delivers it a second time.
TEST_F(BreakE2E, a_200_whose_body_stalls_when_a_stop_signal_comes_counts_as_delivered) {
  StallingServer stalling;
  path = config("[profiles.ops]\ntype = \"mattermost\"\ntimeout = 5\nwebhook_url = "
                "\"http://127.0.0.1:" + std::to_string(stalling.port()) + "/hooks/testhook1234\"\n");
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.timeout = std::chrono::seconds(60);
  auto child = spawn({NOTIFY_BINARY, "-c", path, "ops", "accepted once"}, o);
  // The signal comes once the server has the request (a loaded machine may
  // take longer than any fixed delay to get there).
  for (int i = 0; i < 600 && stalling.requests() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  child.signal(SIGTERM);
  auto r = child.wait();
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(stalling.requests(), 1);
  EXPECT_EQ(pending(), 0u) << "an accepted message was kept for a second delivery\n" << r.err;
  run({"flush"});
  EXPECT_EQ(stalling.requests(), 1) << "flush delivered it again";
}

// A file size limit (ulimit -f, as a CI runner or a systemd unit may set)
// smaller than the journal: the first write past it raises SIGXFSZ, whose
// default action kills notify before the message is sent or spooled.
TEST_F(BreakE2E, a_file_size_limit_below_the_message_still_delivers_it) {
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.stdin_data = std::string(3000, 'x') + "\n";
  o.timeout = std::chrono::seconds(60);
  auto r = run_process({"sh", "-c", "ulimit -f 1; exec \"$0\" \"$@\"", NOTIFY_BINARY, "-c", path,
                        "ops"}, o);
  EXPECT_EQ(r.signal, 0) << "killed by signal " << r.signal;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(mm.request_count(), 1u) << "the message was lost";
  EXPECT_THAT(r.err, HasSubstr("without a safety copy"));
}



// `job | notify ops` and the job is cancelled (systemd stop, a CI cancel:
// SIGTERM to the whole group) while notify still reads the pipe. The stop
// handlers go in only after stdin is read, so the default action kills
// notify and the output the job wrote before it died, which notify had
// already read, is neither delivered nor spooled.
TEST_F(BreakE2E, a_stop_signal_while_stdin_is_read_keeps_what_was_read) {
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.timeout = std::chrono::seconds(60);
  auto r = run_process({"sh", "-c",
                        "(echo 'output before the cancel'; sleep 4) | \"$0\" \"$@\" & p=$!; "
                        "sleep 2; kill -TERM $p; wait $p; echo \"notify: $?\" >&2",
                        NOTIFY_BINARY, "-c", path, "ops"}, o);
  ASSERT_FALSE(r.timed_out);
  EXPECT_THAT(r.err, Not(HasSubstr("notify: 143"))) << "killed by SIGTERM";
  EXPECT_EQ(mm_texts_with("output before the cancel") + pending(), 1u)
      << "what notify had read is neither delivered nor spooled\n" << r.err;
}

}  // namespace
}  // namespace notify::test
