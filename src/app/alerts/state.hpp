#pragma once
// What notify remembers about one alert key on one profile, and its file
// format (one small JSON object; store.hpp keeps the files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notify::app::alerts {

struct AlertState {
  /// Whose state this is: a file is checked against them when read (the
  /// file name is only a hash).
  std::string key;
  std::string profile;

  /// When the key's last message went out to the profile (unix seconds):
  /// the cooldown window starts here. None yet, or cleared by a resolve.
  std::optional<std::int64_t> last_sent;
  /// Messages held back by cooldown since last_sent; the times of the first
  /// and last of them, and the last one's first line (for the summary).
  int held = 0;
  std::int64_t first_held = 0;
  std::int64_t last_held = 0;
  std::string last_held_line;
  /// The spool id of the summary those held messages wait for (0: none
  /// yet): the next one held finds it there instead of adding another.
  std::uint64_t summary_id = 0;

  /// In trouble: since when (the first message after the last resolve),
  /// and how many messages of the key since, sent or held.
  std::optional<std::int64_t> trouble_since;
  int alerts = 0;

  /// `notify run --after N`: failed runs in a row.
  int failures = 0;

  /// --edit: the ids of the key's message there, one per text part (what
  /// the next --edit replaces); empty until one is known.
  std::vector<std::string> message_ids;
  /// --reply: the id of the key's first message there, which the later
  /// ones answer; empty until one is known.
  std::string thread_id;

  bool in_trouble() const { return trouble_since.has_value(); }
};

/// The file's text (one line of JSON).
std::string encode_state(const AlertState& state);

/// A file's text back. Empty text is a fresh state; nullopt means damaged
/// (not JSON, not ours, a field of the wrong type).
std::optional<AlertState> decode_state(std::string_view text);

}  // namespace notify::app::alerts
