// --stream: `tail -f log | notify --stream ops`. A reader thread turns stdin
// into lines as they arrive; this thread sends them in batches when the
// Batcher says so. Reading never waits for sending, so a slow or
// rate-limited service costs skipped lines (counted and shown), never a
// blocked producer or unbounded memory.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "cli/deliver.hpp"
#include "core/files.hpp"
#include "message/sanitize.hpp"
#include "message/split.hpp"
#include "stream/batcher.hpp"

namespace notify::cli {

namespace {

using stream::Clock;

// A line with no newline after this many bytes is sent in pieces: memory
// stays bounded whatever the input is.
constexpr std::size_t kMaxLineBytes = 64 * 1024;
// On a signal, what is already in the pipe is still read, up to this much,
// so a `kill` right after a burst does not lose the burst.
constexpr std::size_t kDrainOnStopBytes = 1 << 20;

volatile sig_atomic_t g_signal = 0;
int g_wake_fd = -1;

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  const int saved = errno;
  if (g_wake_fd >= 0) (void)!::write(g_wake_fd, "x", 1);
  errno = saved;
}

// SIGTERM, SIGINT and SIGHUP mean "finish up"; SA_RESETHAND makes a second
// one end the process at once, for a user who does not want to wait.
class StopSignals {
 public:
  explicit StopSignals(int wake_fd) {
    g_signal = 0;
    g_wake_fd = wake_fd;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    for (std::size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &sa, &old_[i]);
  }
  ~StopSignals() {
    for (std::size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
    g_wake_fd = -1;
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  static bool stopped() { return g_signal != 0; }

 private:
  static constexpr int kSignals[] = {SIGTERM, SIGINT, SIGHUP};
  struct sigaction old_[std::size(kSignals)] {};
};

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) fds[0] = fds[1] = -1;
  }
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

// What the reader thread and the sending thread share, under `mu`.
struct Shared {
  explicit Shared(stream::Limits limits) : batcher(limits) {}
  std::mutex mu;
  std::condition_variable cv;
  stream::Batcher batcher;
  bool reader_done = false;
  std::string read_error;
  std::string tee_warning;
};

// Bytes to lines: sanitised, split at newlines, over-long lines cut on a
// UTF-8 boundary.
class LineReader {
 public:
  LineReader(Shared& shared, int tee_fd) : shared_(shared), tee_fd_(tee_fd) {}

  void feed(const char* data, std::size_t n) {
    if (tee_fd_ >= 0 && !write_all(tee_fd_, data, n)) {
      std::lock_guard lk(shared_.mu);
      shared_.tee_warning = std::string("--tee: ") + std::strerror(errno);
      tee_fd_ = -1;
    }
    sanitizer_.feed(std::string_view(data, n), pending_);
    publish(false);
  }

  void finish() {
    sanitizer_.finish(pending_);
    publish(true);
  }

 private:
  void publish(bool at_end) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1)
      lines.push_back(pending_.substr(start, nl - start));
    pending_.erase(0, start);
    while (pending_.size() > kMaxLineBytes) {
      std::size_t cut = kMaxLineBytes;
      while (cut > 0 && (static_cast<unsigned char>(pending_[cut]) & 0xC0) == 0x80) --cut;
      lines.push_back(pending_.substr(0, cut));
      pending_.erase(0, cut);
    }
    if (at_end && !pending_.empty()) {
      lines.push_back(std::move(pending_));
      pending_.clear();
    }
    if (lines.empty()) return;
    const auto now = Clock::now();
    {
      std::lock_guard lk(shared_.mu);
      for (const auto& l : lines) shared_.batcher.add_line(l, now);
    }
    shared_.cv.notify_all();
  }

  Shared& shared_;
  int tee_fd_;
  message::Sanitizer sanitizer_;
  std::string pending_;
};

