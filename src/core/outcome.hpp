#pragma once
// What became of one target of a message: the words the delivery engine
// reports in, the application layer completes and the command line prints.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace notify {

struct Outcome {
  std::string target;
  bool delivered = false;
  std::string via;             ///< profile that delivered, if any
  std::size_t parts = 0;       ///< requests the last leg tried needed
  std::size_t parts_sent = 0;  ///< of those, how many were accepted
  long http_status = 0;        ///< last status seen (0: none)
  int attempts = 0;            ///< HTTP attempts over all legs
  std::string error;           ///< why it failed (service's words)
  /// Delivered through a fallback: why each profile before it failed
  /// ("ops failed: HTTP 500 (gave up after 4 attempts)"); empty otherwise.
  std::string fallback_reason;
  std::string hint;
  /// Every leg failed for good (4xx, unknown webhook...): never worth
  /// retrying by itself.
  bool permanent = false;
  bool stopped = false;        ///< cut short by a stop signal
  /// Why the target took no part (its min_priority): neither delivered
  /// nor failed, never kept. Empty when it did take part.
  std::string skipped;
  /// Held back by cooldown (a --key's message within its window): how many
  /// so far in the window, this one included; 0 when not held. Neither
  /// delivered nor failed, never kept: counted for a later message.
  int held = 0;
  /// Kept in the spool for the profile's quiet hours (its window, as
  /// "22:00-07:00"), due when the window ends: then (unix seconds) and the
  /// local clock then ("07:00"). Neither delivered nor failed (spooled and
  /// spool_id say where it waits). Empty window: not kept so.
  std::string quiet_hours;
  std::int64_t quiet_until = 0;
  std::string quiet_until_local;
  /// Delivered: what Service::message_id said of each part the profile that
  /// delivered accepted in this process, in order ("" where it said none).
  std::vector<std::string> message_ids;
  // Set by the caller:
  /// Files the profile that delivered (or, undelivered, the target) could
  /// not carry, each with why; its text named them instead.
  std::vector<std::pair<std::string, std::string>> files_left_out;
  bool spooled = false;
  bool dead = false;           ///< moved to the spool's failed/
  std::string spool_id;
};

}  // namespace notify
