#include "app/alerts/keyed_send.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "app/alerts/rules.hpp"
#include "app/alerts/store.hpp"
#include "app/alerts/summary_spool.hpp"
#include "app/alerts/superseded.hpp"
#include "services/registry.hpp"

namespace notify::app::alerts {

namespace {

std::int64_t cooldown_of(const config::Config& cfg, const std::string& target,
                         const AlertOptions& alert) {
  if (alert.cooldown_s) return *alert.cooldown_s;
  const auto it = cfg.profiles.find(target);
  return it == cfg.profiles.end() ? 0 : it->second.cooldown_s;
}

// Every target's state, opened and locked in name order: two processes
// sending one key to "a,b" and "b,a" never wait on each other in a circle.
// A target whose state cannot be had is sent to as if the key were new.
std::map<std::string, std::optional<AlertFile>> open_states(const std::vector<std::string>& targets,
                                                            const std::string& key,
                                                            const World& world) {
  std::map<std::string, std::optional<AlertFile>> files;
  for (const auto& t : targets) files[t];
  if (!world.alerts_dir) {
    world.tell(Level::warning, "cannot keep the state of key '" + key +
                                   "' (neither XDG_STATE_HOME nor HOME is set): nothing is "
                                   "held back");
    return files;
  }
  const AlertStore store(*world.alerts_dir);
  for (auto& [target, file] : files) {
    auto opened = store.open(key, target, [&, t = target] {
      world.tell(Level::verbose, t + ": waiting for another notify sending key '" + key + "'");
    });
    if (!opened) {
      world.tell(Level::warning, target + ": cannot read the state of key '" + key + "' (" +
                                     opened.error().message + "): nothing is held back");
      continue;
    }
    if (!opened->damage().empty()) world.tell(Level::warning, opened->damage());
    file.emplace(std::move(*opened));
  }
  return files;
}

void save(const AlertFile& file, const std::string& target, const World& world) {
  if (auto saved = file.save(); !saved)
    world.tell(Level::warning, target + ": cannot save the state of key '" +
                                   file.state().key + "': " + saved.error().message);
}

config::Capabilities capabilities_of(const config::Config& cfg, const std::string& target) {
  const auto it = cfg.profiles.find(target);
  if (it == cfg.profiles.end()) return {};
  return services::service_of(it->second).capabilities;
}

// What the key's message replaces or answers on this target (the ids its
// state remembers, where the service can use them), and what the key keeps
// of it when a flush delivers it instead.
Anchor anchor_of(const AlertState& state, const AlertOptions& alert,
                 const config::Capabilities& can) {
  Anchor a;
  a.keep_ids = alert.edit && can.edit;
  a.keep_thread = alert.reply && can.reply;
  if (a.keep_ids) a.edit = state.message_ids;
  if (a.keep_thread) a.reply_to = state.thread_id;
  if (a.keep_ids || a.keep_thread) a.key = alert.key;
  return a;
}

void merge(SendResult& into, SendResult&& part) {
  for (auto& oc : part.outcomes) into.outcomes.push_back(std::move(oc));
  for (auto& d : part.dry_run) into.dry_run.push_back(std::move(d));
  for (auto& t : part.lost) into.lost.push_back(std::move(t));
  if (into.unspooled_reason.empty()) into.unspooled_reason = std::move(part.unspooled_reason);
  into.exit_status = std::max(into.exit_status, part.exit_status);
}

}  // namespace

SendResult send_keyed(const config::Config& cfg, const std::vector<std::string>& targets,
                      const Draft& draft, const SendOptions& opts, World& world,
                      SendNow send_now) {
  const AlertOptions& alert = opts.alert;
  const std::int64_t now = world.clock_or_default().unix_seconds();
  auto files = open_states(targets, alert.key, world);

  SendResult result;
  std::map<std::string, std::vector<std::string>> by_line;  // its line -> targets going out
  std::map<std::string, Decision> going;
  std::map<std::string, Anchor> anchors;
  for (const auto& t : targets) {
    auto& file = files[t];
    AlertState none;  // for a target without a state: a new key
    AlertState& state = file ? file->state() : none;
    Anchor anchor = anchor_of(state, alert, capabilities_of(cfg, t));
    // `run --live`'s running message: its report replaces it, whatever the
    // rules would say, so that it does not stay saying "running".
    const auto given = draft.anchors.find(t);
    const bool live = given != draft.anchors.end() && !given->second.edit.empty();
    if (live) anchor.edit = given->second.edit;
    // An edit in place adds no message: cooldown holds back only new ones.
    const std::int64_t cooldown = anchor.edit.empty() ? cooldown_of(cfg, t, alert) : 0;
    Decision d =
        // Without its state a run cannot be counted: each failure is news.
        opts.run ? decide_run(state, now, cooldown,
                              {opts.run->failed, file ? opts.run->after : 1, opts.run->wanted})
                  : decide(state, now, cooldown, alert.resolve);
    if (live && d.verdict != Verdict::send) {
      d = Decision{};
      d.quiet = true;  // goes out, changes nothing of the key's state
    }
    if (!anchor.empty()) anchors[t] = std::move(anchor);
    if (d.verdict == Verdict::send) {
      by_line[d.line].push_back(t);
      going.emplace(t, d);
      continue;
    }
    Outcome oc;
    oc.target = t;
    if (d.verdict == Verdict::hold) {
      oc.held = d.held;
      world.tell(Level::verbose,
                 t + ": held back by cooldown (" + std::to_string(d.held) + " so far)");
      if (file) {
        record(state, d, now, alert.resolve, draft.body);
        // A count is never left unsaid: if no message of the key goes out
        // before the window ends, a flush then sends this summary.
        if (!opts.dry_run) keep_summary(cfg, t, state, cooldown, draft, now, world);
        save(*file, t, world);
      }
    } else {
      oc.skipped = !d.why.empty() ? d.why
                                  : "nothing to resolve: key '" + alert.key +
                                        "' is not in trouble here";
    }
    result.outcomes.push_back(std::move(oc));
  }

  // One message per line: each target's count is its own.
  SendOptions plain = opts;
  plain.alert = {};
  plain.run.reset();
  bool all_kept = true;
  std::size_t journalled = 0;
  plain.journalled = [&](bool kept) {
    all_kept = all_kept && kept;
    if (++journalled == by_line.size() && opts.journalled) opts.journalled(all_kept);
  };
  if (by_line.empty() && opts.journalled) opts.journalled(true);
  for (const auto& [line, group] : by_line) {
    Draft with_line = draft;
    if (!line.empty()) with_line.body = line + (draft.body.empty() ? "" : "\n" + draft.body);
    with_line.anchors.clear();
    for (const auto& t : group)
      if (const auto a = anchors.find(t); a != anchors.end()) with_line.anchors[t] = a->second;
    merge(result, send_now(cfg, group, with_line, plain, world));
  }

  for (const auto& oc : result.outcomes) {
    const auto it = going.find(oc.target);
    if (it == going.end() || !files[oc.target]) continue;
    if (!oc.delivered && !(oc.spooled && !oc.dead)) continue;
    auto& file = *files[oc.target];
    record(file.state(), it->second, now, alert.resolve, draft.body);
    // A fallback's ids are another service's: never this target's.
    if (const auto a = anchors.find(oc.target);
        oc.delivered && oc.via == oc.target && a != anchors.end()) {
      remember(file.state(), a->second.keep_ids, a->second.keep_thread, oc.message_ids);
      if (!a->second.edit.empty())
        drop_superseded_edits(oc.target, a->second.edit.front(), now, world);
    }
    if (!opts.run) save(file, oc.target, world);
  }
  // A run is counted (--after) whatever became of its report.
  if (opts.run)
    for (const auto& [target, file] : files)
      if (file) save(*file, target, world);

  auto order = [&](const std::string& t) { return std::find(targets.begin(), targets.end(), t); };
  std::stable_sort(result.outcomes.begin(), result.outcomes.end(),
                   [&](const Outcome& a, const Outcome& b) { return order(a.target) < order(b.target); });
  return result;
}

}  // namespace notify::app::alerts
