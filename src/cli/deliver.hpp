#pragma once
// The command line's side of sending: a Draft from the options, the app
// World from the process's, and the outcomes printed as promised.

#include <optional>
#include <string>
#include <vector>

#include "app/flush.hpp"
#include "app/send.hpp"
#include "cli/session.hpp"
#include "cli/signals.hpp"
#include "message/draft.hpp"

namespace notify::cli {

/// Draft from the command line (code, markdown, silent, username, icon,
/// channel, max-parts); title, body and files are the caller's.
Draft draft_from_options(const SendOptions& o);

/// --timeout, --retries, --max-parts.
app::Overrides overrides_from_options(const SendOptions& o);

/// The command line's TARGET list as profile names; nullopt (error
/// printed) on an unknown name, so nothing is read or sent then.
std::optional<std::vector<std::string>> command_targets(Session& s);

/// Every --file into the draft, for the profiles `names` reach (see
/// app::attach_files). Usage errors.
Result<void> attach_files(Session& s, const std::vector<std::string>& names, Draft& draft);

/// The app's World over this process's; `signals` (if any) stops it.
app::World app_world(Session& s, const StopSignals* signals, HttpClient* shared_http = nullptr);

/// Prints what a send did: --json lines, errors and hints on stderr,
/// where each kept message waits; report_success also prints delivered
/// lines. With --dry-run, the requests.
void report(const Session& s, const app::SendResult& result, const Draft& draft,
            bool report_success);
void report_outcomes(const Session& s, const std::vector<Outcome>& outcomes,
                     bool report_success);
void print_dry_run(const Session& s, const std::vector<app::DryRun>& runs);

/// "files left out, named in the text instead: a.log (why)": --dry-run
/// and -v about a target that cannot carry some of the files.
std::string left_out_text(const std::vector<std::pair<std::string, std::string>>& files);

/// "stopped by SIGTERM" style note when a stop signal cut the work short.
void report_stop(const Session& s);

}  // namespace notify::cli
