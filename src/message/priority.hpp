#pragma once
// How loudly a message must arrive: what --priority, the profile keys
// `priority` and `min_priority`, and each service's own switch speak of.

#include <optional>
#include <string_view>

namespace notify {

enum class Priority { low, normal, high, urgent };

/// "low", "normal", "high" or "urgent"; nullopt for anything else.
std::optional<Priority> parse_priority(std::string_view word);
const char* to_string(Priority priority);

}  // namespace notify
