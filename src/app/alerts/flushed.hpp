#pragma once
// A keyed --edit or --reply message that a flush delivered, instead of the
// send that wrote it: what the key's state keeps of it. Private to app:
// flush.cpp calls it.

#include <vector>

#include "app/world.hpp"
#include "core/outcome.hpp"
#include "message/draft.hpp"

namespace notify::app::alerts {

/// For each target the message reached through its own profile, the ids
/// its anchor asks to keep go into the key's state there, when the state
/// has none yet (a message sent since then named its own). A state that
/// cannot be had is a warning: the key's next message is then a first one.
void remember_flushed(const Draft& message, const std::vector<Outcome>& outcomes,
                      const World& world);

}  // namespace notify::app::alerts
