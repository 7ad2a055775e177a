#include "os/process_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>

#include "os/foreground.hpp"
#include "core/stop.hpp"
#include "core/stop_signals.hpp"
#include "core/unique_fd.hpp"

namespace notify::os {

namespace {

using Clock = std::chrono::steady_clock;

// --- Signals during the run ---------------------------------------------------

volatile sig_atomic_t g_continued = 0;         // a SIGCONT reached us
volatile sig_atomic_t g_child_pipe = -1;       // write end of the SIGCHLD self-pipe

extern "C" void note_child(int) {
  const int saved = errno;
  if (g_child_pipe >= 0) (void)!::write(g_child_pipe, "c", 1);
  errno = saved;
}

extern "C" void note_continued(int) { g_continued = 1; }

// The handlers of a run, from before the fork until the command has ended.
// Blocked across the fork: a stop signal in between would kill us and orphan
// the command, or find no group to go to. SIGCHLD wakes the wait for the
// command: it also reports a stop, which a pidfd does not, and it must not be
// ignored (an inherited SIG_IGN would reap the command before we could).
// SIGCONT tells whether a stop of our own took place.
class RunSignals {
 public:
  RunSignals() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      child_read_ = UniqueFd(fds[0]);
      child_write_ = UniqueFd(fds[1]);
      g_child_pipe = fds[1];
    }
    sigset_t blocked;
    sigemptyset(&blocked);
    for (int sig : kStopSignals) sigaddset(&blocked, sig);
    sigaddset(&blocked, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &blocked, &old_mask_);

    // Stop signals keep the process's one handler, which passes them on
    // to the command once forward_to() names its group.
    stop_signals::install();
    install(SIGCHLD, note_child, &old_child_);
    install(SIGCONT, note_continued, &old_cont_);
  }

  ~RunSignals() {
    stop_signals::forward_to(0);
    stop_signals::terminal_given(false);
    stop_signals::command_stopped(false);
    ::sigaction(SIGCHLD, &old_child_, nullptr);
    ::sigaction(SIGCONT, &old_cont_, nullptr);
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    g_child_pipe = -1;
  }
  RunSignals(const RunSignals&) = delete;
  RunSignals& operator=(const RunSignals&) = delete;

  /// In the command's process, before exec: the signals handled here get
  /// the default action, unless they were ignored before notify ran (nohup,
  /// a shell's `&`), which the command inherits as it would without notify;
  /// then the mask notify had. Async-signal-safe.
  void reset_for_exec() const {
    for (int sig : kStopSignals) {
      struct sigaction sa {};
      sa.sa_handler = stop_signals::was_ignored(sig) ? SIG_IGN : SIG_DFL;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
    reset(SIGCHLD, old_child_);
    reset(SIGCONT, old_cont_);
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  void forward_to(pid_t group) { stop_signals::forward_to(group); }
  void terminal_given(bool given) { stop_signals::terminal_given(given); }
  void command_stopped(bool stopped) { stop_signals::command_stopped(stopped); }
  void forget_continued() { g_continued = 0; }
  bool continued() const { return g_continued != 0; }
  void unblock() { ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr); }
  /// Readable after a SIGCHLD; -1 without the pipe.
  int child_fd() const { return child_read_.get(); }
  void drain_child_fd() const {
    char buf[64];
    while (child_read_.valid() && ::read(child_read_.get(), buf, sizeof buf) > 0) {
    }
  }

 private:
  static void reset(int sig, const struct sigaction& before) {
    struct sigaction sa {};
    sa.sa_handler = before.sa_handler == SIG_IGN ? SIG_IGN : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
  static void install(int sig, void (*handler)(int), struct sigaction* old) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, old);
  }

  UniqueFd child_read_, child_write_;
  sigset_t old_mask_{};
  struct sigaction old_child_ {}, old_cont_ {};
};

// --- The child side -----------------------------------------------------------

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return make_error(ErrorKind::io, std::string("pipe: ") + std::strerror(errno));
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

