#pragma once
// One delivery round of one message: plan every destination, deliver,
// record progress in the journal as it happens, settle what is left.
// Shared by send (a new message) and flush (a spooled one).

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/results.hpp"
#include "app/targets.hpp"
#include "app/world.hpp"
#include "delivery/engine.hpp"
#include "spool/record.hpp"
#include "spool/spool.hpp"

namespace notify::app {

struct RoundOptions {
  Overrides overrides;
  bool dry_run = false;
  /// Targets of the record to deliver now; empty = all of them.
  std::vector<std::string> only;
};

struct RoundResult {
  std::vector<delivery::Outcome> outcomes;  ///< one per target tried
  std::vector<DryRun> dry_run;
};

/// The destinations of `record` (its targets and their fallbacks) with
/// their requests built. Profiles with a stored plan are rebuilt from its
/// random values and resume after their accepted parts; new plans are put
/// in the record (and, with a journal, appended to it) before anything is
/// sent.
struct Planned {
  std::vector<delivery::Leg> legs;
  std::vector<std::string> leg_names;
  std::vector<delivery::Plan> plans;
  std::vector<delivery::Outcome> settled;  ///< targets decided without sending
  std::deque<config::Profile> profiles;  ///< storage behind the legs' profile pointers
  /// By destination profile: the files it cannot carry, each with why.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> files_left_out;
  /// A leg whose requests need an answer of the server first
  /// (services::Service::lookup()) that its plan does not hold yet: built
  /// without it, rebuilt by run_round once it is known.
  struct Lookup {
    std::size_t leg = 0;
    HttpRequest request;
    services::Message message;  ///< as built, title included
    std::vector<std::string> uuids;  ///< the plan's random values, replayed
    std::int64_t created_unix = 0;
  };
  std::vector<Lookup> lookups;
};
Planned plan_round(const config::Config& config, spool::Record& record,
                   spool::Journal* journal, const RoundOptions& options, World& world);

/// What a dry run prints: each target's first leg that could be tried.
std::vector<DryRun> dry_runs(const Planned& planned);

/// Delivers a planned round, journalling each accepted part and each
/// target's end. Does not settle the journal. Lookups come first (with
/// retries, as a part would): a leg whose lookup is answered is rebuilt
/// with the answer and its new plan journalled, so a flush never asks
/// again; one whose lookup fails fails as its parts would have.
RoundResult run_round(Planned& planned, spool::Journal* journal, World& world);

}  // namespace notify::app
