#include "core/daily_window.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace notify {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// "7:00" or "07:00" as minutes after midnight; -1 when it is neither.
int read_clock(std::string_view t) {
  const auto colon = t.find(':');
  if (colon == std::string_view::npos || colon < 1 || colon > 2 || t.size() != colon + 3) return -1;
  int h = 0, m = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i == colon) continue;
    if (t[i] < '0' || t[i] > '9') return -1;
    (i < colon ? h : m) = (i < colon ? h : m) * 10 + (t[i] - '0');
  }
  if (h > 23 || m > 59) return -1;
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf;
}

}  // namespace

std::optional<DailyWindow> parse_daily_window(std::string_view text, std::string* problem) {
  const auto dash = text.find('-');
  const int start = dash == std::string_view::npos ? -1 : read_clock(text.substr(0, dash));
  const int end = dash == std::string_view::npos ? -1 : read_clock(text.substr(dash + 1));
  if (start < 0 || end < 0) {
    if (problem)
      *problem = "must be a window of local time such as \"22:00-07:00\" (HH:MM-HH:MM), not \"" +
                 std::string(text) + "\"";
    return std::nullopt;
  }
  if (start == end) {
    if (problem)
      *problem = "starts and ends at " + hhmm(start) +
                 ": give two different times, such as \"22:00-07:00\"";
    return std::nullopt;
  }
  return DailyWindow{start, end};
}

std::string window_text(const DailyWindow& w) { return hhmm(w.start) + "-" + hhmm(w.end); }

std::int64_t first_reaching(std::int64_t local, const UtcOffset& offset) {
  auto reads = [&](std::int64_t t) { return t + offset(t); };
  // The offsets in force around that reading: real zones change theirs at
  // most twice a year, and never by more than a day.
  std::vector<std::int64_t> offsets;
  for (const std::int64_t at : {local - kSecondsPerDay, local - kSecondsPerDay / 2, local, local + kSecondsPerDay / 2})
    offsets.push_back(offset(at));
  for (std::size_t i = 0, n = offsets.size(); i < n; ++i) offsets.push_back(offset(local - offsets[i]));
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());

  // The reading itself, under each offset: the earliest instant that shows
  // it (clocks set back show it twice).
  std::optional<std::int64_t> best;
  for (auto o = offsets.rbegin(); o != offsets.rend(); ++o)
    if (reads(local - *o) == local) {
      best = local - *o;
      break;
    }
  // A reading the clocks skip: the instant they jump past it.
  std::int64_t lo = local - offsets.back() - 1, hi = local - offsets.front();
  if (reads(lo) < local && reads(hi) >= local) {
    while (hi - lo > 1) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      (reads(mid) >= local ? hi : lo) = mid;
    }
    if (!best || hi < *best) best = hi;
  }
  return best ? *best : local - offsets.front();
}

std::optional<std::int64_t> window_end(const DailyWindow& w, std::int64_t now,
                                       const UtcOffset& offset) {
  const std::int64_t today = floor_div(now + offset(now), kSecondsPerDay);
  // Today's window, or yesterday's running past midnight.
  for (const std::int64_t day : {today - 1, today}) {
    const std::int64_t begins = first_reaching(day * kSecondsPerDay + w.start * 60, offset);
    const std::int64_t end_day = w.end <= w.start ? day + 1 : day;
    const std::int64_t ends = first_reaching(end_day * kSecondsPerDay + w.end * 60, offset);
    if (begins <= now && now < ends) return ends;
  }
  return std::nullopt;
}

std::string local_clock_text(std::int64_t unix, const UtcOffset& offset) {
  const std::int64_t local = unix + offset(unix);
  const std::int64_t minutes = floor_div(local, 60) - floor_div(local, kSecondsPerDay) * (kSecondsPerDay / 60);
  return hhmm(static_cast<int>(minutes));
}

}  // namespace notify
