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
  Draft message;
  std::vector<std::string> targets;         ///< not yet delivered, in order
  std::map<std::string, TargetState> state;  ///< by target
  std::map<std::string, Plan> plans;         ///< by destination profile
  std::map<std::string, std::size_t> accepted;  ///< parts taken, by destination
  std::set<std::string> have;  ///< destinations that hold the whole message
  /// Why the journal cannot be trusted, naming the first line that
  /// contradicts the record ("" when every line agrees with it). Never
  /// written: a damaged journal is read again as damaged, and once it is a
  /// dead letter the reason is each target's last error.
  std::string damaged;
};

}  // namespace notify::spool
