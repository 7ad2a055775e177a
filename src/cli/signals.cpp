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

extern "C" void on_stop_signal(int sig) {
  const int saved = errno;
  // Any second stop signal, not only the same one, ends us at once.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s : kStopSignals) ::sigaction(s, &dfl, nullptr);
  g_signal = sig;
  if (g_pipe[1] >= 0) (void)!::write(g_pipe[1], "x", 1);
  errno = saved;
}

}  // namespace

StopSignals::StopSignals() {
  g_signal = 0;
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  char drain[64];
  while (g_pipe[0] >= 0 && ::read(g_pipe[0], drain, sizeof drain) > 0) {
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : kStopSignals) sigaddset(&sa.sa_mask, s);
  sa.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
    ::sigaction(kStopSignals[i], &sa, &old_[i]);
}

StopSignals::~StopSignals() {
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
    ::sigaction(kStopSignals[i], &old_[i], nullptr);
}

int StopSignals::received() { return g_signal; }

int StopSignals::fd() const { return g_pipe[0]; }

delivery::Stop StopSignals::stop() const {
  delivery::Stop s;
  s.requested = &StopSignals::stopped;
  s.fd = g_pipe[0];
  return s;
}

}  // namespace notify::cli
