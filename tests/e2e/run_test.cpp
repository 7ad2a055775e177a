// notify run: output passes through, the exit status is the command's, and
// a message goes out according to --on.

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

class RunE2E : public FourServicesE2E {
 protected:
  // The command writes a file when it reaches a point; the test waits for it. The
  // file is written aside and renamed, so its content is complete once it is there.
  std::string marker(const std::string& name) const { return (home / name).string(); }
  static std::string write_marker(const std::string& path, const std::string& words) {
    return "echo " + words + " > " + path + ".tmp && mv " + path + ".tmp " + path;
  }
  static bool wait_for_file(const std::string& path, Clock::duration timeout) {
    const auto until = Clock::now() + timeout;
    while (!std::filesystem::exists(path)) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::string quote(const std::string& word) {
    std::string q = "'";
    for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }
  RunOptions options() const {
    RunOptions o;
    o.isolate(home.path());
    o.timeout = std::chrono::seconds(60);
    return o;
  }
};

// Alive and not a zombie: an orphan's zombie may wait a while for its reaper.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' &&
         line[close + 2] != 'X';
}

// Ends what a failed test left running outside notify's own process group
// (the harness ends that one): the command, its `sleep`, a stopped notify.
struct KillOnFailure {
  std::vector<pid_t> pids;
  ~KillOnFailure() {
    if (!::testing::Test::HasFailure()) return;
    for (pid_t pid : pids)
      if (pid > 0 && alive(pid)) ::kill(pid, SIGKILL);
  }
};

