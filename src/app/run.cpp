#include "app/run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>

#include "app/alerts/rules.hpp"
#include "app/targets.hpp"
#include "core/shell.hpp"
#include "message/sanitize.hpp"
#include "message/split.hpp"
#include "services/registry.hpp"
#include "services/service.hpp"

namespace notify::app {

namespace {

// The command's output as the report may show it: sanitised as it comes,
// and only the last `cap` bytes kept (amortised: trimmed when twice that).
class Tail {
 public:
  explicit Tail(std::size_t cap) : cap_(std::max<std::size_t>(cap, 1)) {}
  void add(std::string_view bytes) {
    sanitizer_.feed(bytes, text_);
    trim();
  }
  /// The text kept; dropped() says whether anything came before it.
  std::string finish() {
    sanitizer_.finish(text_);
    trim();
    return std::move(text_);
  }
  bool dropped() const { return dropped_; }

 private:
  void trim() {
    if (text_.size() <= 2 * cap_) return;
    std::size_t cut = text_.size() - cap_;
    // Never inside a UTF-8 sequence: the kept text stays valid.
    while (cut < text_.size() && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) ++cut;
    text_.erase(0, cut);
    dropped_ = true;
  }

  std::size_t cap_;
  message::Sanitizer sanitizer_;
  std::string text_;
  bool dropped_ = false;
};

// --- How much of the tail one part holds ----------------------------------------

// What the report's text may weigh at one profile the report can reach: the
// room one part leaves (title, code fence and files' note taken out), in
// the unit that profile's service counts.
struct Room {
  message::Unit unit;
  std::size_t units;
};

// The weight of one code point of `bytes` UTF-8 bytes.
std::size_t weight(message::Unit unit, std::size_t bytes) {
  switch (unit) {
    case message::Unit::code_points: return 1;
    case message::Unit::utf16: return bytes == 4 ? 2 : 1;
    case message::Unit::bytes: return bytes;
  }
  return bytes;
}

// A code block's text may grow where it is escaped: a zero-width space
// breaks up ``` (message::break_fences) and @channel
// (message::neutralize_mentions). Each ` and @ is weighed with one, so the
// escaped text still fits.
std::size_t escape_weight(message::Unit unit, char c) {
  return c == '`' || c == '@' ? weight(unit, 3) : 0;
}

std::size_t weight(message::Unit unit, std::string_view text) {
  std::size_t w = message::length_in(text, unit);
  for (char c : text) w += escape_weight(unit, c);
  return w;
}

// One room per profile the report may reach (its fallbacks too; not a
// notice_only one, which gets a notice instead of the text).
std::vector<Room> rooms_for(const config::Config& cfg, const std::vector<std::string>& targets,
                            const Draft& draft, const Overrides& overrides) {
  std::vector<Room> rooms;
  Draft without_body = draft;
  without_body.body.clear();
  for (const auto& name : reachable(cfg, targets)) {
    const auto p = effective(cfg.profiles.at(name), overrides);
    if (p.notice_only) continue;
    const auto m = message_for(p, without_body);
    Room room{services::service_of(p).schema.unit, services::make_service(p)->one_part_text(m)};
    // What message_for adds to the body (the files it cannot carry), and
    // the newline before it.
    const std::size_t added = m.body.empty() ? 0 : weight(room.unit, m.body) + 1;
    room.units = room.units > added ? room.units - added : 0;
    rooms.push_back(room);
  }
  return rooms;
}

// With no profile to send to, the report goes to stderr: its last MiB.
const std::vector<Room> kStderrRoom{{message::Unit::bytes, 1 << 20}};

// Bytes enough for the most text any room could take: a code point is at
// most 4 bytes, and a UTF-16 unit at most 3.
std::size_t tail_cap(const std::vector<Room>& rooms) {
  std::size_t cap = std::numeric_limits<std::size_t>::max();
  for (const auto& r : rooms) {
    const std::size_t per_unit = r.unit == message::Unit::bytes ? 1 : r.unit == message::Unit::utf16 ? 3 : 4;
    cap = std::min(cap, r.units * per_unit + 4);
  }
  return cap;
}

// Where the longest end of `text` that fits every room (less what `head`
// takes of it) starts: on a whole line when one fits, else on a grapheme
// boundary. text.size() when nothing fits.
std::size_t fitting_start(std::string_view text, std::string_view head, const std::vector<Room>& rooms) {
  std::vector<std::size_t> left;
  for (const auto& r : rooms) {
    const std::size_t h = weight(r.unit, head);
    left.push_back(r.units > h ? r.units - h : 0);
  }
  auto is_lead = [&](std::size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80; };
  std::size_t start = text.size();
  while (start > 0) {
    std::size_t lead = start - 1;
    while (lead > 0 && !is_lead(lead)) --lead;
    const std::size_t n = start - lead;
    bool fits = true;
    for (std::size_t k = 0; k < rooms.size() && fits; ++k)
      fits = weight(rooms[k].unit, n) + escape_weight(rooms[k].unit, text[lead]) <= left[k];
    if (!fits) break;
    for (std::size_t k = 0; k < rooms.size(); ++k)
      left[k] -= weight(rooms[k].unit, n) + escape_weight(rooms[k].unit, text[lead]);
    start = lead;
  }
  if (start == 0 || text[start - 1] == '\n') return start;
  if (const auto nl = text.find('\n', start); nl != std::string_view::npos && nl + 1 < text.size())
    return nl + 1;
  while (start < text.size() && !(is_lead(start) && message::is_grapheme_boundary(text, start))) ++start;
  return start;
}

constexpr std::string_view kLeftOut = "[... earlier output left out ...]\n";

// The report's body: the command line, then as much of the end of the
// output as one part of every room holds (a note first when some is left out).
std::string report_body(const std::string& cmdline, std::string out, bool dropped,
                        const std::vector<Room>& rooms) {
  std::string head = message::sanitize("$ " + cmdline) + "\n";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (out.empty()) return head + (dropped ? std::string(kLeftOut) + "(no output)" : "(no output)");
  if (!dropped && fitting_start(out, head, rooms) == 0) return head + out;
  head += kLeftOut;
  out.erase(0, fitting_start(out, head, rooms));
  if (out.empty()) head.pop_back();  // not even a line fits: the note says it
  return head + out;
}

// How the command ended, in the report's words.
struct Ending {
  int exit_status = 0;
  std::string how;  // "exit 3", "killed by signal 9 (Killed)"
  bool ok = false;
};

Ending ending_of(const CommandEnd& end) {
  Ending e;
  if (end.exec_errno != 0) {
    e.exit_status = end.exec_errno == ENOENT ? 127 : 126;
    e.how = std::string("could not start: ") + std::strerror(end.exec_errno);
  } else if (end.signal != 0) {
    e.exit_status = 128 + end.signal;
    e.how = "killed by signal " + std::to_string(end.signal) + " (" + strsignal(end.signal) + ")";
  } else {
    e.exit_status = end.exit_code;
    e.how = "exit " + std::to_string(end.exit_code);
    e.ok = end.exit_code == 0;
  }
  return e;
}

bool wanted(ReportOn on, bool ok) {
  switch (on) {
    case ReportOn::always: return true;
    case ReportOn::success: return ok;
    case ReportOn::failure: return !ok;
  }
  return true;
}

std::string duration_text(double seconds) {
  std::ostringstream out;
  out.precision(seconds < 10 ? 2 : 0);
  out << std::fixed << seconds << " s";
  return out.str();
}

// --live's first message, to the targets that can edit it later: their
// message ids by target. Not journalled: a running message delivered late
// would say something no longer true, and the report goes out anyway.
std::map<std::string, std::vector<std::string>> post_running(const config::Config& cfg,
                                                             const RunRequest& req,
                                                             const std::string& cmdline,
                                                             World& world) {
  std::vector<std::string> editable;
  for (const auto& t : *req.targets)
    if (const auto it = cfg.profiles.find(t);
        it != cfg.profiles.end() && services::service_of(it->second).capabilities.edit)
      editable.push_back(t);
  std::map<std::string, std::vector<std::string>> ids;
  if (editable.empty()) return ids;
  Draft running = req.base;
  running.title.clear();
  running.files.clear();
  running.code = false;
  running.markdown = false;
  // News of nothing yet: it should not ring; the report is what matters.
  running.priority = Priority::low;
  const auto now = world.clock_or_default().unix_seconds();
  running.body = message::sanitize("running " + cmdline + " on " + req.host + " since " +
                                   alerts::clock_text(now, now) + " UTC");
  SendOptions opts;
  opts.overrides = req.send.overrides;
  // Tried once: the job must not wait out retries for a courtesy message.
  opts.overrides.retries = 0;
  opts.journal = false;
  const auto sent = send(cfg, editable, running, opts, world);
  for (const auto& oc : sent.outcomes) {
    if (!oc.delivered || oc.via != oc.target) continue;
    std::vector<std::string> known;
    for (const auto& id : oc.message_ids)
      if (!id.empty()) known.push_back(id);
    if (!known.empty()) ids[oc.target] = std::move(known);
  }
  return ids;
}

constexpr int kStartPingSeconds = 5;

// The start pings: tried once and not journalled (a start heard after the
// end would say the job runs again). Returns the smallest body limit the
// servers answered with (0: none said), which the end ping's report keeps to.
std::size_t ping_start(const config::Config& cfg, const RunRequest& req,
                       const std::vector<std::string>& targets, const std::string& run_id,
                       World& world) {
  if (targets.empty()) return 0;
  Draft start = req.base;
  start.title.clear();
  start.body.clear();
  start.files.clear();
  start.beat.kind = Beat::Kind::start;
  start.beat.run_id = run_id;
  SendOptions opts;
  opts.overrides = req.send.overrides;
  opts.overrides.retries = 0;
  // The command waits for it: a server that does not answer delays the
  // job by at most this much.
  opts.overrides.timeout_s = std::min(opts.overrides.timeout_s.value_or(kStartPingSeconds), kStartPingSeconds);
  opts.journal = false;
  std::size_t limit = 0;
  for (const auto& oc : send(cfg, targets, start, opts, world).outcomes)
    for (const auto& id : oc.message_ids)
      if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 10) {
        const std::size_t n = std::stoul(id);
        if (n > 0 && (limit == 0 || n < limit)) limit = n;
      }
  return limit;
}

void add_sent(SendResult& into, SendResult more) {
  for (auto& o : more.outcomes) into.outcomes.push_back(std::move(o));
  for (auto& d : more.dry_run) into.dry_run.push_back(std::move(d));
  for (auto& l : more.lost) into.lost.push_back(std::move(l));
  if (into.unspooled_reason.empty()) into.unspooled_reason = std::move(more.unspooled_reason);
  into.exit_status = std::max(into.exit_status, more.exit_status);
}

}  // namespace

