#pragma once
// What a service says about finding where it can send: the chats its
// credentials reach (`notify <service> discover`, setup listening for a
// first message), which of its keys are involved, and the words the
// command line asks and tells in. A service declares it in its registry
// row; the command line reads it through config::Catalog, never naming the
// service.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notify::config {

/// One chat a service's credentials reach.
struct Chat {
  std::string id;     ///< the chat key's value, as the service gives it: "-100123"
  std::string type;   ///< the service's word: private, group, supergroup, channel
  std::string title;  ///< a group's title, or the person's name / @username
  std::optional<std::int64_t> topic;  ///< a forum topic: the topic key's value
  std::string last;   ///< the last message seen, or what happened
  /// No topic was seen, but one could be picked in this chat (a forum).
  bool topics_possible = false;
};

/// What one look at the chats found.
struct Discovered {
  std::vector<Chat> chats;  ///< in order of first appearance
  std::string error;        ///< why nothing could be listed; "" when it worked
  /// The service refused the secret itself (mistyped, revoked): asking for
  /// it again is the mend.
  bool secret_rejected = false;
};

/// A service's discovery, as the command line needs to know it. The
/// service's type is the word of its discover command (`notify <type>
/// discover`), and these are that command's texts: the command line's table
/// holds the command's shape, never the service's words.
struct Discovery {
  /// The command's entry in the main help's command list, a few lowercase
  /// words: "list the chats a ... can reach".
  std::string_view summary;
  /// The prose of the command's help, before its options: lines of at most
  /// 80 columns, each ending in '\n'.
  std::string_view about;
  /// What --token gives, as its help names it ("the bot's token"); the
  /// command line adds how to give it.
  std::string_view secret_help;
  /// What --api-base gives, as its help names it.
  std::string_view server_help;
  std::string_view secret_key;  ///< the key whose secret is asked with
  std::string_view server_key;  ///< the key naming the server to ask
  std::string_view chat_key;    ///< what a picked chat's id answers
  std::string_view topic_key;   ///< what a picked chat's topic answers
  /// The question for the secret typed at a terminal.
  std::string_view secret_question;
  /// Setup's yes/no question before listening for a first message.
  std::string_view offer;
  /// What the person does so that a chat shows up (said once, first).
  std::string_view ask_first;
  /// "Waiting for ..." while listening (the time left follows).
  std::string_view waiting;
  /// After listening in vain: what did not happen ("no message reached ..."),
  /// then the line that says what to do instead.
  std::string_view none_arrived;
  std::string_view type_instead;
  /// After an empty list: why, and what to do.
  std::string_view none_yet;
  /// After a list: which key each column answers.
  std::string_view use;
};

}  // namespace notify::config
