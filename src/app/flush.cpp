#include "app/flush.hpp"

#include <algorithm>

namespace notify::app {

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
  result.refused = std::move(listing.refused);
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
      result.items.push_back({entry.id, std::move(oc)});
    }
  }
  result.exit_status = (result.left || result.dead) ? 1 : 0;
  return result;
}

}  // namespace notify::app
