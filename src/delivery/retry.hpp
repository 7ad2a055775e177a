#pragma once
// When to try again: exponential backoff with full jitter, bounded, and
// deferring to the server when it says how long to wait.

#include <chrono>
#include <optional>

namespace notify::delivery {

struct RetryPolicy {
  int retries = 3;  ///< extra attempts after the first
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30000};
  /// Longest server-requested wait we honour before the next attempt.
  std::chrono::milliseconds max_server_wait{60000};
};

struct RetryDelay {
  std::chrono::milliseconds delay{0};
  bool capped = false;  ///< the server asked for more than max_server_wait
};

/// Delay before retry number `retry` (1 for the first retry). `unit_random`
/// is uniform in [0, 1): full jitter picks the delay uniformly in
/// [0, min(cap, base * 2^(retry-1))]. A server's Retry-After wins over the
/// jitter when it is longer.
RetryDelay retry_delay(const RetryPolicy& policy, int retry,
                       std::optional<std::chrono::milliseconds> server_asked,
                       double unit_random);

}  // namespace notify::delivery
