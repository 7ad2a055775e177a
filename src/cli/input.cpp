#include "cli/input.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/files.hpp"
#include "message/input.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {


Result<std::string> read_message(int fd, std::size_t budget, int tee_fd,
                                 std::string* tee_error, int stop_fd) {
  message::BoundedText text(budget);
  // A pipe of 1 MiB instead of 64 KiB: the producer and notify take turns
  // 16 times less often on a big input (the kernel may refuse; no matter).
  constexpr int kPipeBytes = 1 << 20;
  (void)::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
  std::vector<char> buf(kPipeBytes);
  // After a stop signal: what the pipe holds now, not what may come.
  constexpr std::size_t kDrainOnStop = 1 << 20;
  std::size_t drain_left = 0;
  bool draining = false;
  for (;;) {
    if (stop_fd >= 0) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
      const int ready = ::poll(fds, draining ? 1 : 2, draining ? 0 : -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return make_error(ErrorKind::io, std::string("waiting for standard input: ") +
                                             std::strerror(errno));
      }
      if (!draining && (fds[1].revents & POLLIN)) {
        draining = true;
        drain_left = kDrainOnStop;
        continue;
      }
      if (ready == 0) break;  // drained
    }
    ssize_t n = ::read(fd, buf.data(), draining ? std::min(buf.size(), drain_left) : buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::io, std::string("reading standard input: ") +
                                           std::strerror(errno));
    }
    if (n == 0) break;
    const auto len = static_cast<std::size_t>(n);
    if (tee_fd >= 0 && !write_all(tee_fd, buf.data(), len)) {
      // The tee reader went away; the message still matters more.
      if (tee_error) *tee_error = std::strerror(errno);
      tee_fd = -1;
    }
    text.feed(std::string_view(buf.data(), len));
    if (draining && (drain_left -= len) == 0) break;
  }
  return text.finish();
}

void pass_message_on(int fd, bool is_terminal, std::ostream& err, int stop_fd) {
  if (is_terminal) return;
  // About what one message of any service keeps; the middle of a bigger
  // input is counted, not printed.
  constexpr std::size_t kKept = 64 * 1024;
  auto text = read_message(fd, kKept, -1, nullptr, stop_fd);
  if (!text) return;
  message::trim_end(*text);
  if (message::is_blank(*text)) return;
  err << "notify: the message was not sent; here it is:\n" << *text << "\n";
}

}  // namespace notify::cli
