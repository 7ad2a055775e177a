#include "app/stream.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "app/stream_journal.hpp"
#include "app/targets.hpp"
#include "message/sanitize.hpp"
#include "message/split.hpp"
#include "stream/batcher.hpp"

namespace notify::app {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// Lines waiting for their batch reach the journal at most this late, also
// while a delivery waits out a long Retry-After.
constexpr auto kJournalLag = std::chrono::milliseconds(900);

// What the reading thread and the sending thread share, under `mu`.
struct Shared {
  explicit Shared(stream::Limits limits) : batcher(limits) {}
  std::mutex mu;
  std::condition_variable cv;
  stream::Batcher batcher;
  bool reader_done = false;
  std::string read_error;
  /// An exception that ended the reading thread: the sender throws it.
  std::exception_ptr reader_failed;
  /// Why the --tee copy could not be written; empty while it is fine.
  std::string tee_error;
  /// The --tee copy stopped at a stop request.
  bool tee_stopped = false;
  /// The spool's copy of what waits; null when there is none.
  StreamJournal* journal = nullptr;
  /// Since when lines wait that the journal does not have yet.
  std::optional<TimePoint> unjournalled_since;

  // Callers hold `mu`.
  void journal_now() {
    if (journal) journal->snapshot(batcher.peek_all());
    unjournalled_since.reset();
  }
  std::optional<TimePoint> journal_due() const {
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

// Bytes to lines: sanitised, split at newlines, a line longer than a
// message cut into pieces that each fit one (so one long line neither
// bursts into many parts nor starts a skip run on an idle service).
class LineReader {
 public:
  LineReader(Shared& shared, const Clock& clock, std::size_t max_line)
      : shared_(shared), clock_(clock), max_line_(max_line) {}

  void feed(std::string_view bytes) {
    sanitizer_.feed(bytes, pending_);
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
    const auto now = clock_.now();
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
  const Clock& clock_;
  std::size_t max_line_;
  message::Sanitizer sanitizer_;
  std::string pending_;
};

// The reading thread: until the input ends, fails or is abandoned.
void read_stream(StreamInput& input, const Clock& clock, std::size_t max_line, Shared& shared) {
  std::string error;
  try {
    LineReader lines(shared, clock, max_line);
    for (bool more = true; more;) {
      std::optional<TimePoint> until;
      {
        // Lines that wait (a delivery stuck in a 429, a long interval) go
        // to the journal even when no more input comes.
        std::lock_guard lk(shared.mu);
        if (const auto due = shared.journal_due()) {
          if (*due <= clock.now()) shared.journal_now();
          else until = due;
        }
      }
      auto r = input.read(until);
      if (!r.tee_failed.empty() || r.tee_stopped) {
        {
          std::lock_guard lk(shared.mu);
          if (!r.tee_failed.empty()) shared.tee_error = r.tee_failed;
          shared.tee_stopped = shared.tee_stopped || r.tee_stopped;
        }
        shared.cv.notify_all();  // said at once, not at the next batch
      }
      switch (r.kind) {
        case InputRead::Kind::data: lines.feed(r.bytes); break;
        case InputRead::Kind::timeout: break;
        case InputRead::Kind::failed: error = r.error; more = false; break;
        case InputRead::Kind::end: more = false; break;
      }
    }
    lines.finish();
  } catch (...) {
    std::lock_guard lk(shared.mu);
    shared.reader_failed = std::current_exception();
  }
  {
    std::lock_guard lk(shared.mu);
    shared.reader_done = true;
    shared.batcher.end_of_input();
    shared.read_error = error;
  }
  shared.cv.notify_all();
}

// The reading thread, never left running: when the stream ends early (an
// exception while sending), the input is abandoned and the thread joined.
class Reader {
 public:
  Reader(StreamInput& input, const Clock& clock, std::size_t max_line, Shared& shared)
      : input_(input), thread_(read_stream, std::ref(input), std::cref(clock), max_line, std::ref(shared)) {}
  ~Reader() {
    if (!thread_.joinable()) return;
    input_.abandon();
    thread_.join();
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void join() { thread_.join(); }

 private:
  StreamInput& input_;
  std::thread thread_;
};

// A batch is one message of every target: the services say how much text
// that is once their title, marker and formatting are in.
stream::Limits limits_for(const PartShape& shape, std::chrono::milliseconds interval) {
  stream::Limits l;
  l.part_units = std::max<std::size_t>(shape.units, 1);
  // One part less than max_parts may wait, so what a stop sends in one go
  // (that, a skip note and one part of tail) still fits max_parts.
  l.held_units = l.part_units * static_cast<std::size_t>(std::max(shape.max_parts - 1, 1));
  l.interval = interval;
  return l;
}

std::string lines_word(std::size_t n) { return n == 1 ? " line" : " lines"; }

}  // namespace

StreamResult stream(const config::Config& cfg, const StreamRequest& req, World& outer) {
  StreamResult result;
  World world = outer;
  const Clock& clock = world.clock_or_default();
  auto stopped = [&] { return world.stop.requested && world.stop.requested(); };
  // One client for the whole stream: its connections are kept.
  std::unique_ptr<HttpClient> own_http;
  if (!world.http && world.make_http) world.http = (own_http = world.make_http()).get();

  const stream::Limits limits =
      limits_for(strictest_part(cfg, req.targets, req.base, req.send.overrides), req.interval);
  Shared shared(limits);

  // Lines waiting for their batch are kept in the spool too, so a SIGKILL
  // (or a 429 wait longer than the kill's patience) costs at most the
  // last second of input.
  std::optional<StreamJournal> journal;
  if (!req.send.dry_run) {
    if (auto j = StreamJournal::begin(cfg, req.targets, req.base, world)) {
      journal = std::move(*j);
      shared.journal = &*journal;
    } else {
      world.tell(Level::warning, "--stream: lines waiting for their batch are kept in memory only: " +
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
  SendOptions send_options = req.send;
  auto send_batch = [&](std::pair<std::string, std::string> batch, bool last_after_stop) {
    auto& [text, tag] = batch;
    SendOptions options = send_options;
    options.batch_of = tag;
    options.journalled = [&shared](bool) {
      std::lock_guard g(shared.mu);
      if (shared.journal) shared.journal->taken();
    };
    message::trim_end(text);
    if (message::is_blank(text)) return options.journalled(true);
    ++result.batches;
    Draft d = req.base;
    d.body = std::move(text);
    // The last batch after a stop must still go out once, so it is not
    // given the stop (which forbids new requests).
    World batch_world = world;
    if (last_after_stop) batch_world.stop = Stop{};
    auto sent = send(cfg, req.targets, d, options, batch_world);
    if (req.batch_sent) req.batch_sent(sent, d);
    if (sent.exit_status != 0) result.exit_status = 1;
  };
  bool said_tee = false;
  auto say_tee = [&] {  // callers hold shared.mu
    if (said_tee) return;
    if (!shared.tee_error.empty()) {
      if (req.tee_failed) req.tee_failed(shared.tee_error);
      result.exit_status = 1;
      said_tee = true;
    } else if (shared.tee_stopped) {
      world.tell(Level::warning, "--tee: stopped copying at the stop signal");
      said_tee = true;
    }
  };

  Reader reader(*req.input, clock, limits.part_units > 1 ? limits.part_units - 1 : 1, shared);
  {
    std::unique_lock lk(shared.mu);
    for (;;) {
      say_tee();
      if (stopped()) break;
      const auto due = shared.batcher.due();
      if (shared.reader_done && !due) break;
      const auto now = clock.now();
      if (due && *due <= now) {
        auto batch = cut(shared.batcher.take(now));
        lk.unlock();
        const auto n = static_cast<std::size_t>(std::count(batch.first.begin(), batch.first.end(), '\n') + 1);
        world.tell(Level::verbose, "stream: sending " + std::to_string(n) + lines_word(n));
        send_batch(std::move(batch), false);
        lk.lock();
      } else {
        // The reader wakes us with lines, at its end, and at a --tee failure.
        clock.wait(lk, shared.cv, due);
      }
    }
  }
  // After a stop the input gives what had arrived and ends; whatever is
  // left then goes out in one delivery, there is no time for more.
  reader.join();
  if (shared.reader_failed) std::rethrow_exception(shared.reader_failed);
  const bool after_stop = stopped();
  if (after_stop) {
    // Whoever sent the signal (systemd, docker, a CI runner) kills us soon
    // after: one attempt (retries = 0 below), then the spool, rather than
    // backoff timers that SIGKILL would cut short with the batch unsaved.
    world.tell(Level::verbose, "stream: " + (req.stop_cause ? req.stop_cause() : std::string("stopped")) +
                                   ": sending what has arrived, once; the spool keeps it if that fails");
  }
  if (after_stop) send_options.overrides.retries = 0;
  {
    std::unique_lock lk(shared.mu);
    auto rest = cut(shared.batcher.take_all());
    lk.unlock();
    send_batch(std::move(rest), after_stop);
    lk.lock();
    // Every line is delivered or in a batch's journal now.
    if (shared.journal) shared.journal->close();
    shared.journal = nullptr;
    say_tee();
  }

  if (!shared.read_error.empty()) {
    world.tell(Level::error, shared.read_error);
    result.exit_status = 1;
  }
  result.skipped = shared.batcher.skipped_total();
  if (result.skipped > 0)
    world.tell(Level::warning, std::to_string(result.skipped) + lines_word(result.skipped) +
                                   " skipped in all: they came faster than the services took them "
                                   "(each gap is marked in the chat)");
  if (result.batches == 0) world.tell(Level::info, "nothing to send: the stream was empty");
  return result;
}

}  // namespace notify::app