TEST_F(RunE2E, failure_is_reported_with_output_tail_and_status_passed_through) {
  auto r = notify({"-c", path, "run", "ops", "--", "sh", "-c",
                   "echo to-stdout; echo to-stderr >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "to-stdout\n");
  EXPECT_THAT(r.err, HasSubstr("to-stderr\n"));
  ASSERT_EQ(mm.request_count(), 1u);
  auto text = texts_of(mm.requests()[0])[0];
  EXPECT_THAT(text, HasSubstr("sh failed (exit 3"));
  EXPECT_THAT(text, HasSubstr("```\n$ sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'\n"));
  EXPECT_THAT(text, HasSubstr("to-stdout\nto-stderr\n```"));
}

TEST_F(RunE2E, success_sends_nothing_by_default) {
  auto r = notify({"-c", path, "run", "ops", "--", "sh", "-c", "echo fine"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "fine\n");
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(RunE2E, on_always_and_on_success) {
  auto a = notify({"-c", path, "run", "dev", "--on", "always", "--", "true"});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(dc.request_count(), 1u);
  EXPECT_THAT(texts_of(dc.requests()[0])[0], HasSubstr("true succeeded (exit 0"));
  auto s = notify({"-c", path, "run", "dev", "--on", "success", "--", "false"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(dc.request_count(), 1u);
}

TEST_F(RunE2E, signal_and_missing_command) {
  auto k = notify({"-c", path, "run", "me", "--", "sh", "-c", "kill -9 $$"});
  EXPECT_EQ(k.exit_code, 128 + 9);
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_THAT(texts_of(tg.requests()[0])[0], HasSubstr("killed by signal 9"));
  auto m = notify({"-c", path, "run", "me", "--", "/nonexistent/cmd"});
  EXPECT_EQ(m.exit_code, 127);
  EXPECT_THAT(m.err, HasSubstr("No such file"));
  EXPECT_EQ(tg.request_count(), 2u);
}

// `nohup notify run ...`: a hangup ignored by whoever started notify is
// ignored by notify and by its command too, as it would be without notify.
TEST_F(RunE2E, a_stop_signal_ignored_at_the_start_stays_ignored_by_notify_and_the_command) {
  auto o = options();
  const std::string inner = "kill -HUP $$; kill -HUP $PPID; echo alive; exit 3";
  auto r = run_process({"sh", "-c", "trap '' HUP; exec \"$0\" \"$@\"", NOTIFY_BINARY, "-c", path,
                        "run", "ops", "--", "sh", "-c", inner},
                       o);
  // The command lived on after its own hangup and notify's; notify reported.
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "alive\n");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("exit 3"));
}

TEST_F(RunE2E, long_output_keeps_the_tail) {
  auto r = notify({"-c", path, "run", "dev", "--", "sh", "-c",
                   "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done; exit 1"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(dc.request_count(), 1u);
  auto text = texts_of(dc.requests()[0])[0];
  EXPECT_THAT(text, HasSubstr("line 2999\n```"));
  EXPECT_THAT(text, HasSubstr("earlier output left out"));
}

TEST_F(RunE2E, undeliverable_report_is_spooled_and_status_kept) {
  mm.set_handler([](const Recorded&) { return server_error(500); });
  auto r = notify({"-c", path, "--retries", "0", "run", "ops", "--", "false"}, std::nullopt,
                  {{"XDG_STATE_HOME", (home / "state").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("spool"));
}

// PRODUCT.md, "`notify run` and its process group": once the command has exited,
// output is read for at most a second; a grandchild holding the pipe does not
// keep the report waiting.
TEST_F(RunE2E, a_grandchild_holding_the_output_pipe_does_not_hold_back_the_report) {
  const std::string ready = marker("grandchild");
  Child child = spawn({NOTIFY_BINARY, "-c", path, "run", "ops", "--", "sh", "-c",
                       "echo hi; sleep 30 & " + write_marker(ready, "$!") + "; exit 3"},
                      options());
  ASSERT_TRUE(wait_for_file(ready, seconds(20)));
  const auto exited = Clock::now();  // the command exits right after writing the file
  const pid_t sleeper = std::stoi(slurp(ready));
  const bool reported = mm.wait_for_requests(1, seconds(2));
  const auto took = Clock::now() - exited;
  EXPECT_TRUE(reported) << "no report within 2 s of the command's exit";
  EXPECT_TRUE(alive(sleeper)) << "the grandchild is not notify's to kill";
  ::kill(sleeper, SIGKILL);  // the old code waits for it: end the test now
  const RunResult r = child.wait();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "hi\n");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("sh failed (exit 3"));
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("\nhi\n```"));
  std::printf("[ run      ] report %.0f ms after the command's exit\n",
              std::chrono::duration<double, std::milli>(took).count());
}

TEST_F(RunE2E, a_stop_signal_reaches_the_commands_whole_group_and_the_report_follows) {
  const std::string ready = marker("group");
  Child child = spawn({NOTIFY_BINARY, "-c", path, "run", "ops", "--", "sh", "-c",
                       "echo a; sleep 30 & " + write_marker(ready, "$$ $!") + "; wait; echo never"},
                      options());
  ASSERT_TRUE(wait_for_file(ready, seconds(20)));
  pid_t shell = 0, sleeper = 0;
  std::istringstream(slurp(ready)) >> shell >> sleeper;
  ASSERT_GT(sleeper, 0);
  ASSERT_TRUE(child.signal(SIGTERM));
  const bool reported = mm.wait_for_requests(1, seconds(2));
  EXPECT_TRUE(reported) << "no report within 2 s of SIGTERM";
  EXPECT_FALSE(alive(sleeper)) << "the command's background job did not get SIGTERM";
  if (alive(sleeper)) ::kill(sleeper, SIGKILL);  // the old code waits for it: end the test now
  const RunResult r = child.wait();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  EXPECT_EQ(r.out, "a\n");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("killed by signal 15"));
}

// At a terminal the command's group is the foreground group while it runs: it
// reads the terminal, and Ctrl-C reaches it once (from the terminal, not again
// from notify).
TEST_F(RunE2E, at_a_terminal_the_command_reads_it_and_gets_one_interrupt) {
  const std::string ready = marker("tty-ready"), interrupts = marker("interrupts");
  const std::string script =
      "trap 'echo INT >> " + interrupts + "' INT; "
      "set -- $(cat /proc/$$/stat); " +  // pid (comm) state ppid pgrp session tty tpgid
      write_marker(ready, "$1 $4 $5 $8") + "; "
      "until read line; do :; done; echo \"read: $line\"";
  RunOptions o = options();
  o.stdin_tty = true;
  Child child = spawn({NOTIFY_BINARY, "-c", path, "run", "ops", "--on", "always", "--", "sh", "-c",
                       script}, o);
  ASSERT_TRUE(wait_for_file(ready, seconds(20)));
  KillOnFailure left;
  pid_t pid = 0, parent = 0, pgrp = 0, foreground = 0;
  std::istringstream(slurp(ready)) >> pid >> parent >> pgrp >> foreground;
  left.pids = {pid, parent};
  EXPECT_EQ(pgrp, pid) << "the command is not in a process group of its own";
  EXPECT_EQ(foreground, pgrp) << "the command's group is not the terminal's foreground group";

  ASSERT_TRUE(child.type("\x03"));  // Ctrl-C
  ASSERT_TRUE(wait_for_file(interrupts, seconds(10))) << "the interrupt did not reach the command";
  ASSERT_TRUE(child.type("typed line\n"));
  const RunResult r = child.wait();
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "read: typed line\n");
  EXPECT_EQ(slurp(interrupts), "INT\n") << "one Ctrl-C must reach the command once";
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("sh succeeded (exit 0"));
}

// Ctrl-Z under a job-control shell: the command stops at the terminal, notify's
// job stops with it so the shell gets its prompt back, and `fg` continues both,
// the command with the terminal again.
TEST_F(RunE2E, ctrl_z_stops_the_job_and_fg_gives_the_command_the_terminal_again) {
  const std::string ready = marker("tty-ready"), continued = marker("continued"),
                    stopped = marker("stopped");
  const std::string command =
      "trap 'echo CONT >> " + continued + "' CONT; "
      "set -- $(cat /proc/$$/stat); " + write_marker(ready, "$1 $4 $5 $8") + "; "
      "until read line; do :; done; echo \"read: $line\"";
  const std::string shell = std::string("set -m; ") + NOTIFY_BINARY + " -c " + quote(path) +
                            " run ops --on always -- sh -c " + quote(command) + "; " +
                            write_marker(stopped, "$?") + "; fg";
  RunOptions o = options();
  o.stdin_tty = true;
  Child child = spawn({"sh", "-c", shell}, o);
  ASSERT_TRUE(wait_for_file(ready, seconds(20)));
  KillOnFailure left;
  pid_t pid = 0, parent = 0, pgrp = 0, foreground = 0;
  std::istringstream(slurp(ready)) >> pid >> parent >> pgrp >> foreground;
  left.pids = {pid, parent};
  EXPECT_EQ(pgrp, pid) << "the command is not in a process group of its own";
  EXPECT_EQ(foreground, pgrp) << "the command's group is not the terminal's foreground group";

  ASSERT_TRUE(child.type("\x1a"));  // Ctrl-Z
  ASSERT_TRUE(wait_for_file(stopped, seconds(10))) << "the shell did not see its job stop";
  EXPECT_EQ(slurp(stopped), std::to_string(128 + SIGTSTP) + "\n");
  ASSERT_TRUE(wait_for_file(continued, seconds(10))) << "fg did not continue the command";
  ASSERT_TRUE(child.type("typed line\n"));
  const RunResult r = child.wait();
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("read: typed line\n"));
  ASSERT_EQ(mm.request_count(), 1u) << r.err;
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("sh succeeded (exit 0"));
}