struct ChildSetup {
  char* const* argv;
  int out, err;               // where its stdout and stderr go
  int exec_errno_fd;          // gets errno when exec fails
  int tty;                    // the terminal to take, -1 for none
  const RunSignals* signals;  // what to undo
};

// Between fork and exec: only async-signal-safe calls. The group is made here
// and in the parent, whichever runs first, so that neither a signal passed on
// nor a read of the terminal can come before it exists.
[[noreturn]] void become_command(const ChildSetup& c) {
  ::setpgid(0, 0);
  if (c.tty >= 0) set_foreground_group(c.tty, ::getpid());
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  // Ignored dispositions survive exec: main() ignores these two for itself.
  for (int sig : {SIGPIPE, SIGXFSZ}) ::sigaction(sig, &dfl, nullptr);
  c.signals->reset_for_exec();
  if (::dup2(c.out, 1) >= 0 && ::dup2(c.err, 2) >= 0) ::execvp(c.argv[0], c.argv);
  const int e = errno;
  (void)!::write(c.exec_errno_fd, &e, sizeof e);
  ::_exit(127);
}

// --- Watching the command -----------------------------------------------------

// Through syscall(): Debian 12's <sys/pidfd.h> declares pidfd_open without C
// linkage, so C++ cannot link against it.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Notices the command's exit, and a stop when asked to, without waiting for
// its output to end.
class ChildWatch {
 public:
  ChildWatch(pid_t pid, const RunSignals& signals, bool stops)
      : pid_(pid), pidfd_(open_pidfd(pid)), signals_(signals), stops_(stops) {}

  /// Descriptors that become readable when there is news (-1 entries are
  /// skipped by poll).
  int pidfd() const { return pidfd_.get(); }
  int sigchld_fd() const { return signals_.child_fd(); }
  /// Without either descriptor, news is looked for every 50 ms.
  int poll_timeout_ms() const { return pidfd_.valid() || sigchld_fd() >= 0 ? -1 : 50; }

  /// The command's new state as waitpid() reports it (exited, killed, or
  /// stopped when stops were asked for); nullopt while nothing changed.
  std::optional<int> check() const {
    signals_.drain_child_fd();
    int status = 0;
    pid_t r;
    do r = ::waitpid(pid_, &status, WNOHANG | (stops_ ? WUNTRACED : 0));
    while (r < 0 && errno == EINTR);
    if (r == pid_) return status;
    if (r < 0) return 0;  // not our child any more (cannot happen): do not wait forever
    return std::nullopt;
  }

