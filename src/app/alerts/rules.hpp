#pragma once
// The alert rules as pure functions over a key's state and the time: what
// to do with the next message (send, hold back, or nothing to resolve),
// the line a sent one begins with, the summary a window owes, and `--after`
// counting. No files, no clock of their own: store.hpp and the use case
// bring those.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/alerts/state.hpp"

namespace notify::app::alerts {

/// A time for a message's text: "HH:MM" in UTC, with the date in front
/// ("2025-12-01 10:02") once it is a day or more before `now`.
std::string clock_text(std::int64_t when, std::int64_t now);

enum class Verdict {
  send,     ///< goes out; `line` (if any) goes first in its text
  hold,     ///< held back by cooldown: counted, not sent (exit status 0)
  nothing,  ///< a resolve for a key not in trouble: nothing to say
};

struct Decision {
  Verdict verdict = Verdict::send;
  /// For send: "(12 more since 10:02 UTC, last at 10:55)" after held
  /// messages, "resolved after 14 alerts since 02:00 UTC" for a resolve;
  /// empty when the text goes as it is.
  std::string line;
  /// For hold: held back so far in this window, this one included.
  int held = 0;
  /// For send: the message clears the key's trouble (a resolve, or
  /// `notify run`'s first success after failures).
  bool resolves = false;
  /// For send: news of nothing (`notify run`'s success report with no
  /// trouble to clear): it goes out and leaves the state as it is.
  bool quiet = false;
  /// For nothing: why, when it is not a resolve without trouble
  /// ("failure 1 of 3 in a row").
  std::string why;
};

/// The next message of the key to this profile at `now`. `cooldown` in
/// seconds (0: none). A resolve is never held back (it is news), and goes
/// only when the key is in trouble.
Decision decide(const AlertState& state, std::int64_t now, std::int64_t cooldown, bool resolve);

/// How `notify run`'s command ended, for its report.
struct RunEnding {
  bool failed = false;
  int after = 1;        ///< --after N: report a failure from the Nth in a row
  /// --on asked for a report of a success (a failure comes here only when
  /// asked for).
  bool wanted = false;
};

/// `notify run`'s report of the key to this profile at `now`, counting the
/// run (count_run: `state` changes, to be saved whatever the verdict). A
/// failure below --after: nothing; from there on, as decide (cooldown). A
/// success after failure reports: the resolve, subject to nothing, even
/// when not wanted; else, when wanted, a quiet send; else nothing.
Decision decide_run(AlertState& state, std::int64_t now, std::int64_t cooldown,
                    const RunEnding& run);

/// The state after the decided message: `text` is the message (its first
/// line is kept for the summary when held). Call for send only once the
/// message went out or is kept in the spool; a message neither delivered
/// nor kept changes nothing, so the next one is not held back for it.
/// `resolve` or the decision's `resolves` clear the trouble; a quiet one
/// changes nothing.
void record(AlertState& state, const Decision& decision, std::int64_t now, bool resolve,
            std::string_view text);

/// The summary a window owes: held messages and none sent after them.
struct Summary {
  std::int64_t due = 0;  ///< when the window ends (unix seconds)
  std::string text;
};
/// nullopt when nothing is held. `now` only for clock_text's dates.
std::optional<Summary> summary(const AlertState& state, std::int64_t cooldown, std::int64_t now);
/// The summary went out: what it counted is said.
void record_summary(AlertState& state);

/// What a delivery of the key's message gave its target (Service::message_id
/// of each part; "" where none): with `ids` (--edit) they replace the ones
/// remembered, part by part (a shorter text leaves the later ones, for when
/// it grows again); with `thread` (--reply) the first becomes the thread's
/// first when it has none. `only_new`: nothing replaces what is known (a
/// flush delivering a message late).
void remember(AlertState& state, bool ids, bool thread, const std::vector<std::string>& delivered,
              bool only_new = false);

/// `notify run --after N`: one run's result counted; true when the failure
/// is to be reported (the Nth in a row and after). A success resets it.
bool count_run(AlertState& state, bool failed, int after);

}  // namespace notify::app::alerts
