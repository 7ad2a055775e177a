#include "cli/input.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "core/files.hpp"
#include "message/input.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {

namespace {

// After a stop signal: what the pipe holds now, not what may come, so a
// `kill` right after a burst does not lose the burst.
constexpr std::size_t kDrainOnStop = 1 << 20;

}  // namespace

Result<std::string> read_message(int fd, std::size_t budget, int tee_fd,
                                 std::string* tee_error, int stop_fd) {
  message::BoundedText text(budget);
  // A pipe of 1 MiB instead of 64 KiB: the producer and notify take turns
  // 16 times less often on a big input (the kernel may refuse; no matter).
  constexpr int kPipeBytes = 1 << 20;
  (void)::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
  std::vector<char> buf(kPipeBytes);
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

FdStreamInput::FdStreamInput(int fd, int tee_fd, int stop_fd, const Clock& clock)
    : fd_(fd), tee_fd_(tee_fd), stop_fd_(stop_fd), clock_(clock), buf_(1 << 16) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
    abandon_read_ = UniqueFd(p[0]);
    abandon_write_ = UniqueFd(p[1]);
  }
}

void FdStreamInput::abandon() {
  if (abandon_write_.valid()) (void)!::write(abandon_write_.get(), "x", 1);
}

app::InputRead FdStreamInput::read(std::optional<std::chrono::steady_clock::time_point> until) {
  using Kind = app::InputRead::Kind;
  app::InputRead r;
  for (;;) {
    if (ended_) return r;  // Kind::end
    int timeout_ms = -1;
    if (until) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - clock_.now()).count();
      if (left <= 0) {
        r.kind = Kind::timeout;
        return r;
      }
      timeout_ms = static_cast<int>(std::min<long long>(left, INT_MAX));
    }
    pollfd fds[3] = {{fd_, POLLIN, 0}, {abandon_read_.get(), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    // Draining: only what is there now.
    const int ready = ::poll(fds, draining_ ? 2 : 3, draining_ ? 0 : timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      r.kind = Kind::failed;
      r.error = std::string("waiting for standard input: ") + std::strerror(errno);
      ended_ = true;
      return r;
    }
    if (fds[1].revents & POLLIN) {
      ended_ = true;
      return r;
    }
    if (ready == 0 && !draining_) {
      r.kind = Kind::timeout;
      return r;
    }
    if (!draining_ && (fds[2].revents & POLLIN)) {
      draining_ = true;
      drain_left_ = kDrainOnStop;
      continue;
    }
    if (ready == 0) {  // drained: nothing more is waiting
      ended_ = true;
      return r;
    }
    const ssize_t n = ::read(fd_, buf_.data(), draining_ ? std::min(buf_.size(), drain_left_) : buf_.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      r.kind = Kind::failed;
      r.error = std::string("reading standard input: ") + std::strerror(errno);
      ended_ = true;
      return r;
    }
    if (n == 0) {
      ended_ = true;
      return r;
    }
    const auto len = static_cast<std::size_t>(n);
    if (tee_fd_ >= 0 && !copy(buf_.data(), len, r)) tee_fd_ = -1;
    if (draining_ && (drain_left_ -= len) == 0) ended_ = true;  // after this chunk
    r.kind = Kind::data;
    r.bytes.assign(buf_.data(), len);
    return r;
  }
}

// Writes the --tee copy, giving up when a stop signal comes (or the input
// is abandoned): a reader of our stdout that stopped reading must not keep
// us from finishing.
bool FdStreamInput::copy(const char* data, std::size_t n, app::InputRead& r) {
  while (n > 0) {
    pollfd fds[3] = {{tee_fd_, POLLOUT, 0}, {stop_fd_, POLLIN, 0}, {abandon_read_.get(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      r.tee_failed = std::strerror(errno);
      return false;
    }
    if ((fds[1].revents | fds[2].revents) & POLLIN) {
      r.tee_stopped = true;
      return false;
    }
    // POLLOUT promises room for PIPE_BUF bytes, no more.
    const std::size_t chunk = std::min<std::size_t>(n, PIPE_BUF);
    if (!write_all(tee_fd_, data, chunk)) {
      r.tee_failed = std::strerror(errno);
      return false;
    }
    data += chunk;
    n -= chunk;
  }
  return true;
}

}  // namespace notify::cli
