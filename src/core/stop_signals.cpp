#include "core/stop_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>

#include "core/stop.hpp"

namespace notify::stop_signals {

namespace {

// Plain data only: the handler reads and writes these.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);
int g_pipe[2] = {-1, -1};
bool g_installed = false;
bool g_ignored[std::size(kStopSignals)] = {};
volatile sig_atomic_t g_group = 0;           // the command's process group while it runs
volatile sig_atomic_t g_terminal_given = 0;  // that group is the terminal's foreground group
volatile sig_atomic_t g_command_stopped = 0;

extern "C" void on_stop_signal(int sig, siginfo_t* info, void*) {
  const int saved = errno;
  const auto group = static_cast<pid_t>(g_group);
  if (group > 0) {
    const bool from_terminal = info != nullptr && info->si_code == SI_KERNEL;
    if (!(from_terminal && g_terminal_given)) {
      ::kill(-group, sig);
      // A stopped process hears nothing until continued (as a shell's `kill` does).
      if (g_command_stopped) ::kill(-group, SIGCONT);
    }
    errno = saved;
    return;
  }
  // Any second stop signal, not only the same one, ends us at once.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s : kStopSignals) ::sigaction(s, &dfl, nullptr);
  g_signal = sig;
  // Never drained: every poll on it, now or later, sees the stop.
  if (g_pipe[1] >= 0) (void)!::write(g_pipe[1], "x", 1);
  errno = saved;
}

// A descriptor above the standard three, whatever is open at the moment.
int above_standard(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

}  // namespace

void install() {
  if (g_installed) return;
  g_installed = true;
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
    // Even if /dev/null could not fill a closed standard descriptor, the
    // wake-up pipe must never be mistaken for standard input or output.
    g_pipe[0] = above_standard(p[0]);
    g_pipe[1] = above_standard(p[1]);
    for (int fd : g_pipe)
      if (fd >= 0) ::fcntl(fd, F_SETFL, O_NONBLOCK);
  }
  struct sigaction sa {};
  sa.sa_sigaction = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : kStopSignals) sigaddset(&sa.sa_mask, s);
  sa.sa_flags = SA_RESTART | SA_SIGINFO;
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
    // Ignored when notify started (`nohup notify ...`, a shell's `&` for
    // SIGINT): whoever started it asked for the work to go on, so it does.
    struct sigaction before {};
    ::sigaction(kStopSignals[i], nullptr, &before);
    g_ignored[i] = before.sa_handler == SIG_IGN;
    if (!g_ignored[i]) ::sigaction(kStopSignals[i], &sa, nullptr);
  }
}

int received() { return g_signal; }

int fd() { return g_pipe[0]; }

void forward_to(pid_t group) { g_group = group; }
void terminal_given(bool given) { g_terminal_given = given ? 1 : 0; }
void command_stopped(bool stopped) { g_command_stopped = stopped ? 1 : 0; }

bool was_ignored(int sig) {
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
    if (kStopSignals[i] == sig) return g_ignored[i];
  return false;
}

}  // namespace notify::stop_signals
