#include "app/alerts/quiet_hours.hpp"

#include <algorithm>
#include <ctime>

#include "app/targets.hpp"
#include "core/daily_window.hpp"

namespace notify::app::alerts {

namespace {

UtcOffset offset_of(const Clock& clock) {
  return [&clock](std::int64_t t) { return clock.utc_offset(t); };
}

// When a held message came, by the local clock: "23:12", with the date in
// front once it is a day or more before `now` (a flush that ran late).
std::string local_stamp(std::int64_t when, std::int64_t now, const Clock& clock) {
  const auto local = static_cast<std::time_t>(when + clock.utc_offset(when));
  std::tm tm{};
  ::gmtime_r(&local, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, now - when >= 86400 ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
  return buf;
}

// The level a draft asked for itself; nullopt: the profile's.
std::optional<Priority> own_level(const Draft& d) {
  if (d.priority) return d.priority;
  if (d.silent) return Priority::low;
  return std::nullopt;
}

}  // namespace

std::optional<QuietHold> quiet_hold(const config::Profile& profile, const Draft& draft,
                                    std::int64_t now, const Clock& clock) {
  if (!profile.quiet_hours || level_for(profile, draft) >= profile.quiet_below) return std::nullopt;
  const auto offset = offset_of(clock);
  const auto end = window_end(*profile.quiet_hours, now, offset);
  if (!end) return std::nullopt;
  return QuietHold{window_text(*profile.quiet_hours), *end, local_clock_text(*end, offset)};
}

std::string hold_text(const QuietHold& hold) {
  return hold.window + " until " + hold.until_local;
}

Result<std::uint64_t> keep_for_quiet_hours(const config::Config& cfg, const std::string& target,
                                           const Draft& draft, const QuietHold& hold,
                                           const std::string& batch_of, std::int64_t now,
                                           const World& world) {
  if (!world.spool_dir)
    return make_error(ErrorKind::io, "there is no spool: neither XDG_STATE_HOME nor HOME is set");
  spool::Record r;
  r.message = draft;
  r.targets = {target};
  r.created_unix = now;
  r.config_path = cfg.absolute_path;
  r.batch_of = batch_of;
  r.due_unix = hold.until;
  r.quiet = spool::Record::QuietHold{hold.window};
  auto journal = spool::Spool(*world.spool_dir).begin(r);
  if (!journal) return journal.error();
  // It waits for hours, not for a request or two: on disk, not only in the
  // page cache, before the sender is told it is kept.
  journal->sync();
  return r.id;
}

bool digestible(const spool::Record& r) {
  return r.quiet && r.message.files.empty() && !r.stream_open && r.damaged.empty() &&
         r.targets.size() == 1;
}

Draft digest_draft(const std::vector<spool::Record>& held, const config::Profile* profile,
                   std::int64_t now, const Clock& clock) {
  Draft d;
  if (held.empty()) return d;
  const std::string window = held.front().quiet ? held.front().quiet->window : "";
  d.body = std::to_string(held.size()) + (held.size() == 1 ? " message" : " messages") +
           " held during quiet hours" + (window.empty() ? "" : " " + window) + ":";
  bool markdown = true, notice = true;
  std::optional<Priority> level;
  for (const auto& r : held) {
    const Draft& m = r.message;
    std::string text = m.title.empty() ? m.body : m.title + (m.body.empty() ? "" : "\n" + m.body);
    d.body += "\n\n[" + local_stamp(r.created_unix, now, clock) + "] " + text;
    markdown = markdown && m.markdown;
    notice = notice && m.notice;
    const auto l = profile ? std::optional<Priority>(level_for(*profile, m)) : own_level(m);
    if (l && (!level || *l > *level)) level = l;
    d.max_parts = std::max(d.max_parts, m.max_parts);
  }
  const Draft& first = held.front().message;
  d.markdown = markdown;
  d.notice = notice;
  d.priority = level;
  d.username = first.username;
  d.icon = first.icon;
  d.channel = first.channel;
  return d;
}

Result<Digest> make_digest(const spool::Spool& sp, spool::Journal first,
                           const std::vector<spool::Listed>& pending,
                           const std::set<std::uint64_t>& skip, const config::Profile* profile,
                           std::int64_t now, bool dry_run, const World& world) {
  const spool::Record head = first.record();
  auto same_kind = [&](const spool::Record& r) {
    return digestible(r) && r.due_unix <= now && r.targets == head.targets &&
           r.config_path == head.config_path;
  };
  std::vector<spool::Journal> claimed;
  std::vector<spool::Record> held{head};
  claimed.push_back(std::move(first));
  for (const auto& e : pending) {
    if (e.id == head.id || skip.count(e.id) || !same_kind(e.record)) continue;
    spool::Journal j;
    std::string why;
    if (sp.claim(e.id, false, j, &why) != spool::Spool::ClaimStatus::claimed) continue;
    if (!same_kind(j.record())) continue;  // changed since the listing
    held.push_back(j.record());
    claimed.push_back(std::move(j));
  }
  std::stable_sort(held.begin(), held.end(),
                   [](const spool::Record& a, const spool::Record& b) { return a.id < b.id; });

  Digest out;
  for (const auto& r : held) out.ids.push_back(r.id);
  spool::Record& r = out.record;
  r.message = digest_draft(held, profile, now, world.clock_or_default());
  r.targets = head.targets;
  r.created_unix = now;  // made now: not a late delivery, no "queued" note
  r.config_path = head.config_path;
  r.digest_of = out.ids;
  if (dry_run) return out;
  auto journal = sp.begin(r);
  if (!journal) return journal.error();
  // The digest on disk before the messages it holds are gone: a crash in
  // between leaves both, and the next flush removes the held ones it finds
  // in a digest (Record::digest_of) instead of sending them again.
  journal->sync();
  for (auto& j : claimed)
    if (auto removed = j.remove(); !removed)
      world.tell(Level::warning, "message " + std::to_string(j.record().id) +
                                     " is in digest " + std::to_string(r.id) +
                                     " but could not be removed (" + removed.error().message +
                                     "); the next flush removes it");
  out.journal = std::move(*journal);
  out.record = out.journal.record();
  return out;
}

}  // namespace notify::app::alerts
