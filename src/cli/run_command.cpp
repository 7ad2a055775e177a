// run: wrap a command for cron and CI. Its output passes through untouched,
// its exit status is ours, and a message with the tail of its output goes
// out on failure (or always, or on success).

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <sstream>

#include "cli/deliver.hpp"
#include "cli/signals.hpp"
#include "config/loader.hpp"
#include "core/files.hpp"
#include "message/sanitize.hpp"
#include "services/service.hpp"

namespace notify::cli {

namespace {

volatile sig_atomic_t g_child = 0;

// systemd and CI runners signal only the main process; the command must
// hear it too, and we stay alive to report how it ended.
extern "C" void forward_signal(int sig, siginfo_t* info, void*) {
  // The terminal (Ctrl-C, a hangup) signals the whole foreground process
  // group, the command included: passing it on would make it twice, and a
  // second interrupt means "abort now" to many tools.
  if (info && info->si_code == SI_KERNEL) return;
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
}

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./=:,+@%") == std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Keeps the last `cap` bytes seen, amortised: trims only when twice as big.
class Tail {
 public:
  explicit Tail(std::size_t cap) : cap_(cap) {}
  void add(const char* p, std::size_t n) {
    buf_.append(p, n);
    total_ += n;
    if (buf_.size() > 2 * cap_) buf_.erase(0, buf_.size() - cap_);
  }
  std::string text() const {
    if (buf_.size() <= cap_) return buf_;
    std::string t = buf_.substr(buf_.size() - cap_);
    // Start on a whole line (and so never inside a UTF-8 sequence).
    if (auto nl = t.find('\n'); nl != std::string::npos && nl + 1 < t.size()) t.erase(0, nl + 1);
    return t;
  }
  bool cut() const { return total_ > cap_; }

 private:
  std::size_t cap_;
  std::size_t total_ = 0;
  std::string buf_;
};

struct Finished {
  int exit_code = 0;  // what we exit with: the status, or 128+signal
  std::string how;    // "exit 3", "signal 9 (Killed)"
  bool ok = false;
};

}  // namespace

int cmd_run(Session& s) {
  const auto& o = s.options;
  // A wrong profile file or target must not stop the job itself: the
  // command runs anyway and the report goes to stderr instead.
  std::optional<std::vector<std::string>> names;
  if (!s.config_broken) names = command_targets(s);

  // Room for the output in one part of the smallest service.
  std::size_t cap = 1 << 20;
  if (names)
    for (const auto& n : *names) cap = std::min(cap, services::part_limit(s.config.profiles.at(n)));
  cap = cap > 700 ? cap - 400 : 300;

  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) || ::pipe2(err_pipe, O_CLOEXEC) || ::pipe2(exec_pipe, O_CLOEXEC)) {
    s.error(std::string("run: pipe: ") + std::strerror(errno));
    return kExitNotDelivered;
  }
  // Handlers go in before the fork, with the signals blocked across it: a
  // signal in between would otherwise kill us and orphan the command. The
  // child gets the default actions back before exec.
  sigset_t stop_set, old_mask;
  sigemptyset(&stop_set);
  for (int sig : kStopSignals) sigaddset(&stop_set, sig);
  ::sigprocmask(SIG_BLOCK, &stop_set, &old_mask);
  struct sigaction forward {}, old_actions[std::size(kStopSignals)] {};
  forward.sa_sigaction = forward_signal;
  forward.sa_flags = SA_SIGINFO;
  sigemptyset(&forward.sa_mask);
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
    ::sigaction(kStopSignals[i], &forward, &old_actions[i]);
  auto restore = [&] {
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
      ::sigaction(kStopSignals[i], &old_actions[i], nullptr);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  };
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    restore();
    s.error(std::string("run: fork: ") + std::strerror(errno));
    return kExitNotDelivered;
  }
  if (pid == 0) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig : kStopSignals) ::sigaction(sig, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    std::signal(SIGPIPE, SIG_DFL);
    std::signal(SIGXFSZ, SIG_DFL);  // ignored dispositions survive exec
    std::vector<char*> argv;
    for (const auto& a : o.run_argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    int e = errno;
    (void)!::write(exec_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  g_child = pid;
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(exec_pipe[1]);

  Tail tail(cap);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  const int to[2] = {1, 2};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (void)write_all(to[i], buf, static_cast<std::size_t>(n));
      tail.add(buf, static_cast<std::size_t>(n));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child = 0;
  restore();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int exec_errno = 0;
  const bool exec_failed = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  ::close(exec_pipe[0]);

  Finished f;
  if (exec_failed) {
    f.exit_code = exec_errno == ENOENT ? 127 : 126;
    f.how = std::string("could not start: ") + std::strerror(exec_errno);
    s.error("run: " + o.run_argv[0] + ": " + std::strerror(exec_errno));
  } else if (WIFSIGNALED(status)) {
    f.exit_code = 128 + WTERMSIG(status);
    f.how = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  } else {
    f.exit_code = WEXITSTATUS(status);
    f.how = "exit " + std::to_string(f.exit_code);
    f.ok = f.exit_code == 0;
  }
  const bool notify = o.on == "always" || (o.on == "failure" && !f.ok) || (o.on == "success" && f.ok);
  if (!notify) return f.exit_code;

  std::string cmdline;
  for (const auto& a : o.run_argv) cmdline += (cmdline.empty() ? "" : " ") + shell_quote(a);
  std::ostringstream dur;
  dur.precision(secs < 10 ? 2 : 0);
  dur << std::fixed << secs << " s";
  Draft draft = draft_from_options(o);
  // Good news need not ring: under --on always a success is reported low,
  // and --priority (or the profile's level) is for the failures.
  if (o.on == "always" && f.ok) draft.priority = Priority::low;
  const std::string name = o.run_argv[0].substr(o.run_argv[0].rfind('/') + 1);
  draft.title = message::sanitize(o.title.value_or(name + (f.ok ? " succeeded" : " failed")) +
                                  " (" + f.how + ", " + dur.str() + " on " + s.world.hostname() + ")");
  std::string out = message::sanitize(tail.text());
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  draft.body = message::sanitize("$ " + cmdline) + "\n" +
               (tail.cut() ? "[... earlier output left out ...]\n" : "") +
               (out.empty() ? "(no output)" : out);
  draft.code = true;
  Result<void> files = names ? attach_files(s, *names, draft) : Result<void>();
  if (!names || !files) {
    if (!files) s.error(files.error().message);
    // The job ran; its report still reaches someone: cron mails stderr.
    s.error("run: the report was not sent; here it is:\n" + draft.title + "\n" + draft.body);
    return f.exit_code;
  }
  StopSignals signals;
  auto world = app_world(s, &signals);
  app::SendOptions so;
  so.overrides = overrides_from_options(o);
  so.dry_run = o.dry_run;
  auto result = app::send(s.config, *names, draft, so, world);
  report(s, result, draft, false);
  return f.exit_code;
}

}  // namespace notify::cli
