#include "cli/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/stop_signals.hpp"

namespace notify::cli {

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

void install_stop_signals() { stop_signals::install(); }

StopSignals::StopSignals() { install_stop_signals(); }

int StopSignals::received() { return stop_signals::received(); }

int StopSignals::fd() { return stop_signals::fd(); }

Stop StopSignals::stop() const {
  Stop s;
  s.requested = &StopSignals::stopped;
  s.fd = stop_signals::fd();
  return s;
}

}  // namespace notify::cli
