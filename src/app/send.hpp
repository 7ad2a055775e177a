#pragma once
// The send use case: a new message to some targets, journalled before the
// first request goes out. send, test, run's report and each --stream batch
// come through here.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/results.hpp"
#include "app/world.hpp"
#include "config/profile.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// An alert key's part in a send (PRODUCT.md "The right alert, once").
struct AlertOptions {
  std::string key;  ///< --key; empty: an ordinary message, never held back
  /// --cooldown in seconds, over each profile's `cooldown`.
  std::optional<std::int64_t> cooldown_s;
  bool resolve = false;  ///< --resolve: only when the key is in trouble
  /// --edit: where the key has a message on a profile that can edit, this
  /// one replaces its text (never held back by cooldown).
  bool edit = false;
  /// --reply: the key's messages after its first answer the first, where
  /// the profile's service can reply.
  bool reply = false;
};

/// `notify run`'s report as an alert: how the command ended, counted per
/// key and profile (--after), and "resolved" on the first success after
/// failure reports.
struct RunAlert {
  bool failed = false;
  int after = 1;        ///< --after N: a failure is reported from the Nth in a row
  bool wanted = false;  ///< --on asked for a report of this success
};

struct SendOptions {
  Overrides overrides;
  bool dry_run = false;
  /// Keep the message in the spool until delivered. Off for connectivity
  /// checks (`notify test`, `setup --test`), which are reported, not kept.
  bool journal = true;
  /// A --stream batch: recorded in its journal ("BUFFER_ID:SEQ").
  std::string batch_of;
  /// Called once every journal of the message is written (or it was found
  /// that none will be), before the first request goes out; `kept` says
  /// whether every target that keeps a copy got one.
  std::function<void(bool kept)> journalled;
  /// Consulted per target before sending, under the key's lock (not for a
  /// dry run, which shows the message as written).
  AlertOptions alert;
  /// With alert.key: the message is run's report (app/run.hpp).
  std::optional<RunAlert> run;
};

struct SendResult {
  std::vector<Outcome> outcomes;  ///< one per target, in order
  std::vector<DryRun> dry_run;
  /// Targets not delivered and not kept anywhere: their message is lost
  /// unless the caller shows it (spool = false, or no spool could be written).
  std::vector<std::string> lost;
  std::string unspooled_reason;  ///< why the spool could not be written, if so
  int exit_status = 0;           ///< 0 all delivered, 1 otherwise
};

/// The targets whose profiles are heartbeats (PRODUCT.md "Heartbeats"),
/// in order; `with_start`: only those that hear a run's start too. A
/// heartbeat takes a message with no text: the ping is the news.
std::vector<std::string> heartbeat_targets(const config::Config& config,
                                           const std::vector<std::string>& targets,
                                           bool with_start = false);

/// Sends `draft` to the targets (profile names, groups already expanded).
SendResult send(const config::Config& config, const std::vector<std::string>& targets,
                const Draft& draft, const SendOptions& options, World& world);

}  // namespace notify::app
