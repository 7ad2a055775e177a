#pragma once
// The `notify run` use case: wrap a command for cron and CI. Its output
// passes through untouched, its exit status is the caller's, and a report
// with the tail of its output goes out on failure (or always, or on
// success): a title that says how it ended, the command line and the tail
// in a code block.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/process.hpp"
#include "app/send.hpp"
#include "app/world.hpp"
#include "config/profile.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// --on: which endings are reported.
enum class ReportOn { failure, success, always };

struct RunRequest {
  std::vector<std::string> argv;
  ReportOn on = ReportOn::failure;
  /// Where the report goes (groups expanded). nullopt when the profile file
  /// could not be used: the command runs all the same, and the report is
  /// handed back for standard error (cron mails it).
  std::optional<std::vector<std::string>> targets;
  /// The report's options (code language, priority, username, ...); its
  /// title and body are made here.
  Draft base;
  std::optional<std::string> title;  ///< --title: in place of "NAME failed"
  std::string host;                  ///< the machine, named in the title
  /// Overrides, dry run, and the alert: send.alert.key empty means the key
  /// "run:" + the command line (as a shell shows it); --cooldown applies.
  SendOptions send;
  /// --after N (N >= 1): a failure is reported only from the Nth in a row
  /// for its key on a profile. After failure reports the first success
  /// sends "resolved after N alerts since HH:MM UTC", even with --on failure.
  int after = 1;
  /// --live: a "running COMMAND on HOST since HH:MM UTC" message when the
  /// command starts, to the targets whose service can edit, which the
  /// report then replaces (always: a running message is never left so).
  bool live = false;
  /// What the command writes, passed on as it comes.
  OutputSink echo;
  /// Adds the --file attachments to the report, once the command has ended
  /// (it may have written them). An error keeps the report from being sent.
  std::function<Result<void>(Draft&)> attach;
};

struct RunResult {
  /// What notify exits with: the command's status, 128 + the signal that
  /// killed it, 127 (not found) or 126 (not executable).
  int exit_status = 0;
  /// The command was not started at all ("pipe: Too many open files"): no
  /// status of its own, and nothing was reported.
  std::optional<std::string> not_run;
  /// The report, when --on asked for one (or a success resolves failures).
  std::optional<Draft> report;
  /// What sending the report did; nullopt when it was not sent. A target
  /// whose report was held back (cooldown) or is not due (--after) has
  /// `held` or `skipped` set; neither changes the exit status.
  std::optional<SendResult> sent;
  /// A stop signal came while the start was announced (heartbeat pings,
  /// --live): the command was not started, and nothing was reported.
  bool stopped_before_start = false;
  /// Why a report was not sent (the --file error); empty when the profile
  /// file was the reason or it was sent.
  std::string unsent_reason;
};

/// Runs the command through `runner` and reports on it as asked. Says
/// "run: NAME: <why>" (an error) when it could not be executed.
RunResult run(const config::Config& config, const RunRequest& request, ProcessRunner& runner,
              World& world);

}  // namespace notify::app