  /// Blocks until the command has exited.
  int wait() const {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
  const RunSignals& signals_;
  bool stops_;
};

// --- The output ---------------------------------------------------------------

// The read ends of the command's stdout and stderr.
struct Output {
  UniqueFd fd[2];
  bool open() const { return fd[0].valid() || fd[1].valid(); }
  void close() {
    fd[0].reset();
    fd[1].reset();
  }
};

// Passes on what one pipe has; false at its end.
bool pass_on(int fd, int stream, const OutputSink& sink) {
  char buf[65536];
  ssize_t n;
  do n = ::read(fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  sink(stream, std::string_view(buf, static_cast<std::size_t>(n)));
  return true;
}

// Waits up to timeout_ms for output or for one of the two watch descriptors,
// passes on the output and closes a pipe at its end. Returns poll's count:
// 0 on a timeout or a signal, -1 when poll itself failed.
int pass_on_output(Output& out, int watch1, int watch2, int timeout_ms, const OutputSink& sink) {
  pollfd fds[4] = {{out.fd[0].get(), POLLIN, 0},
                   {out.fd[1].get(), POLLIN, 0},
                   {watch1, POLLIN, 0},
                   {watch2, POLLIN, 0}};
  const int n = ::poll(fds, 4, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : -1;
  for (int i = 0; i < 2; ++i)
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !pass_on(fds[i].fd, i + 1, sink))
      out.fd[i].reset();
  return n;
}

bool is_terminal_stop(int sig) { return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

// The command stopped at the terminal (Ctrl-Z, or a read from the
// background): notify's group stops the same way, so that the shell sees its
// job stopped, and when the shell continues it, the command goes on too, with
// the terminal if the job is in the foreground.
void stop_along(int sig, pid_t group, Foreground& terminal, RunSignals& signals) {
  signals.terminal_given(false);
  terminal.take_back();
  signals.forget_continued();
  // A read or write of the terminal from the background needs no stop when
  // the job has the terminal: in a pipeline, or started in the background
  // and brought to the foreground since.
  const bool wants_terminal_only = sig != SIGTSTP && terminal.ours();
  // Returns once we are continued, or at once when we did not stop.
  if (!wants_terminal_only) ::kill(0, sig);
  if (terminal.ours()) {
    signals.terminal_given(terminal.give_to(group));
  } else if (!signals.continued()) {
    // We did not stop: our group is orphaned (no shell is there to continue
    // it, so the kernel drops the stop) or ignores it. Continuing a command
    // that cannot have the terminal would only stop it again, at once and
    // forever: it stays stopped, and a stop signal passed on wakes it.
    signals.command_stopped(true);
    return;
  }
  signals.command_stopped(false);
  ::kill(-group, SIGCONT);
}

// Passes output on until the command exits; returns its status.
int pump_until_exit(Output& out, const ChildWatch& watch, pid_t group, Foreground& terminal,
                    RunSignals& signals, const OutputSink& sink) {
  for (;;) {
    if (pass_on_output(out, watch.pidfd(), watch.sigchld_fd(), watch.poll_timeout_ms(), sink) < 0) {
      // Nothing can be read any more: the command gets EPIPE rather than a
      // full pipe it would wait on forever.
      out.close();
      return watch.wait();
    }
    const auto status = watch.check();
    if (!status) continue;
    if (!WIFSTOPPED(*status)) return *status;
    if (is_terminal_stop(WSTOPSIG(*status))) stop_along(WSTOPSIG(*status), group, terminal, signals);
  }
}

// After the exit: what is still on its way, for at most kLateOutputWindow.
void pump_late_output(Output& out, const OutputSink& sink) {
  const auto deadline = Clock::now() + kLateOutputWindow;
  while (out.open()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || pass_on_output(out, -1, -1, static_cast<int>(left), sink) < 0) break;
  }
  out.close();
}

int read_exec_errno(int fd) {
  int e = 0;
  return ::read(fd, &e, sizeof e) == static_cast<ssize_t>(sizeof e) ? e : 0;
}

}  // namespace

Result<CommandEnd> run_in_own_group(const std::vector<std::string>& argv, const OutputSink& sink) {
  auto out = make_pipe();
  if (!out) return out.error();
  auto err = make_pipe();
  if (!err) return err.error();
  auto exec = make_pipe();
  if (!exec) return exec.error();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  Foreground terminal;
  // In a pipeline the others keep the terminal; the command gets it when it
  // reads or writes it (see stop_along).
  const bool hand_over = terminal.ours() && !Foreground::group_shared();
  RunSignals signals;
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return make_error(ErrorKind::io, std::string("fork: ") + std::strerror(errno));
  if (pid == 0)
    become_command({args.data(), out->write.get(), err->write.get(), exec->write.get(),
                    hand_over ? terminal.tty() : -1, &signals});

  ::setpgid(pid, pid);
  signals.forward_to(pid);
  if (hand_over) signals.terminal_given(terminal.give_to(pid));
  signals.unblock();
  out->write.reset();
  err->write.reset();
  exec->write.reset();

  Output output{{std::move(out->read), std::move(err->read)}};
  const ChildWatch watch(pid, signals, terminal.tty() >= 0);
  CommandEnd end;
  end.status = pump_until_exit(output, watch, pid, terminal, signals, sink);
  end.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  signals.terminal_given(false);
  terminal.take_back();
  pump_late_output(output, sink);
  end.exec_errno = read_exec_errno(exec->read.get());
  return end;
}

}  // namespace notify::os