RunResult run(const config::Config& cfg, const RunRequest& req, ProcessRunner& runner, World& world) {
  RunResult result;
  Draft draft = req.base;
  draft.code = true;
  // What is kept while the command runs is bounded by the room without a
  // title; the title, known at its end, takes its share then.
  // Only notice_only targets (no text goes anywhere): bounded all the same.
  // Heartbeat profiles (PRODUCT.md "Heartbeats") hear of every run, whatever
  // --on, --after or a cooldown say: a dead-man switch that misses a run
  // raises a false alarm.
  const auto beats = req.targets ? heartbeat_targets(cfg, *req.targets) : std::vector<std::string>{};
  std::vector<std::string> chats;
  if (req.targets)
    for (const auto& t : *req.targets)
      if (std::find(beats.begin(), beats.end(), t) == beats.end()) chats.push_back(t);
  // The chats' report fits their parts; the heartbeats' is fitted to the
  // largest of their rooms (each keeps what it can: the tail, or a line).
  auto rooms_now = [&] {
    auto rooms = req.targets ? rooms_for(cfg, chats, draft, req.send.overrides) : kStderrRoom;
    return rooms.empty() ? kStderrRoom : rooms;
  };
  auto beat_rooms = [&] {
    std::vector<Room> rooms;
    for (const auto& room : rooms_for(cfg, beats, draft, req.send.overrides))
      if (rooms.empty() || room.units > rooms.front().units) rooms = {room};
    return rooms;
  };
  // Enough kept for whichever report wants the most.
  Tail tail(beats.empty() ? tail_cap(rooms_now())
                          : std::max(chats.empty() ? 0 : tail_cap(rooms_now()), tail_cap(beat_rooms())));
  std::string cmdline;
  for (const auto& a : req.argv) cmdline += (cmdline.empty() ? "" : " ") + shell_quote(a);
  const std::string run_id = beats.empty() ? "" : world.random_or_default().uuid4();
  const std::size_t body_limit =
      req.send.dry_run ? 0 : ping_start(cfg, req, heartbeat_targets(cfg, beats, true), run_id, world);
  const auto live = req.live && req.targets && !req.send.dry_run && !chats.empty()
                        ? post_running(cfg, req, cmdline, world)
                        : std::map<std::string, std::vector<std::string>>{};
  // Whoever stopped us while the start was announced does not want the job
  // started now (as before the profile file was read).
  if (world.stop.requested && world.stop.requested()) {
    result.stopped_before_start = true;
    return result;
  }
  auto ended = runner.run(req.argv, [&](int stream, std::string_view bytes) {
    if (req.echo) req.echo(stream, bytes);
    tail.add(bytes);
  });
  if (!ended) {
    result.exit_status = 1;
    result.not_run = ended.error().message;
    return result;
  }
  const Ending e = ending_of(*ended);
  result.exit_status = e.exit_status;
  if (ended->exec_errno != 0)
    world.tell(Level::error, "run: " + req.argv[0] + ": " + std::strerror(ended->exec_errno));
  const bool asked = wanted(req.on, e.ok);
  // A success not asked for still counts with a key (a dry run has none):
  // it resets --after's count and says "resolved" after failure reports.
  // Without a state directory nothing can be counted: then keyed only when
  // asked for, and the warning says why nothing is.
  const bool alerts_asked =
      !req.send.alert.key.empty() || req.send.alert.cooldown_s || req.after > 1;
  const bool keyed = req.targets && !req.send.dry_run && (world.alerts_dir || alerts_asked);
  if (!asked && !(keyed && e.ok) && live.empty() && beats.empty()) return result;

  SendOptions send_opts = req.send;
  for (const auto& [target, ids] : live) draft.anchors[target].edit = ids;
  if (keyed) {
    if (send_opts.alert.key.empty()) send_opts.alert.key = "run:" + cmdline;
    send_opts.alert.resolve = false;
    send_opts.run = RunAlert{!e.ok, req.after, asked};
  }
  // Good news need not ring: under --on always a success is reported low,
  // and --priority (or the profile's level) is for the failures.
  if (req.on == ReportOn::always && e.ok) draft.priority = Priority::low;
  const std::string name = req.argv[0].substr(req.argv[0].rfind('/') + 1);
  draft.title = message::sanitize(req.title.value_or(name + (e.ok ? " succeeded" : " failed")) +
                                  " (" + e.how + ", " + duration_text(ended->seconds) + " on " +
                                  req.host + ")");
  // Before the body is cut: a file a profile cannot carry is named in its
  // text, which takes room too.
  if (req.targets && req.attach)
    if (auto files = req.attach(draft); !files) result.unsent_reason = files.error().message;
  std::string out = tail.finish();
  const std::string beat_body =
      beats.empty() ? "" : report_body(cmdline, out, tail.dropped(), beat_rooms());
  draft.body = chats.empty() && !beats.empty()
                   ? beat_body
                   : report_body(cmdline, std::move(out), tail.dropped(), rooms_now());
  if (!asked && !result.unsent_reason.empty() && beats.empty()) {
    result.unsent_reason.clear();  // a --file error is for the reports asked for
    return result;
  }
  result.report = draft;
  if (!req.targets || !result.unsent_reason.empty()) return result;
  // Unasked and uncounted, only the running messages are owed their end.
  std::vector<std::string> to = chats;
  if (!asked && !(keyed && e.ok) && live.empty()) to.clear();  // only heartbeats hear of it
  if (!asked && !keyed) {
    to.clear();
    for (const auto& [target, ids] : live) to.push_back(target);
  }
  SendResult sent;
  if (!beats.empty()) {
    // The exit status, whatever --on says, with no key to hold it back;
    // journalled and retried like any message.
    Draft end = draft;
    end.body = beat_body;
    end.beat = {Beat::Kind::exit, e.exit_status, run_id,
                static_cast<std::int64_t>(ended->seconds * 1000 + 0.5), body_limit};
    SendOptions beat_opts;
    beat_opts.overrides = req.send.overrides;
    beat_opts.dry_run = req.send.dry_run;
    beat_opts.journalled = req.send.journalled;
    sent = send(cfg, beats, end, beat_opts, world);
  }
  if (!to.empty()) {
    auto chat_sent = send(cfg, to, draft, send_opts, world);
    // A success not asked for that had nothing to resolve: as if not run.
    const bool nothing = !asked && std::all_of(chat_sent.outcomes.begin(), chat_sent.outcomes.end(),
                                               [](const Outcome& oc) { return !oc.skipped.empty(); });
    if (!nothing) add_sent(sent, std::move(chat_sent));
  }
  if (sent.outcomes.empty() && sent.dry_run.empty()) {
    result.report.reset();
    return result;
  }
  result.sent = std::move(sent);
  return result;
}

}  // namespace notify::app
