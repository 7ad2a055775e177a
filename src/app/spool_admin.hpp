#pragma once
// `notify spool`: what waits in the spool and what failed for good, as
// data (the command line prints it), and the two changes a person makes by
// hand: drop messages, or move dead letters back to the queue.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "config/profile.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// This user's spool: $XDG_STATE_HOME/notify/spool (an absolute one), else
/// $HOME/.local/state/notify/spool; nullopt when neither says where.
std::optional<std::string> spool_dir(const config::EnvLookup& env);

/// One target of a spooled message.
struct SpooledTarget {
  std::string name;
  int attempts = 0;
  std::string last_error;  ///< as journalled (masked when written)
  /// Why it waits: a damaged journal says so before any error of its own.
  std::string reason;
};

struct SpooledMessage {
  std::uint64_t id = 0;
  bool failed = false;  ///< a dead letter, in failed/
  std::int64_t created_unix = 0;
  std::int64_t age_seconds = 0;  ///< by the clock given (negative if set back)
  /// Not sent before this time (unix seconds); 0: at once.
  std::int64_t due_unix = 0;
  /// Due now, by the clock given: a flush sends it (dead letters: never).
  bool due = true;
  /// A cooldown summary of this alert key; "" for an ordinary message.
  std::string summary_of;
  /// Held for its target's quiet hours ("22:00-07:00"); "" when not.
  std::string quiet_hours;
  std::string profile_file;      ///< the file it was sent with; "" when unknown
  std::vector<SpooledTarget> targets;
  std::string damaged;            ///< why the journal cannot be trusted; "" when it can
  std::vector<std::string> have;  ///< destinations that hold the whole message
  Draft message;
};

struct SpoolListing {
  std::string dir;
  std::vector<SpooledMessage> messages;  ///< pending, then failed, each by id
  std::vector<std::string> refused;      ///< files left alone, one line each: path, why
};

/// Every message in the spool at `dir`.
SpoolListing list_spool(const std::string& dir, const Clock& clock);

/// How many messages wait for each target, and how many failed for good.
struct SpoolCounts {
  std::map<std::string, int> waiting;
  std::map<std::string, int> failed;
};
SpoolCounts count_spool(const std::string& dir);

/// The message `id_word` names. Errors: usage when it is no id or no
/// message has it; io when its file is one the spool will not read.
Result<SpooledMessage> show_spooled(const std::string& dir, const std::string& id_word,
                                    const Clock& clock);

/// Which messages a drop or retry is about: IDs, or every dead letter, or
/// (drop only) everything.
struct SpoolSelection {
  std::vector<std::string> ids;
  bool failed = false;
  bool all = false;
};

/// What a drop or retry did: how many messages, and each one it could not
/// change, with why.
struct SpoolChange {
  int done = 0;
  std::vector<std::string> problems;
};

/// Deletes the selected messages (one being delivered is left, a problem).
/// Errors before anything changed: usage for a wrong selection or an id
/// with no message; io for an id whose file the spool will not read.
Result<SpoolChange> drop_spooled(const std::string& dir, const SpoolSelection& selection);

/// Moves the selected dead letters back to the queue, to go to their
/// profiles as they are now: a changed destination is accepted (and gets
/// the whole message), and a profile file that is gone gives way to
/// `config`'s. Errors as drop_spooled.
Result<SpoolChange> retry_spooled(const std::string& dir, const SpoolSelection& selection,
                                  const config::Config& config,
                                  const std::function<bool(const std::string&)>& file_exists);

}  // namespace notify::app
