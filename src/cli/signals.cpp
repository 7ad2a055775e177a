#include "cli/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace notify::cli {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);
int g_pipe[2] = {-1, -1};
bool g_installed = false;

extern "C" void on_stop_signal(int sig) {
  const int saved = errno;
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

void open_closed_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() takes the lowest free number, which is this one.
    const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null >= 0 && null != fd) {
      ::dup2(null, fd);
      ::close(null);
    }
  }
}

void install_stop_signals() {
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
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : kStopSignals) sigaddset(&sa.sa_mask, s);
  sa.sa_flags = SA_RESTART;
  for (int s : kStopSignals) ::sigaction(s, &sa, nullptr);
}

StopSignals::StopSignals() { install_stop_signals(); }

int StopSignals::received() { return g_signal; }

int StopSignals::fd() { return g_pipe[0]; }

Stop StopSignals::stop() const {
  Stop s;
  s.requested = &StopSignals::stopped;
  s.fd = g_pipe[0];
  return s;
}

}  // namespace notify::cli
