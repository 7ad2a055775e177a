#pragma once
// The cooldown summary as a message due in the spool: kept there (one per
// key and profile) while messages are held back, and given its text, or
// dropped, by the flush that finds it due. Private to app: keyed_send.cpp
// and flush.cpp call it.

#include <cstdint>
#include <string>

#include "app/alerts/state.hpp"
#include "app/world.hpp"
#include "config/loader.hpp"
#include "message/draft.hpp"
#include "spool/spool.hpp"

namespace notify::app::alerts {

/// A message of `state`'s key to `target` was just held back (the state
/// says so already): makes sure one summary waits in the spool for it, due
/// when the window ends (last sent + `cooldown`), its text brought up to
/// date, and notes its id in the state. Nothing to keep it in, or a spool
/// that cannot be written, is a warning: the count then goes out with the
/// key's next message, as it always does.
void keep_summary(const config::Config& config, const std::string& target, AlertState& state,
                  std::int64_t cooldown, const Draft& held, std::int64_t now, const World& world);

/// What a flush does with a summary it claimed.
enum class SummaryFate {
  send,  ///< the record now holds the text; send it as an ordinary message
  drop,  ///< nothing is owed (a message of the key went out meanwhile)
  wait,  ///< not now (not yet due, or the key's state cannot be had)
};

/// Under the key's lock: when the window ended with messages held and none
/// sent after them, gives the journal the summary's text (rules.hpp
/// summary()) and records it said (record_summary). With `dry_run` the
/// journal and the state stay as they are and `text` gets the text.
SummaryFate take_summary(spool::Journal& journal, std::int64_t now, bool dry_run,
                         const World& world, std::string* text = nullptr);

}  // namespace notify::app::alerts
