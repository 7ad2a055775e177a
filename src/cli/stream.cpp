// --stream: `tail -f log | notify --stream ops`. A reader thread turns stdin
// into lines as they arrive; this thread sends them in batches when the
// Batcher says so. Reading never waits for sending, so a slow or
// rate-limited service costs skipped lines (counted and shown), never a
// blocked producer or unbounded memory.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "app/stream_journal.hpp"
#include "app/targets.hpp"
#include "cli/deliver.hpp"
#include "cli/output.hpp"
#include "cli/signals.hpp"
#include "core/files.hpp"
#include "message/sanitize.hpp"
#include "message/split.hpp"
#include "stream/batcher.hpp"

namespace notify::cli {

namespace {

using stream::Clock;

// On a signal, what is already in the pipe is still read, up to this much,
// so a `kill` right after a burst does not lose the burst.
constexpr std::size_t kDrainOnStopBytes = 1 << 20;

// Lines waiting for their batch reach the journal at most this late, also
// while a delivery waits out a long Retry-After.
constexpr auto kJournalLag = std::chrono::milliseconds(900);

// What the reader thread and the sending thread share, under `mu`.
struct Shared {
  explicit Shared(stream::Limits limits) : batcher(limits) {}
  std::mutex mu;
  std::condition_variable cv;
  stream::Batcher batcher;
  bool reader_done = false;
  std::string read_error;
  /// Why the --tee copy could not be written (strerror's words); empty
  /// while it is fine.
  std::string tee_error;
  /// The --tee copy stopped at a stop signal: a reader that stopped reading
  /// must not keep us from finishing; no failure of standard output.
  bool tee_stopped = false;
  /// The spool's copy of what waits; null when there is none.
  app::StreamJournal* journal = nullptr;
  /// Since when lines wait that the journal does not have yet.
  std::optional<Clock::time_point> unjournalled_since;

  // Callers hold `mu`.
  void journal_now() {
    if (journal) journal->snapshot(batcher.peek_all());
    unjournalled_since.reset();
  }
  std::optional<Clock::time_point> journal_due() const {
    if (!journal || !unjournalled_since) return std::nullopt;
    return *unjournalled_since + kJournalLag;
  }
};

// Where to cut a line longer than `max` bytes: a grapheme boundary near
// `max` if there is one, else a UTF-8 boundary; never 0.
std::size_t cut_point(std::string_view line, std::size_t max) {
  auto lead = [&](std::size_t i) { return (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80; };
  std::size_t cut = std::max<std::size_t>(max, 1);
  while (cut > 0 && !lead(cut)) --cut;
  for (std::size_t k = cut; k > 0 && k + 64 > cut; --k)
    if (lead(k) && message::is_grapheme_boundary(line, k)) return k;
  if (cut == 0)  // one sequence longer than max: keep it whole
    for (cut = 1; cut < line.size() && !lead(cut);) ++cut;
  return cut;
}

// Writes the --tee copy, giving up when a stop signal comes: a reader of
// our stdout that stopped reading must not keep us from finishing.
bool tee_write(int fd, const char* data, std::size_t n, int wake_fd) {
  while (n > 0) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents & POLLIN) {
      errno = EINTR;
      return false;
    }
    // POLLOUT promises room for PIPE_BUF bytes, no more.
    const std::size_t chunk = std::min<std::size_t>(n, PIPE_BUF);
    if (!write_all(fd, data, chunk)) return false;
    data += chunk;
    n -= chunk;
  }
  return true;
}

// Bytes to lines: sanitised, split at newlines, a line longer than a
// message cut into pieces that each fit one (so one long line neither
// bursts into many parts nor starts a skip run on an idle service).
class LineReader {
 public:
  LineReader(Shared& shared, int tee_fd, int wake_fd, std::size_t max_line)
      : shared_(shared), tee_fd_(tee_fd), wake_fd_(wake_fd), max_line_(max_line) {}

