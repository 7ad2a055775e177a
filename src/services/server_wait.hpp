#pragma once
// How long a server asked us to wait (Retry-After, Telegram's and Discord's
// retry_after), read defensively: these values come from the network.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace notify::services {

/// Longest wait a server may ask for and still be listened to; a longer one
/// (or a negative, infinite or NaN one) is ignored in favour of our own
/// backoff. What is honoured is capped later (RetryPolicy::max_server_wait).
inline constexpr double kMaxServerWaitSeconds = 3600;

/// A wait in seconds as a JSON body gives it; nullopt when unusable.
std::optional<std::chrono::milliseconds> server_wait(double seconds);

/// A Retry-After header: delta-seconds (decimals tolerated) or an HTTP date
/// (IMF-fixdate, RFC 850 or asctime form), the latter relative to `now_unix`.
/// nullopt when unparsable or outside [0, kMaxServerWaitSeconds].
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix);

}  // namespace notify::services
