#pragma once
// Turns a stream of lines into messages for --stream: when to send, how much
// goes in one message, and what to do when lines come faster than the
// services take them. Pure: time is passed in, nothing is sent from here.

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace notify::stream {

using Clock = std::chrono::steady_clock;

struct Limits {
  std::size_t part_units = 4000;    ///< one message's worth, in UTF-16 units
  std::size_t held_units = 40000;   ///< most that may wait (max_parts parts)
  std::chrono::milliseconds interval{5000};  ///< --stream=SECONDS
  std::chrono::milliseconds min_gap{1000};   ///< between two messages
};

/// Lines wait here until due(); take() hands out one message's worth.
/// When a line would take the waiting text over held_units, a skip run
/// starts: a "[... N lines skipped ...]" note, then the newest lines, at
/// most one message's worth of them; each line pushed out of that tail is
/// counted in the note. So the chat shows where the gap is, how big, and
/// the latest lines (at EOF the last lines are usually the ones that
/// matter). The run lasts until its note is taken: a take that frees room
/// in front of the note does not start a second gap behind it, so a
/// sustained flood keeps one note whose tail stays the newest lines, and
/// what waits stays under held_units + one note + one part.
class Batcher {
 public:
  explicit Batcher(Limits limits) : limits_(limits) {}

  /// A complete line (no newline) that arrived at `now`.
  void add_line(std::string_view line, Clock::time_point now);

  /// When the waiting text should be sent: `interval` after its oldest line
  /// arrived, or as soon as a message is full, never sooner than `min_gap`
  /// after the last take(). nullopt when nothing waits.
  std::optional<Clock::time_point> due() const;

  /// Removes and returns one message's worth of whole lines, oldest first,
  /// joined by newlines (always at least one line, however long); the rest
  /// keeps its arrival times. "" when nothing waits.
  std::string take(Clock::time_point now);

  /// No more lines will come: what waits is due without waiting out the
  /// interval (still one message per min_gap).
  void end_of_input() { ended_ = true; }

  /// Removes and returns everything waiting (shutdown: no time for more).
  std::string take_all();
  /// What take_all() would return, left waiting (the journal's copy).
  std::string peek_all() const;

  bool empty() const { return waiting_.empty(); }
  /// What waits, in UTF-16 units (each line with its newline).
  std::size_t waiting_units() const { return units_; }
  std::size_t skipped_total() const { return skipped_total_; }

  /// "[... N lines skipped ...]"
  static std::string skip_note(std::size_t lines);

 private:
  struct Entry {
    std::string text;      ///< empty for a skip note
    bool note;             ///< a skip note, not a line
    std::size_t skipped;   ///< lines the note stands for (0: none yet)
    std::size_t units;     ///< cost including the newline
    Clock::time_point arrival;
  };

  void pop_front_into(std::string& out);

  Limits limits_;
  std::deque<Entry> waiting_;
  std::size_t units_ = 0;
  bool ended_ = false;
  bool skipping_ = false;  ///< a skip run is open (until a take)
  std::size_t tail_lines_ = 0;  ///< lines after the open run's note
  std::size_t tail_units_ = 0;
  std::optional<Clock::time_point> last_take_;
  std::size_t skipped_total_ = 0;
};

}  // namespace notify::stream