  void feed(const char* data, std::size_t n) {
    if (tee_fd_ >= 0 && !tee_write(tee_fd_, data, n, wake_fd_)) {
      const int why = errno;
      {
        std::lock_guard lk(shared_.mu);
        if (why == EINTR) shared_.tee_stopped = true;
        else shared_.tee_error = std::strerror(why);
      }
      shared_.cv.notify_all();  // said at once, not at the next batch
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
      add_cut(lines, std::string_view(pending_).substr(start, nl - start));
    pending_.erase(0, start);
    // An unfinished line already longer than a message: its full pieces go.
    if (pending_.size() > max_line_) {
      std::string_view rest(pending_);
      while (rest.size() > max_line_) {
        const std::size_t cut = cut_point(rest, max_line_);
        lines.emplace_back(rest.substr(0, cut));
        rest.remove_prefix(cut);
      }
      pending_ = std::string(rest);
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
      if (!shared_.unjournalled_since) shared_.unjournalled_since = now;
      if (const auto due = shared_.journal_due(); due && *due <= now) shared_.journal_now();
    }
    shared_.cv.notify_all();
  }

  void add_cut(std::vector<std::string>& lines, std::string_view line) const {
    while (line.size() > max_line_) {
      const std::size_t cut = cut_point(line, max_line_);
      lines.emplace_back(line.substr(0, cut));
      line.remove_prefix(cut);
    }
    lines.emplace_back(line);
  }

  Shared& shared_;
  int tee_fd_;
  int wake_fd_;
  std::size_t max_line_;
  message::Sanitizer sanitizer_;
  std::string pending_;
};

// Runs on its own thread until EOF, a read error or a stop signal.
void read_stream(int in_fd, int tee_fd, int wake_fd, std::size_t max_line, Shared& shared) {
  LineReader lines(shared, tee_fd, wake_fd, max_line);
  std::vector<char> buf(1 << 16);
  std::string error;
  std::size_t drain_left = 0;
  bool draining = false;
  for (;;) {
    int timeout_ms = -1;
    {
      // Lines that wait (a delivery stuck in a 429, a long interval) go to
      // the journal even when no more input comes.
      std::lock_guard lk(shared.mu);
      if (const auto due = shared.journal_due()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - Clock::now()).count();
        if (left <= 0) shared.journal_now();
        else timeout_ms = static_cast<int>(left);
      }
    }
    pollfd fds[2] = {{in_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const int ready = ::poll(fds, draining ? 1 : 2, draining ? 0 : timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      error = std::string("waiting for standard input: ") + std::strerror(errno);
      break;
    }
    if (ready == 0 && !draining) continue;  // time to journal
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

// A batch is one message of every target: the services say how much text
// that is once their title, marker and formatting are in.
stream::Limits limits_for(const Session& s, const app::PartShape& shape) {
  stream::Limits l;
  l.part_units = std::max<std::size_t>(shape.units, 1);
  // One part less than max_parts may wait, so what a stop signal sends in
  // one go (that, a skip note and one part of tail) still fits max_parts.
  l.held_units = l.part_units * static_cast<std::size_t>(std::max(shape.max_parts - 1, 1));
  l.interval = std::chrono::seconds(s.options.send().stream_s.value_or(kDefaultStreamSeconds));
  return l;
}

}  // namespace

int cmd_stream(Session& s) {
  auto names = command_targets(s);
  if (!names) {
    pass_message_on(s);
    return kExitUsage;
  }
  if (s.world.is_terminal(s.world.in_fd)) {
    s.error("--stream reads standard input, which is a terminal: pipe something in "
            "(e.g. `tail -f app.log | notify --stream " + s.options.send().targets + "`)");
    return kExitUsage;
  }
  Draft base = draft_from_options(s.options.send());
  base.title = message::sanitize(s.options.send().title.value_or(""));
  const auto overrides = overrides_from_options(s.options.send());
  const stream::Limits limits =
      limits_for(s, app::strictest_part(s.config, *names, base, overrides));
  Shared shared(limits);

  StopSignals signals;
  if (signals.fd() < 0) {
    s.error(std::string("--stream: cannot create a pipe: ") + std::strerror(errno));
    return kExitNotDelivered;
  }
  auto http = s.world.make_http();
  int status = kExitOk;
  std::size_t batches = 0;
  app::SendOptions so;
  so.overrides = overrides;

  // Lines waiting for their batch are kept in the spool too, so a SIGKILL
  // (or a 429 wait longer than the kill's patience) costs at most the
  // last second of input.
  std::optional<app::StreamJournal> journal;
  if (!s.options.send().dry_run) {
    auto world = app_world(s, nullptr);
    if (auto j = app::StreamJournal::begin(s.config, *names, base, world)) {
      journal = std::move(*j);
      shared.journal = &*journal;
    } else {
      s.warning("--stream: lines waiting for their batch are kept in memory only: " +
                j.error().message);
    }
  }
  // Callers hold shared.mu: the cut is journalled before the batch's own
  // journal is written, and that the batch got it right after.
  auto cut = [&](std::string text) {
    std::string tag = shared.journal ? shared.journal->take(text, shared.batcher.peek_all()) : "";
    shared.unjournalled_since.reset();
    return std::pair{std::move(text), std::move(tag)};
  };
  auto send = [&](std::pair<std::string, std::string> batch, bool last_after_signal) {
    auto& [text, tag] = batch;
    app::SendOptions options = so;
    options.batch_of = tag;
    options.journalled = [&shared](bool) {
      std::lock_guard g(shared.mu);
      if (shared.journal) shared.journal->taken();
    };
    message::trim_end(text);
    if (message::is_blank(text)) return options.journalled(true);
    ++batches;
    Draft d = base;
    d.body = std::move(text);
    // The last batch after a signal must still go out once, so it is not
    // given the stop (which forbids new requests).
    auto world = app_world(s, last_after_signal ? nullptr : &signals, http.get());
    auto result = app::send(s.config, *names, d, options, world);
    report(s, result, d, false);
    if (result.exit_status != kExitOk) status = kExitNotDelivered;
  };

  std::thread reader(read_stream, s.world.in_fd, s.options.send().tee ? s.world.tee_fd : -1,
                     signals.fd(), limits.part_units > 1 ? limits.part_units - 1 : 1,
                     std::ref(shared));
  bool said_tee = false;
  auto say_tee = [&] {
    if (said_tee) return;
    if (!shared.tee_error.empty()) {
      // A stream may run for days: the pipeline hears of it now.
      s.tee_failed(shared.tee_error, "the copy stops here; the input is still read and sent");
      status = std::max<int>(status, kExitOutputFailed);
      said_tee = true;
    } else if (shared.tee_stopped) {
      s.warning("--tee: stopped copying at the stop signal");
      said_tee = true;
    }
  };
  {
    std::unique_lock lk(shared.mu);
    for (;;) {
      say_tee();
      if (StopSignals::stopped()) break;
      const auto due = shared.batcher.due();
      if (shared.reader_done && !due) break;
      const auto now = Clock::now();
      if (due && *due <= now) {
        auto batch = cut(shared.batcher.take(now));
        lk.unlock();
        const auto n = std::count(batch.first.begin(), batch.first.end(), '\n') + 1;
        s.verbose("stream: sending " + std::to_string(n) + (n == 1 ? " line" : " lines"));
        send(std::move(batch), false);
        lk.lock();
      } else {
        // The reader wakes us on a signal too; the tick is for a reader
        // stuck where it cannot (a belt to those braces).
        const auto tick = now + std::chrono::milliseconds(250);
        shared.cv.wait_until(lk, due ? std::min(*due, tick) : tick);
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
    so.overrides.retries = 0;
    s.verbose(std::string("stream: ") + strsignal(StopSignals::received()) +
              ": sending what has arrived, once; the spool keeps it if that fails");
  }
  {
    std::unique_lock lk(shared.mu);
    auto rest = cut(shared.batcher.take_all());
    lk.unlock();
    send(std::move(rest), StopSignals::stopped());
    lk.lock();
    // Every line is delivered or in a batch's journal now.
    if (shared.journal) shared.journal->close();
    shared.journal = nullptr;
  }
  say_tee();

  if (!shared.read_error.empty()) {
    s.error(shared.read_error);
    status = kExitNotDelivered;
  }
  if (shared.batcher.skipped_total() > 0)
    s.warning(std::to_string(shared.batcher.skipped_total()) +
              (shared.batcher.skipped_total() == 1 ? " line" : " lines") +
              " skipped in all: they came faster than the services took them "
              "(each gap is marked in the chat)");
  if (batches == 0) s.info("nothing to send: the stream was empty");
  return status;
}

}  // namespace notify::cli
