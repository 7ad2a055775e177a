#include "delivery/retry.hpp"

#include <algorithm>

namespace notify::delivery {

RetryDelay retry_delay(const RetryPolicy& p, int retry,
                       std::optional<std::chrono::milliseconds> server_asked,
                       double unit_random) {
  using std::chrono::milliseconds;
  const int shift = std::clamp(retry - 1, 0, 20);
  const long long ceiling = std::min<long long>(p.cap.count(), p.base.count() << shift);
  const double r = std::clamp(unit_random, 0.0, 1.0);
  RetryDelay d;
  d.delay = milliseconds(static_cast<long long>(r * static_cast<double>(ceiling)));
  if (server_asked) {
    milliseconds asked = *server_asked;
    if (asked > p.max_server_wait) {
      asked = p.max_server_wait;
      d.capped = true;
    }
    d.delay = std::max(d.delay, asked);
  }
  return d;
}

}  // namespace notify::delivery
