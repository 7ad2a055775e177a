// flush: deliver what the spool holds (see app/flush.hpp).

#include <set>

#include "cli/deliver.hpp"
#include "config/loader.hpp"

namespace notify::cli {

int cmd_flush(Session& s) {
  app::FlushOptions fo;
  const auto& o = s.options.send();
  if (!o.targets.empty()) {
    auto names = config::expand_targets(s.config, o.targets);
    if (!names) {
      return s.fail(ErrorKind::usage, names.error().message);
    }
    fo.only = std::set<std::string>(names->begin(), names->end());
  }
  fo.overrides = overrides_from_options(o);
  fo.dry_run = o.dry_run;
  StopSignals signals;
  auto world = app_world(s, &signals);
  auto result = app::flush(s.config, fo, world);
  if (!result) {
    return s.fail(ErrorKind::delivery, "flush: " + result.error().message);
  }
  for (const auto& why : result->refused) s.warning(why);
  if (o.dry_run) {
    print_dry_run(s, result->dry_run);
    return kExitOk;
  }
  std::vector<Outcome> outcomes;
  for (const auto& item : result->items) {
    outcomes.push_back(item.outcome);
    if (!item.damaged) continue;
    const std::string id = std::to_string(item.id);
    outcomes.back().hint = "nothing was sent, as the journal cannot tell what " +
                           item.outcome.target + " got; `" + s.command_hint("spool retry " + id) + "` queues it again and the next flush sends every part the "
                           "journal does not prove delivered";
  }
  report_outcomes(s, outcomes, false);
  if (result->delivered || result->left || result->dead) {
    auto count = [](int n, const char* one, const char* many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    s.info("flush: " + count(result->delivered, "delivered", "delivered") + ", " +
           count(result->left, "still waiting", "still waiting") +
           (result->dead ? ", " + count(result->dead, "failed for good", "failed for good") : "") +
           (result->not_due ? ", " + count(result->not_due, "due later", "due later") : ""));
  }
  report_stop(s);
  return result->exit_status;
}

}  // namespace notify::cli
