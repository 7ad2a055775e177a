// Durable delivery through the real binary: stop signals, the spool's
// dead letters and `notify spool`, attachments kept in the spool, hostile
// spool files, an unusable spool, and a flush beside a running send.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class DurableE2E : public FourServicesE2E {
 protected:
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt,
                fs::path cwd = {}) {
    args.insert(args.begin(), {"-c", path});
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.stdin_data = std::move(input);
    o.cwd = std::move(cwd);
    o.timeout = std::chrono::seconds(60);
    args.insert(args.begin(), NOTIFY_BINARY);
    return run_process(args, o);
  }
  // The signal arrives `after` the server saw its first request, as from
  // systemd or a CI cancel; waiting for that request keeps a slow start
  // (a loaded machine, ASan) from making the signal come before sending.
  RunResult run_signalled(int sig, std::chrono::milliseconds after, std::vector<std::string> args,
                          FakeServer& server) {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", path});
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.timeout = std::chrono::seconds(60);
    const auto seen = server.request_count();
    auto child = spawn(args, o);
    EXPECT_TRUE(server.wait_for_requests(seen + 1, std::chrono::seconds(30)));
    std::this_thread::sleep_for(after);
    child.signal(sig);
    return child.wait();
  }
};

TEST_F(DurableE2E, sigterm_during_a_retry_wait_exits_promptly_with_the_message_spooled) {
  mm.push_reply(server_error_retry_after(503, 30));
  const auto started = std::chrono::steady_clock::now();
  auto r = run_signalled(SIGTERM, std::chrono::milliseconds(300), {"--retries", "3", "ops", "keep me"}, mm);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(took, std::chrono::seconds(10)) << "did not wait out the 30 s";
  EXPECT_THAT(r.err, HasSubstr("stopped by SIGTERM"));
  EXPECT_THAT(r.err, HasSubstr("kept in the spool"));
  EXPECT_EQ(pending(), 1u);
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(texts_of(mm.requests()[1]), std::vector<std::string>{"keep me"});
  EXPECT_EQ(pending(), 0u);
}

TEST_F(DurableE2E, sigkill_during_a_retry_wait_leaves_the_message_for_flush) {
  mm.push_reply(server_error_retry_after(503, 30));
  auto r = run_signalled(SIGKILL, std::chrono::milliseconds(300), {"--retries", "3", "ops", "survive a kill"}, mm);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(pending(), 1u);
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(texts_of(mm.requests()[1]), std::vector<std::string>{"survive a kill"});
}

TEST_F(DurableE2E, notify_run_forwards_a_stop_signal_to_the_command_and_still_reports) {
  // The command runs before any request: signal it once it is running.
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  auto child = spawn({NOTIFY_BINARY, "-c", path, "run", "ops", "--on", "failure", "--", "sh", "-c",
                      "echo started >&2; exec sleep 30"}, o);
  // Passed through as it comes: the command is running.
  ASSERT_TRUE(child.wait_for_err("started"));
  child.signal(SIGTERM);
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("killed by signal 15"));
}

TEST_F(DurableE2E, notify_run_stops_its_report_at_a_signal_and_keeps_it_in_the_spool) {
  mm.push_reply(server_error_retry_after(503, 30));
  const auto started = std::chrono::steady_clock::now();
  auto r = run_signalled(SIGTERM, std::chrono::milliseconds(300),
                         {"run", "ops", "--on", "always", "--retries", "3", "--", "true"}, mm);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0) << "the command's status: " << r.err;
  EXPECT_THAT(r.err, HasSubstr("stopped by SIGTERM"));
  EXPECT_EQ(pending(), 1u);
}