// Runs on its own thread until EOF, a read error or a stop signal.
void read_stream(int in_fd, int tee_fd, int wake_fd, Shared& shared) {
  LineReader lines(shared, tee_fd);
  std::vector<char> buf(1 << 16);
  std::string error;
  std::size_t drain_left = 0;
  bool draining = false;
  for (;;) {
    pollfd fds[2] = {{in_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const int ready = ::poll(fds, draining ? 1 : 2, draining ? 0 : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      error = std::string("waiting for standard input: ") + std::strerror(errno);
      break;
    }
    if (!draining && (fds[1].revents & POLLIN)) {
      draining = true;
      drain_left = kDrainOnStopBytes;
      continue;
    }
    if (ready == 0) break;  // drained: nothing more is waiting
    const ssize_t n = ::read(in_fd, buf.data(), draining ? std::min(buf.size(), drain_left) : buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = std::string("reading standard input: ") + std::strerror(errno);
      break;
    }
    if (n == 0) break;
    lines.feed(buf.data(), static_cast<std::size_t>(n));
    if (draining && (drain_left -= static_cast<std::size_t>(n)) == 0) break;
  }
  lines.finish();
  {
    std::lock_guard lk(shared.mu);
    shared.reader_done = true;
    shared.batcher.end_of_input();
    shared.read_error = error;
  }
  shared.cv.notify_all();
}

// Room the title, part marker and code fence take in each message.
stream::Limits limits_for(const Session& s, const PartShape& shape, const Draft& base) {
  std::size_t overhead = 16 + base.code_lang.size();
  if (!base.title.empty())
    overhead += std::min(message::length_in(base.title, message::Unit::utf16), shape.units / 4) + 12;
  stream::Limits l;
  l.part_units = shape.units > 2 * overhead ? shape.units - overhead : std::max<std::size_t>(1, shape.units / 2);
  l.held_units = l.part_units * static_cast<std::size_t>(shape.max_parts);
  l.interval = std::chrono::seconds(s.options.stream_s.value_or(kDefaultStreamSeconds));
  return l;
}

}  // namespace

int cmd_stream(Session& s) {
  auto names = command_targets(s);
  if (!names) return kExitUsage;
  if (s.world.is_terminal(s.world.in_fd)) {
    s.error("--stream reads standard input, which is a terminal: pipe something in "
            "(e.g. `tail -f app.log | notify --stream " + s.options.targets + "`)");
    return kExitUsage;
  }
  Draft base = draft_from_options(s.options);
  base.title = message::sanitize(s.options.title.value_or(""));
  Shared shared(limits_for(s, strictest_part(s, *names), base));

  Pipe wake;
  if (wake.fds[0] < 0) {
    s.error(std::string("--stream: cannot create a pipe: ") + std::strerror(errno));
    return kExitNotDelivered;
  }
  auto http = s.world.make_http();
  int status = kExitOk;
  std::size_t batches = 0;
  auto send = [&](std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t'))
      text.pop_back();
    if (message::is_blank(text)) return;
    ++batches;
    Draft d = base;
    d.body = std::move(text);
    auto result = deliver_draft(s, *names, d, true, http.get());
    report(s, result.outcomes, false);
    if (result.exit_status != kExitOk) status = kExitNotDelivered;
  };

  StopSignals signals(wake.fds[1]);
  std::thread reader(read_stream, s.world.in_fd, s.options.tee ? s.world.tee_fd : -1,
                     wake.fds[0], std::ref(shared));
  std::string warned_tee;
  {
    std::unique_lock lk(shared.mu);
    for (;;) {
      if (!shared.tee_warning.empty() && warned_tee.empty()) {
        warned_tee = shared.tee_warning;
        s.warning(warned_tee);
      }
      if (StopSignals::stopped()) break;
      const auto due = shared.batcher.due();
      if (shared.reader_done && !due) break;
      const auto now = Clock::now();
      if (due && *due <= now) {
        std::string text = shared.batcher.take(now);
        lk.unlock();
        s.verbose("stream: sending a batch of " +
                  std::to_string(std::count(text.begin(), text.end(), '\n') + 1) + " lines");
        send(std::move(text));
        lk.lock();
      } else if (due) {
        shared.cv.wait_until(lk, *due);
      } else {
        shared.cv.wait(lk);
      }
    }
  }
  // After a signal the reader drains what the pipe already holds and stops;
  // whatever is left then goes out in one delivery, there is no time for more.
  reader.join();
  if (StopSignals::stopped()) {
    // Whoever sent the signal (systemd, docker, a CI runner) kills us soon
    // after: one attempt, then the spool, rather than backoff timers that
    // SIGKILL would cut short with the batch unsaved.
    s.options.retries = 0;
    s.verbose(std::string("stream: ") + strsignal(g_signal) +
              ": sending what has arrived, once; the spool keeps it if that fails");
  }
  std::string rest = shared.batcher.take_all();
  send(std::move(rest));

  if (!shared.read_error.empty()) {
    s.error(shared.read_error);
    status = kExitNotDelivered;
  }
  if (shared.batcher.skipped_total() > 0)
    s.warning(std::to_string(shared.batcher.skipped_total()) +
              " lines skipped in all: they came faster than the services took them "
              "(each gap is marked in the chat)");
  if (batches == 0) s.info("nothing to send: the stream was empty");
  return status;
}

}  // namespace notify::cli
