#pragma once
// Delivering one message to a list of profiles, shared by send, test and
// flush: fallbacks resolved, requests built, engine run, failures spooled.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/session.hpp"
#include "delivery/engine.hpp"
#include "spool/spool.hpp"

namespace notify::cli {

/// The message and every per-message option, as kept in the spool.
using Draft = spool::Entry;

/// Draft from the command line (title, code, silent, username, icon, channel).
Draft draft_from_options(const CliOptions& o);

struct Delivery {
  std::vector<delivery::Outcome> outcomes;
  int exit_status = kExitOk;
};

/// Resolves the secrets of each profile and of its fallbacks; false (error
/// printed) on a configuration error.
bool resolve_targets(Session& s, const std::vector<std::string>& names);

/// The command line's TARGET list as profile names, every profile they may
/// reach resolved; nullopt (error printed) on an unknown name or a
/// configuration error, so nothing is read or sent then.
std::optional<std::vector<std::string>> command_targets(Session& s);

/// Every --file is readable and every profile reached takes files of its
/// size; checked before anything is read or sent.
Result<void> check_files(Session& s, const std::vector<std::string>& names, const Draft& draft);

/// Largest amount of text worth reading for these profiles (code points).
std::size_t input_budget(const Session& s, const std::vector<std::string>& names);

/// The least body text one message of any profile these targets may reach
/// holds for a draft shaped like this one (in that service's unit, see
/// Service::one_part_text), and the smallest max_parts among them.
struct PartShape {
  std::size_t units = 0;
  int max_parts = 1;
};
PartShape strictest_part(const Session& s, const std::vector<std::string>& names,
                         const Draft& draft);

/// Sends the draft to each named profile (resolve_targets first). With
/// --dry-run prints the requests instead. Failed targets are spooled when
/// `spool_failures` and the profile allows it. `http` lets a caller that
/// sends many messages (--stream) keep its connections; null makes one.
/// `stopping`, if set, cuts retries short once it returns true.
Delivery deliver_draft(Session& s, const std::vector<std::string>& names, const Draft& draft,
                       bool spool_failures, HttpClient* http = nullptr,
                       std::function<bool()> stopping = {});

/// Prints the outcomes the way the command line promises (--json lines,
/// errors and hints on stderr); report_success also prints delivered lines.
void report(const Session& s, const std::vector<delivery::Outcome>& outcomes,
            bool report_success);

/// The spool for this user, or nullopt when no HOME/XDG_STATE_HOME.
std::optional<spool::Spool> user_spool(const Session& s);

}  // namespace notify::cli
