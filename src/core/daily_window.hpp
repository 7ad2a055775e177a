#pragma once
// A window of local time that comes back every day ("22:00-07:00", quiet
// hours): read from what a person writes, and placed on the timeline of
// instants through a zone's offset from UTC, daylight saving time
// included. Pure: the zone is passed in (Clock::utc_offset), so a test
// can name any zone.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace notify {

struct DailyWindow {
  int start = 0;  ///< minutes after local midnight
  int end = 0;    ///< the same; at or before start: the window crosses midnight
};

/// "22:00-07:00" (hours 0-23, one or two digits; minutes two) as a window.
/// nullopt with *problem set, in words that follow the key's name ("must
/// be ...", "starts and ends ..."): not of that shape, or empty (start
/// equals end).
std::optional<DailyWindow> parse_daily_window(std::string_view text, std::string* problem);

/// "22:00-07:00".
std::string window_text(const DailyWindow& window);

/// Local time's offset from UTC at an instant, in seconds.
using UtcOffset = std::function<std::int64_t(std::int64_t unix)>;

/// The first instant at which the local clock reads `local_seconds` (local
/// seconds since the epoch) or later: the one time it does so on most days;
/// the first of the two on the day the clocks go back; the instant the
/// clocks skip forward when that reading does not exist.
std::int64_t first_reaching(std::int64_t local_seconds, const UtcOffset& offset);

/// When `now` is inside the window: its end, the first instant the local
/// clock reaches the end time after the window began (first_reaching).
/// The window of a day begins the first time the clock reaches its start.
/// nullopt when `now` is outside every day's window.
std::optional<std::int64_t> window_end(const DailyWindow& window, std::int64_t now,
                                       const UtcOffset& offset);

/// The local clock at `unix`: "07:00".
std::string local_clock_text(std::int64_t unix, const UtcOffset& offset);

}  // namespace notify
