#include "app/send.hpp"

#include <algorithm>

namespace notify::app {

SendResult send(const config::Config& cfg, const std::vector<std::string>& targets,
                const Draft& draft, const SendOptions& opts, World& world) {
  SendResult result;
  spool::Record record;
  record.message = draft;
  record.targets = targets;
  record.created_unix = world.clock_or_default().unix_seconds();
  RoundOptions ro;
  ro.overrides = opts.overrides;
  ro.dry_run = opts.dry_run;
  auto planned = plan_round(cfg, record, nullptr, ro, world);
  if (opts.dry_run) {
    result.dry_run = dry_runs(planned);
    return result;
  }

  // Journal first: on disk before the first request, so a process death at
  // any moment leaves the message delivered or in the spool.
  std::optional<spool::Journal> journal;
  if (opts.journal) {
    spool::Record kept = record;
    kept.targets.clear();
    for (const auto& t : targets) {
      const auto it = cfg.profiles.find(t);
      if (it != cfg.profiles.end() && !it->second.spool) continue;
      kept.targets.push_back(t);
    }
    if (!kept.targets.empty()) {
      if (!world.spool) {
        result.unspooled_reason = "neither XDG_STATE_HOME nor HOME is set";
      } else if (auto j = world.spool->begin(kept); j) {
        journal = std::move(*j);
      } else {
        result.unspooled_reason = j.error().message;
      }
      if (!result.unspooled_reason.empty())
        world.tell(Level::warning, "cannot write the spool (" + result.unspooled_reason +
                                       "); sending without a safety copy");
    }
  }

  auto round = run_round(planned, journal ? &*journal : nullptr, world);
  std::vector<std::string> pending, dead;
  if (journal) {
    auto settled = journal->settle();
    if (settled) {
      pending = settled->pending;
      dead = settled->dead;
    } else {
      world.tell(Level::error, "updating the spool: " + settled.error().message);
      for (const auto& oc : round.outcomes)
        if (!oc.delivered) pending.push_back(oc.target);
    }
  }
  const auto id = journal ? std::to_string(journal->record().id) : std::string();
  auto in = [](const std::vector<std::string>& v, const std::string& t) {
    return std::find(v.begin(), v.end(), t) != v.end();
  };
  for (auto& oc : round.outcomes) {
    if (oc.delivered) continue;
    result.exit_status = 1;
    if (in(pending, oc.target) || in(dead, oc.target)) {
      oc.spooled = true;
      oc.dead = in(dead, oc.target);
      oc.spool_id = id;
    } else if (opts.journal) {
      result.lost.push_back(oc.target);
    }
  }
  // The caller's order, whatever order the targets finished in.
  std::stable_sort(round.outcomes.begin(), round.outcomes.end(),
                   [&](const delivery::Outcome& a, const delivery::Outcome& b) {
                     return std::find(targets.begin(), targets.end(), a.target) <
                            std::find(targets.begin(), targets.end(), b.target);
                   });
  result.outcomes = std::move(round.outcomes);
  return result;
}

}  // namespace notify::app
