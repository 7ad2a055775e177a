#pragma once
// Reading a getUpdates reply into the chats a bot can reach, for
// `notify telegram discover` and the setup wizard.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace notify::services {

struct ChatRow {
  std::string chat_id;   ///< as Telegram gives it: "-100123", "42"
  std::string type;      ///< private, group, supergroup, channel
  std::string title;     ///< group title, or the person's name / @username
  std::optional<std::int64_t> topic_id;  ///< forum topic (message_thread_id)
  std::string last;      ///< last message text seen, or what happened
};

/// One row per distinct chat (and forum topic), in order of first
/// appearance, carrying the latest message. message, edited_message,
/// channel_post, edited_channel_post, my_chat_member and chat_member updates
/// are read; others are ignored. nullopt when the body is not a
/// successful getUpdates reply.
std::optional<std::vector<ChatRow>> parse_updates(const std::string& body);

/// Text shortened to at most max code points, on one line.
std::string one_line(const std::string& text, std::size_t max);

}  // namespace notify::services
