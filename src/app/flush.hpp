#pragma once
// The flush use case: deliver what the spool holds, oldest first by
// sequence number, one claimant per message, each target's messages in
// order, and nothing sent that could not afterwards be marked done. A
// message due later (a cooldown summary) is left as it is, holding nothing
// back; a due summary is given its text, or dropped when nothing is owed. A
// message whose journal contradicts its record is not sent at all: it
// becomes a dead letter whose reason starts "journal damaged".

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/results.hpp"
#include "app/world.hpp"

namespace notify::app {

struct FlushOptions {
  /// Only these targets' messages (profile names); nullopt = all.
  std::optional<std::set<std::string>> only;
  Overrides overrides;
  bool dry_run = false;
};

struct FlushResult {
  struct Item {
    std::uint64_t id = 0;
    Outcome outcome;
    /// Its journal contradicts its record: a dead letter, nothing sent.
    bool damaged = false;
  };
  std::vector<Item> items;          ///< every target tried or skipped, in order
  std::vector<DryRun> dry_run;
  std::vector<std::string> refused;  ///< files left alone, and why
  int delivered = 0;                 ///< targets delivered
  int left = 0;                      ///< targets still pending afterwards
  int dead = 0;                      ///< targets moved to failed/ now
  int not_due = 0;                   ///< targets of messages due later, left as they are
  bool stopped = false;              ///< a stop signal ended it early
  int exit_status = 0;
};

/// Flushes the spool. An unusable spool is an error before anything is
/// sent (Result error).
Result<FlushResult> flush(const config::Config& config, const FlushOptions& options,
                          World& world);

}  // namespace notify::app
