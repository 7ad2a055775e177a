#include "app/send.hpp"

#include "app/alerts/keyed_send.hpp"
#include "app/alerts/quiet_hours.hpp"
#include "app/round.hpp"
#include "services/registry.hpp"

#include <algorithm>

namespace notify::app {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// One message (the draft, or the notice) to some of the targets, with its
// own journal: the journal of a notice never holds the text.
struct Round {
  spool::Record record;
  Planned planned;
  std::optional<spool::Journal> journal;
};

Round prepare(const config::Config& cfg, const std::vector<std::string>& targets, const Draft& draft,
              const SendOptions& opts, World& world, SendResult& result) {
  Round round;
  spool::Record& record = round.record;
  record.message = draft;
  record.targets = targets;
  record.created_unix = world.clock_or_default().unix_seconds();
  record.config_path = cfg.absolute_path;
  record.batch_of = opts.batch_of;
  RoundOptions ro;
  ro.overrides = opts.overrides;
  ro.dry_run = opts.dry_run;
  round.planned = plan_round(cfg, record, nullptr, ro, world);
  if (opts.dry_run || !opts.journal) return round;

  spool::Record kept = record;
  kept.targets = kept_targets(cfg, targets, draft);
  if (kept.targets.empty()) return round;
  if (!world.spool_dir) {
    result.unspooled_reason = "neither XDG_STATE_HOME nor HOME is set";
  } else if (auto j = spool::Spool(*world.spool_dir).begin(kept); j) {
    round.journal = std::move(*j);
  } else {
    result.unspooled_reason = j.error().message;
  }
  if (!result.unspooled_reason.empty())
    world.tell(Level::warning, "cannot write the spool (" + result.unspooled_reason +
                                   "); sending without a safety copy");
  return round;
}

void deliver(Round& r, const SendOptions& opts, World& world, SendResult& result) {
  if (opts.dry_run) {
    for (auto& d : dry_runs(r.planned)) result.dry_run.push_back(std::move(d));
    return;
  }
  auto& journal = r.journal;
  auto round = run_round(r.planned, journal ? &*journal : nullptr, world);
  std::vector<std::string> pending, dead;
  if (journal) {
    auto settled = journal->settle();
    if (settled) {
      pending = settled->pending;
      dead = settled->dead;
    } else {
      world.tell(Level::error, "updating the spool: " + settled.error().message);
      for (const auto& oc : round.outcomes)
        if (!oc.delivered && oc.skipped.empty()) pending.push_back(oc.target);
    }
  }
  const auto id = journal ? std::to_string(journal->record().id) : std::string();
  for (auto& oc : round.outcomes) {
    if (oc.delivered || !oc.skipped.empty()) continue;
    result.exit_status = 1;
    if (contains(pending, oc.target) || contains(dead, oc.target)) {
      oc.spooled = true;
      oc.dead = contains(dead, oc.target);
      oc.spool_id = id;
    } else if (opts.journal) {
      result.lost.push_back(oc.target);
    }
  }
  for (auto& oc : round.outcomes) result.outcomes.push_back(std::move(oc));
}

// Targets in their quiet hours keep the message in the spool, due when the
// window ends; the others are returned, to be sent now. One that cannot
// keep it gets it now: quiet hours never cost a message.
std::vector<std::string> hold_quiet(const config::Config& cfg, const std::vector<std::string>& targets,
                                    const Draft& draft, const SendOptions& opts, World& world,
                                    SendResult& result) {
  std::vector<std::string> now_targets;
  const auto now = world.clock_or_default().unix_seconds();
  for (const auto& t : targets) {
    const auto it = cfg.profiles.find(t);
    // A profile that skips the level takes no part, quiet or not. An edit
    // in place rings nobody, so a status board stays current at night.
    const auto anchor = draft.anchors.find(t);
    const bool edits = anchor != draft.anchors.end() && !anchor->second.edit.empty();
    const auto hold = it == cfg.profiles.end() || edits || !skip_reason(it->second, draft).empty()
                          ? std::nullopt
                          : alerts::quiet_hold(it->second, draft, now, world.clock_or_default());
    if (!hold) {
      now_targets.push_back(t);
      continue;
    }
    if (opts.dry_run) {
      DryRun d;
      d.target = t;
      d.profile = t;
      d.kind = it->second.type;
      d.quiet = alerts::hold_text(*hold);
      result.dry_run.push_back(std::move(d));
      continue;
    }
    const Draft kept = it->second.notice_only && !is_notice(draft)
                           ? notice_of(draft, full_text_targets(cfg, targets, draft))
                           : draft;
    auto id = alerts::keep_for_quiet_hours(cfg, t, kept, *hold, opts.batch_of, now, world);
    if (!id) {
      world.tell(Level::warning, t + ": cannot keep the message for quiet hours (" +
                                     id.error().message + "); it goes now");
      now_targets.push_back(t);
      continue;
    }
    world.tell(Level::verbose, t + ": kept for quiet hours " + alerts::hold_text(*hold) +
                                   " (spool id " + std::to_string(*id) +
                                   "); the first flush after then sends it in one digest");
    Outcome oc;
    oc.target = t;
    oc.quiet_hours = hold->window;
    oc.quiet_until = hold->until;
    oc.quiet_until_local = hold->until_local;
    oc.spooled = true;
    oc.spool_id = std::to_string(*id);
    result.outcomes.push_back(std::move(oc));
  }
  return now_targets;
}

// The message to every target as it is: what `send` does for a message
// without a key, and for each part of a keyed one that goes out.
SendResult send_now(const config::Config& cfg, const std::vector<std::string>& all_targets,
                    const Draft& draft, const SendOptions& opts, World& world) {
  SendResult result;
  // Connectivity checks (no journal) are answered now, whatever the hour.
  const std::vector<std::string> targets =
      opts.journal ? hold_quiet(cfg, all_targets, draft, opts, world, result) : all_targets;
  // notice_only targets get their own message: a notice, made and kept
  // apart, so neither their requests nor their spool entry hold the text.
  std::vector<std::string> full, notice;
  for (const auto& t : targets) {
    const auto it = cfg.profiles.find(t);
    (it != cfg.profiles.end() && it->second.notice_only ? notice : full).push_back(t);
  }
  // Journal first, for both: a death while the full text goes out must not
  // cost the notice targets their message.
  std::vector<Round> rounds;
  rounds.reserve(2);
  if (!full.empty()) rounds.push_back(prepare(cfg, full, draft, opts, world, result));
  if (!notice.empty())
    rounds.push_back(prepare(cfg, notice, notice_of(draft, full_text_targets(cfg, all_targets, draft)),
                             opts, world, result));
  if (opts.journalled) opts.journalled(result.unspooled_reason.empty());
  for (auto& r : rounds) deliver(r, opts, world, result);

  // The caller's order, whatever order the targets finished in.
  auto order = [&](const std::string& t) {
    return std::find(all_targets.begin(), all_targets.end(), t);
  };
  std::stable_sort(result.outcomes.begin(), result.outcomes.end(),
                   [&](const delivery::Outcome& a, const delivery::Outcome& b) {
                     return order(a.target) < order(b.target);
                   });
  std::stable_sort(result.dry_run.begin(), result.dry_run.end(),
                   [&](const DryRun& a, const DryRun& b) { return order(a.target) < order(b.target); });
  return result;
}

}  // namespace

SendResult send(const config::Config& cfg, const std::vector<std::string>& targets,
                const Draft& draft, const SendOptions& opts, World& world) {
  // The key goes with the message (and into the journal), for a service
  // that shows it; the rules keep reading opts.alert.
  // (A copy only when it differs: a draft may hold megabytes of files.)
  if (draft.key != opts.alert.key) {
    Draft keyed = draft;
    keyed.key = opts.alert.key;
    return send(cfg, targets, keyed, opts, world);
  }
  if (opts.alert.key.empty() || opts.dry_run) return send_now(cfg, targets, draft, opts, world);
  return alerts::send_keyed(cfg, targets, draft, opts, world, send_now);
}

std::vector<std::string> heartbeat_targets(const config::Config& cfg,
                                           const std::vector<std::string>& targets,
                                           bool with_start) {
  std::vector<std::string> out;
  for (const auto& t : targets)
    if (const auto it = cfg.profiles.find(t); it != cfg.profiles.end()) {
      const auto& can = services::service_of(it->second).capabilities;
      if (can.heartbeat && (!with_start || can.heartbeat_start)) out.push_back(t);
    }
  return out;
}

}  // namespace notify::app
