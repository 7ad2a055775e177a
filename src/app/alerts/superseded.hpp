#pragma once
// A status board's older texts left in the spool: once a newer text of the
// same message reached a target, a flush must not put an older one back.
// Private to app: keyed_send.cpp calls it.

#include <cstdint>
#include <string>

#include "app/world.hpp"

namespace notify::app::alerts {

/// The edit of the message `edited_id` (the first one a key's --edit
/// replaces) reached `target`: every message kept in the spool before
/// `sent_at` (unix seconds) that edits the same message there is done with
/// for that target (a journal event, as for a skipped target), and said so
/// at -v. Busy or unreadable messages are left as they are.
void drop_superseded_edits(const std::string& target, const std::string& edited_id,
                           std::int64_t sent_at, const World& world);

}  // namespace notify::app::alerts
