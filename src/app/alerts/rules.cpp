#include "app/alerts/rules.hpp"

#include <ctime>

namespace notify::app::alerts {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;

std::string first_line(std::string_view text) {
  const auto start = text.find_first_not_of("\n");
  if (start == std::string_view::npos) return {};
  text.remove_prefix(start);
  return std::string(text.substr(0, text.find('\n')));
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string ordinal(int n) {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  switch (n % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
  }
}

}  // namespace

std::string clock_text(std::int64_t when, std::int64_t now) {
  const std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, now - when >= kDay ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
  return buf;
}

Decision decide(const AlertState& s, std::int64_t now, std::int64_t cooldown, bool resolve) {
  Decision d;
  if (resolve) {
    if (!s.in_trouble()) {
      d.verdict = Verdict::nothing;
      return d;
    }
    d.line = "resolved after " + plural(s.alerts, "alert") + " since " +
             clock_text(*s.trouble_since, now) + " UTC";
    d.resolves = true;
    return d;
  }
  if (cooldown > 0 && s.last_sent && now < *s.last_sent + cooldown) {
    d.verdict = Verdict::hold;
    d.held = s.held + 1;
    return d;
  }
  if (s.held > 0 && s.last_sent)
    d.line = "(" + std::to_string(s.held) + " more since " + clock_text(*s.last_sent, now) +
             " UTC, last at " + clock_text(s.last_held, now) + ")";
  return d;
}

void record(AlertState& s, const Decision& d, std::int64_t now, bool resolve,
            std::string_view text) {
  if (d.verdict == Verdict::nothing || d.quiet) return;
  if (resolve || d.resolves) {
    // Trouble over; and no window: a failure right after a fix is news.
    s.trouble_since.reset();
    s.alerts = 0;
    s.last_sent.reset();
    s.held = 0;
    s.last_held_line.clear();
    s.summary_id = 0;
    return;
  }
  if (!s.trouble_since) s.trouble_since = now;
  ++s.alerts;
  if (d.verdict == Verdict::hold) {
    if (s.held++ == 0) s.first_held = now;
    s.last_held = now;
    s.last_held_line = first_line(text);
    return;
  }
  s.last_sent = now;
  s.held = 0;
  s.last_held_line.clear();
  s.summary_id = 0;  // it carried the count: a summary waiting is dropped
}

std::optional<Summary> summary(const AlertState& s, std::int64_t cooldown, std::int64_t now) {
  if (s.held <= 0 || !s.last_sent) return std::nullopt;
  Summary out;
  out.due = *s.last_sent + cooldown;
  out.text = "(" + std::to_string(s.held) + " more of '" + s.key +
             "' held back by cooldown, the first at " +
             clock_text(s.first_held, now) + " UTC, the last at " + clock_text(s.last_held, now) +
             ")" + (s.last_held_line.empty() ? "" : "\n" + s.last_held_line);
  return out;
}

void record_summary(AlertState& s) {
  s.held = 0;
  s.last_held_line.clear();
  s.summary_id = 0;
}

bool count_run(AlertState& s, bool failed, int after) {
  if (!failed) {
    s.failures = 0;
    return false;
  }
  ++s.failures;
  return s.failures >= after;
}

Decision decide_run(AlertState& s, std::int64_t now, std::int64_t cooldown,
                    const RunEnding& run) {
  const int after = run.after < 1 ? 1 : run.after;
  // A failure is always wanted: run does not ask about one --on leaves out.
  if (run.failed) {
    if (count_run(s, true, after)) return decide(s, now, cooldown, false);
    Decision d;
    d.verdict = Verdict::nothing;
    d.why = "failure " + std::to_string(s.failures) + " of " + std::to_string(after) +
            " in a row: reported from the " + std::to_string(after) + ordinal(after) + " on";
    return d;
  }
  count_run(s, false, after);
  // After failure reports the fix is news, whatever --on says.
  if (s.in_trouble()) return decide(s, now, cooldown, true);
  Decision d;
  if (run.wanted) {
    d.quiet = true;
  } else {
    d.verdict = Verdict::nothing;
    d.why = "successes are not reported";
  }
  return d;
}

void remember(AlertState& state, bool ids, bool thread, const std::vector<std::string>& delivered,
              bool only_new) {
  std::vector<std::string> known;
  for (const auto& id : delivered)
    if (!id.empty()) known.push_back(id);
  if (known.empty()) return;
  if (ids && !(only_new && !state.message_ids.empty())) {
    for (std::size_t i = known.size(); i < state.message_ids.size(); ++i)
      known.push_back(state.message_ids[i]);
    state.message_ids = known;
  }
  if (thread && state.thread_id.empty()) state.thread_id = known.front();
}

}  // namespace notify::app::alerts
