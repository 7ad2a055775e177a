#pragma once
// Durations as the user writes them (a cooldown window): a whole number and
// one unit. In core: the profile loader and the command line read them too.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace notify {

/// "90s", "30m", "6h", "1d" (and "0s": no window) as seconds. Anything else
/// is ErrorKind::config with one line that names the value; the caller adds
/// where it came from.
Result<std::int64_t> parse_duration(std::string_view text);

/// Seconds back as the shortest whole unit: 5400 -> "90m", 86400 -> "1d".
std::string duration_text(std::int64_t seconds);

}  // namespace notify