TEST_F(DurableE2E, notify_run_with_a_broken_profile_file_still_runs_the_command) {
  path = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \n");
  auto r = run({"run", "ops", "--", "sh", "-c", "echo job output; exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "job output\n");
  EXPECT_THAT(r.err, HasSubstr("the report was not sent"));
  EXPECT_THAT(r.err, HasSubstr("job output"));
}

TEST_F(DurableE2E, a_permanent_failure_is_a_dead_letter_listed_retried_and_dropped) {
  tg.push_reply(telegram_error(400, "Bad Request: chat not found"));
  auto r = run({"me", "to a chat that is gone"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("chat not found"));
  EXPECT_THAT(r.err, HasSubstr("failed/"));
  EXPECT_EQ(tg.request_count(), 1u) << "a 400 is not retried";
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(failed(), 1u);

  // flush never retries it by itself, and stays quiet about it.
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(tg.request_count(), 1u);

  auto listed = run({"spool"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_THAT(listed.out, HasSubstr("failed"));
  EXPECT_THAT(listed.out, HasSubstr("chat not found"));
  EXPECT_THAT(listed.out, HasSubstr("to a chat that is gone"));
  auto json = run({"spool", "--json"});
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["state"], "failed");
  EXPECT_EQ(j[0]["target"], "me");
  const std::string id = std::to_string(j[0]["id"].get<long>());
  auto shown = run({"spool", "show", id});
  EXPECT_THAT(shown.out, HasSubstr("to a chat that is gone"));
  EXPECT_THAT(shown.out, Not(HasSubstr(kTgToken)));

  // The user fixed the chat: retry moves it back, flush delivers it.
  EXPECT_EQ(run({"spool", "retry", id}).exit_code, 0);
  EXPECT_EQ(failed(), 0u);
  EXPECT_EQ(pending(), 1u);
  auto again = run({"flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(tg.request_count(), 2u);
  EXPECT_EQ(pending(), 0u);

  // And a dead letter can be dropped.
  tg.push_reply(telegram_error(403, "Forbidden: bot was blocked by the user"));
  EXPECT_EQ(run({"me", "blocked"}).exit_code, 1);
  EXPECT_EQ(failed(), 1u);
  EXPECT_EQ(run({"spool", "drop", "--failed"}).exit_code, 0);
  EXPECT_EQ(failed(), 0u);
}

TEST_F(DurableE2E, an_attachment_is_kept_in_the_spool_not_its_path) {
  tg.push_reply(server_error(503));
  TempDir work{"notify-cwd"};
  work.write_file("report.txt", "nightly numbers\n");
  auto r = run({"--retries", "0", "me", "--file", "report.txt", "see attached"}, std::nullopt, work.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  fs::remove(work.path() / "report.txt");
  auto f = run({"flush"});  // another cwd, and the file is gone anyway
  EXPECT_EQ(f.exit_code, 0) << f.err;
  bool got = false;
  for (const auto& req : tg.requests())
    for (const auto& part : req.parts)
      got = got || (part.name == "document" && part.content == "nightly numbers\n");
  EXPECT_TRUE(got);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(DurableE2E, hostile_spool_files_are_reported_and_left_alone_without_hanging) {
  fs::create_directories(spool_dir());
  fs::permissions(spool_dir(), fs::perms::owner_all);
  ASSERT_EQ(::mkfifo((spool_dir() + "/000000000001.msg").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", spool_dir() + "/000000000002.msg");
  auto r = run({"flush"});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("000000000001.msg: not a regular file; left alone"));
  EXPECT_THAT(r.err, HasSubstr("000000000002.msg: a symbolic link; left alone"));
  EXPECT_TRUE(fs::is_fifo(spool_dir() + "/000000000001.msg"));
  EXPECT_TRUE(fs::is_symlink(spool_dir() + "/000000000002.msg"));
  auto listed = run({"spool"});
  EXPECT_FALSE(listed.timed_out);
  EXPECT_EQ(listed.exit_code, 0);
}

TEST_F(DurableE2E, a_spool_of_another_user_is_refused_before_anything_is_sent) {
  mm.push_reply(server_error(503));
  ASSERT_EQ(run({"--retries", "0", "ops", "waiting"}).exit_code, 1);
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_EQ(::chown(spool_dir().c_str(), 4242, 4242), 0);
  auto r = run({"flush"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("belongs to uid 4242"));
  EXPECT_THAT(r.err, HasSubstr("nothing was sent"));
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(DurableE2E, an_unwritable_spool_is_an_error_before_flush_sends_anything) {
  mm.push_reply(server_error(503));
  ASSERT_EQ(run({"--retries", "0", "ops", "waiting"}).exit_code, 1);
  // Immutable: not even root can create, rename or remove files in it.
  if (std::system(("chattr +i " + spool_dir() + " 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "chattr +i is not supported here";
  auto r = run({"flush"});
  std::system(("chattr -i " + spool_dir()).c_str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("nothing was sent"));
  EXPECT_EQ(mm.request_count(), 1u);
  auto again = run({"flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(mm.request_count(), 2u);
}

TEST_F(DurableE2E, a_flush_leaves_alone_a_message_its_sender_is_still_retrying) {
  mm.push_reply(server_error_retry_after(503, 2));
  RunResult sender;
  std::thread t([&] { sender = run({"--retries", "2", "ops", "only once"}); });
  ASSERT_TRUE(mm.wait_for_requests(1, std::chrono::seconds(10)));
  auto f = run({"flush"});
  t.join();
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(sender.exit_code, 0) << sender.err;
  std::size_t copies = 0;
  for (const auto& req : mm.requests()) copies += texts_of(req) == std::vector<std::string>{"only once"};
  EXPECT_EQ(copies, 2u);  // the 503 and the retry; the flush sent nothing
  EXPECT_EQ(pending(), 0u);
}

TEST_F(DurableE2E, an_http_date_retry_after_is_honoured) {
  char date[64];
  const std::time_t soon = std::time(nullptr) + 2;
  std::tm tm{};
  ::gmtime_r(&soon, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  Reply busy = server_error(503);
  busy.headers.emplace_back("Retry-After", date);
  mm.push_reply(busy);
  auto r = run({"-v", "ops", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("server asked"));
  EXPECT_EQ(mm.request_count(), 2u);
}

}  // namespace
}  // namespace notify::test
