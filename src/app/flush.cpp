#include "app/flush.hpp"

#include <algorithm>

namespace notify::app {

namespace {

// A journal that contradicts its record cannot say what was delivered:
// the whole message becomes a dead letter, never a delivered one, and
// `notify spool retry` decides to send again what it does not prove.
Result<void> bury_damaged(spool::Journal& journal, std::uint64_t id, FlushResult& result) {
  const std::string reason = "journal damaged: " + journal.record().damaged;
  const auto targets = journal.record().targets;
  for (const auto& t : targets) {
    auto state = journal.record().state.count(t) ? journal.record().state.at(t)
                                                 : spool::TargetState{};
    state.last_error = reason;
    state.dead = true;
    journal.append(spool::event_failed(t, state));
  }
  auto settled = journal.settle();
  if (!settled) return make_error(ErrorKind::io, settled.error().message);
  for (const auto& t : targets) {
    delivery::Outcome oc;
    oc.target = t;
    oc.error = reason;
    oc.spooled = true;
    oc.dead = true;
    oc.spool_id = std::to_string(id);
    ++result.dead;
    result.items.push_back({id, std::move(oc), true});
  }
  return {};
}

}  // namespace

Result<FlushResult> flush(const config::Config& cfg, const FlushOptions& opts, World& world) {
  if (!world.spool)
    return make_error(ErrorKind::io, "no spool: neither XDG_STATE_HOME nor HOME is set");
  const auto& sp = *world.spool;
  // Never send what could not be marked done afterwards.
  if (auto w = sp.check_writable(); !w)
    return make_error(ErrorKind::io, w.error().message + "; nothing was sent");
  sp.tidy();

  FlushResult result;
  auto listing = sp.list();
  for (const auto& r : listing.refused) result.refused.push_back(r.text());
  // A target whose message could not go now keeps its later ones back too:
  // they must arrive in order.
  std::set<std::string> held_back;
  auto wanted = [&](const std::string& t) { return !opts.only || opts.only->count(t); };
  for (const auto& entry : listing.pending) {
    if (world.stop.requested && world.stop.requested()) {
      result.stopped = true;
      for (const auto& t : entry.record.targets)
        if (wanted(t)) ++result.left;
      continue;
    }
    spool::Journal journal;
    std::string why;
    switch (sp.claim(entry.id, false, journal, &why)) {
      case spool::Spool::ClaimStatus::gone:
        continue;
      case spool::Spool::ClaimStatus::refused:
        result.refused.push_back(entry.path + ": " + why + "; left alone");
        continue;
      case spool::Spool::ClaimStatus::busy:
        // Being sent or flushed by another notify right now.
        world.tell(Level::verbose, "message " + std::to_string(entry.id) +
                                       " is being delivered by another notify; skipped");
        for (const auto& t : entry.record.targets) held_back.insert(t);
        continue;
      case spool::Spool::ClaimStatus::claimed:
        break;
    }
    if (!journal.record().damaged.empty()) {
      if (!std::any_of(journal.record().targets.begin(), journal.record().targets.end(), wanted))
        continue;
      if (opts.dry_run) {
        world.tell(Level::warning, "message " + std::to_string(entry.id) + ": journal damaged: " +
                                       journal.record().damaged +
                                       "; a flush makes it a dead letter");
        continue;
      }
      if (auto dead = bury_damaged(journal, entry.id, result); !dead) return dead.error();
      continue;
    }
    spool::Record record = journal.record();
    RoundOptions ro;
    ro.overrides = opts.overrides;
    ro.dry_run = opts.dry_run;
    for (const auto& t : record.targets) {
      if (!wanted(t)) continue;
      if (held_back.count(t)) {
        ++result.left;
        continue;
      }
      ro.only.push_back(t);
    }
    if (ro.only.empty()) continue;
    auto planned = plan_round(cfg, record, opts.dry_run ? nullptr : &journal, ro, world);
    if (opts.dry_run) {
      for (auto& d : dry_runs(planned)) result.dry_run.push_back(std::move(d));
      continue;
    }
    auto round = run_round(planned, &journal, world);
    auto settled = journal.settle();
    if (!settled) return make_error(ErrorKind::io, settled.error().message);
    for (auto& oc : round.outcomes) {
      const auto& dead = settled->dead;
      if (!oc.skipped.empty()) {
        // The profile now takes only louder messages: done with, not kept.
      } else if (oc.delivered) {
        ++result.delivered;
      } else {
        oc.spooled = true;
        oc.spool_id = std::to_string(entry.id);
        oc.dead = std::find(dead.begin(), dead.end(), oc.target) != dead.end();
        if (oc.dead) {
          ++result.dead;
        } else {
          ++result.left;
          held_back.insert(oc.target);
        }
      }
      if (oc.stopped) result.stopped = true;
      result.items.push_back({entry.id, std::move(oc), false});
    }
  }
  result.exit_status = (result.left || result.dead) ? 1 : 0;
  return result;
}

}  // namespace notify::app
