#pragma once
// One spooled message and what happened to it so far: the journal's
// content, independent of how it is written to disk (see journal.hpp).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "message/draft.hpp"

namespace notify::spool {

/// How a destination profile's requests were built the first time: replaying
/// its random values rebuilds the same requests, so a resumed message sends
/// only the parts still missing, with the same LINE retry keys.
struct Plan {
  std::size_t parts = 0;
  std::string fingerprint;         ///< of the request bodies
  std::vector<std::string> uuids;  ///< every random value the build drew, in order
  /// The title the parts carry (a late delivery's "queued" note changes
  /// it): a resumed plan is rebuilt with it, so its parts come out the same.
  std::optional<std::string> title;
  /// The answer of the service's lookup (services::Service::lookup(), a
  /// Matrix alias's room id) the requests were built with; nullopt when
  /// none was asked or none is known yet (then a flush asks again).
  std::optional<std::string> lookup;
};

/// Where one target of the message stands.
struct TargetState {
  int attempts = 0;
  std::string last_error;  ///< masked
  bool dead = false;       ///< permanent failure: a dead letter
};

struct Record {
  std::uint64_t id = 0;  ///< spool sequence number: flush order
  std::int64_t created_unix = 0;
  /// The absolute path of the profile file the message was sent with: a
  /// flush sends it with that file, never another one's same-named
  /// profile. Empty in spools older than this field.
  std::string config_path;
  Draft message;
  std::vector<std::string> targets;         ///< not yet delivered, in order
  std::map<std::string, TargetState> state;  ///< by target
  std::map<std::string, Plan> plans;         ///< by destination profile
  std::map<std::string, std::size_t> accepted;  ///< parts taken, by destination
  std::set<std::string> have;  ///< destinations that hold the whole message
  /// Where each destination profile sent to when it was first planned
  /// (services::destination_identity): a flush sends only while it is
  /// unchanged.
  std::map<std::string, std::string> destinations;
  /// A --stream's buffer (app/stream_journal.hpp): lines read and not yet
  /// in a batch of their own. While open, the body is the latest snapshot
  /// of what waits; `taking` is a batch cut from it whose own journal may
  /// or may not have been written when the stream died. Sealed (a plain
  /// message) once a flush takes it over.
  bool stream_open = false;
  struct Taking {
    std::uint64_t seq = 0;
    std::string batch;
  };
  std::optional<Taking> taking;
  /// On a batch of a --stream: "BUFFER_ID:SEQ", so that a buffer's
  /// unfinished take can tell whether its batch reached the spool.
  std::string batch_of;
  /// Destinations `notify spool retry` said to take as they are now, even
  /// if they changed (then they get the whole message).
  std::set<std::string> accept_new;
  /// Not to be sent before this time (unix seconds); 0: at once. Journals
  /// older than this field have none, so they are due at once.
  std::int64_t due_unix = 0;
  /// A cooldown summary (app/alerts): it counts the messages of `key` held
  /// back on its one target, and its text is made by the flush that sends
  /// it (then this is cleared: from there on it is an ordinary message).
  struct AlertSummary {
    std::string key;
    std::int64_t cooldown = 0;  ///< seconds, as when the first was held back
  };
  std::optional<AlertSummary> summary;
  /// Kept for its one target's quiet hours (app/alerts/quiet_hours.hpp):
  /// due when the window ends, then sent with the target's other held
  /// messages as one digest. `window` as the profile said it then.
  struct QuietHold {
    std::string window;
  };
  std::optional<QuietHold> quiet;
  /// A quiet-hours digest: the held messages it was made of. Written (and
  /// fsync'd) before they are removed, so a flush that finds one of them
  /// still here after a crash removes it instead of sending it twice.
  std::vector<std::uint64_t> digest_of;
  /// Why the journal cannot be trusted, naming the first line that
  /// contradicts the record ("" when every line agrees with it). Never
  /// written: a damaged journal is read again as damaged, and once it is a
  /// dead letter the reason is each target's last error.
  std::string damaged;
};

}  // namespace notify::spool
