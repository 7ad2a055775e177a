#pragma once
// How loudly a message must arrive: what --priority, `setup --priority`,
// the profile keys `priority` and `min_priority`, and each service's own
// switch speak of.

#include <optional>
#include <string_view>
#include <vector>

namespace notify {

enum class Priority { low, normal, high, urgent };

/// A priority as a person writes it, with the level it means. ntfy's 1
/// ("min") is low everywhere, but asks ntfy for its own step below low.
struct PriorityReading {
  Priority level = Priority::normal;
  bool lowest = false;  ///< written as 1 or min
};

/// One way of writing a priority, for help and the man page.
struct PrioritySpelling {
  std::string_view text;
  PriorityReading reading;
};

/// Every accepted spelling, in the order help shows them: notify's four
/// words, then ntfy's numbers 1-5 and words min, default, max (ntfy's
/// low and high are notify's own). Case does not matter.
const std::vector<PrioritySpelling>& priority_spellings();

/// `text` read as a priority (any case, surrounding blanks ignored);
/// nullopt when it is none of priority_spellings().
std::optional<PriorityReading> read_priority(std::string_view text);

/// The level of read_priority(text).
std::optional<Priority> parse_priority(std::string_view text);

/// "low", "normal", "high" or "urgent".
const char* to_string(Priority priority);

/// What the error for an unreadable priority says is accepted.
constexpr std::string_view kPriorityWords =
    "low, normal, high or urgent (any case), or ntfy's 1-5, min, default or max";

}  // namespace notify
