// flush: deliver what the spool holds, oldest first, each message exactly
// once however many flushes run at the same time.

#include <set>

#include "cli/deliver.hpp"
#include "config/loader.hpp"

namespace notify::cli {

int cmd_flush(Session& s) {
  auto sp = user_spool(s);
  if (!sp) {
    s.error("no spool: neither XDG_STATE_HOME nor HOME is set");
    return kExitUsage;
  }
  std::optional<std::set<std::string>> only;
  if (!s.options.targets.empty()) {
    auto names = config::expand_targets(s.config, s.options.targets);
    if (!names) {
      s.error(names.error().message);
      return kExitUsage;
    }
    only = std::set<std::string>(names->begin(), names->end());
  }

  int delivered = 0, left = 0;
  std::set<std::string> failed;  // later messages of a failed target wait: order holds
  for (const auto& path : sp->files()) {
    spool::Spool::Claim claim;
    std::string moved;
    switch (sp->claim(path, claim, &moved)) {
      case spool::Spool::ClaimStatus::busy:
        // Another flush is working through the spool; running on behind it
        // could overtake its message with a later one of the same target.
        s.verbose("another flush is running; leaving the rest to it");
        return left ? kExitNotDelivered : kExitOk;
      case spool::Spool::ClaimStatus::gone:
        continue;
      case spool::Spool::ClaimStatus::corrupt:
        s.warning(path + " is not a valid spool file; moved to " + moved);
        continue;
      case spool::Spool::ClaimStatus::claimed:
        break;
    }
    const auto& e = claim.entry();
    if (only && !only->count(e.target)) continue;
    if (failed.count(e.target)) {
      ++left;
      continue;
    }
    if (!s.config.profiles.count(e.target)) {
      s.warning(path + ": profile '" + e.target + "' is no longer in " + s.config.path +
                "; kept in the spool");
      ++left;
      continue;
    }
    if (!resolve_targets(s, {e.target})) return kExitUsage;
    auto d = deliver_draft(s, {e.target}, e, false);
    if (s.options.dry_run) continue;
    for (auto& oc : d.outcomes) oc.spooled = !oc.delivered;  // it stays where it is
    report(s, d.outcomes, false);
    if (d.exit_status == kExitOk) {
      if (auto r = claim.remove(); !r) {
        s.error(r.error().message);
        return kExitNotDelivered;
      }
      ++delivered;
    } else {
      failed.insert(e.target);
      ++left;
    }
  }
  if (delivered || left) {
    s.info("flush: " + std::to_string(delivered) + " delivered, " + std::to_string(left) +
           " still in the spool");
  }
  return left ? kExitNotDelivered : kExitOk;
}

}  // namespace notify::cli
