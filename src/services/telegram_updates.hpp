#pragma once
// Telegram's discovery: a getUpdates reply read into the chats a bot can
// reach, for `notify telegram discover` and the setup wizard (the row's
// `discovery`).

#include <optional>
#include <string>
#include <vector>

#include "config/discovery.hpp"

namespace notify::services {

struct Discoverer;

/// One row per distinct chat (and forum topic), in order of first
/// appearance, carrying the latest message. message, edited_message,
/// channel_post, edited_channel_post, my_chat_member and chat_member updates
/// are read; others are ignored. nullopt when the body is not a
/// successful getUpdates reply. The words are Telegram's, as sent.
std::optional<std::vector<config::Chat>> parse_updates(const std::string& body);

/// getUpdates without an offset (nothing is confirmed or consumed), and
/// its reply read with the explanation a user needs (401, 409).
const Discoverer& telegram_discovery();

}  // namespace notify::services