// In a pipeline notify shares its process group with the other programs: they
// keep the terminal (a pager reads its keys there), Ctrl-C, which the terminal
// sends to that group, is passed on to the command once, and the command gets
// the terminal when it reads it.
TEST_F(RunE2E, in_a_pipeline_the_others_keep_the_terminal_and_ctrl_c_is_passed_on_once) {
  const std::string ready = marker("tty-ready"), interrupts = marker("interrupts"),
                    done = marker("peer-done");
  const std::string command =
      "trap 'echo INT >> " + interrupts + "' INT; "
      "set -- $(cat /proc/$$/stat); " + write_marker(ready, "$1 $4 $5 $8") + "; "
      "until [ -e " + done + " ]; do sleep 0.05; done; read y; echo \"command read: $y\"";
  const std::string peer = "trap '' INT; read x < /dev/tty; echo \"peer read: $x\"; touch " +
                           done + "; cat";
  // The shell survives Ctrl-C (a trap, unlike an ignored signal, is not inherited).
  const std::string shell = "trap 'echo shell-interrupted' INT; " + std::string(NOTIFY_BINARY) +
                            " -c " + quote(path) + " run ops --on always -- sh -c " +
                            quote(command) + " | sh -c " + quote(peer);
  RunOptions o = options();
  o.stdin_tty = true;
  Child child = spawn({"sh", "-c", shell}, o);
  ASSERT_TRUE(wait_for_file(ready, seconds(20)));
  KillOnFailure left;
  pid_t pid = 0, parent = 0, pgrp = 0, foreground = 0;
  std::istringstream(slurp(ready)) >> pid >> parent >> pgrp >> foreground;
  left.pids = {pid, parent};
  EXPECT_EQ(pgrp, pid) << "the command is not in a process group of its own";
  EXPECT_NE(foreground, pgrp) << "the command took the terminal from the pipeline";

  ASSERT_TRUE(child.type("\x03"));  // Ctrl-C: to the pipeline's group, notify included
  ASSERT_TRUE(wait_for_file(interrupts, seconds(10))) << "the interrupt was not passed on";
  ASSERT_TRUE(child.type("typed line\n"));  // for the pager-like reader of /dev/tty
  ASSERT_TRUE(wait_for_file(done, seconds(10))) << "the other program could not read the terminal";
  // Now the command reads it: it gets the terminal when it does.
  ASSERT_TRUE(child.type("second line\n"));
  const RunResult r = child.wait();
  EXPECT_FALSE(r.timed_out);
  EXPECT_THAT(r.out, HasSubstr("peer read: typed line\n"));
  EXPECT_THAT(r.out, HasSubstr("command read: second line\n"));
  EXPECT_EQ(slurp(interrupts), "INT\n") << "one Ctrl-C must reach the command once";
  ASSERT_EQ(mm.request_count(), 1u) << r.err;
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("sh succeeded (exit 0"));
}

}  // namespace
}  // namespace notify::test
