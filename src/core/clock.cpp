#include "core/clock.hpp"

#include <ctime>

namespace notify {

void Clock::wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 std::optional<std::chrono::steady_clock::time_point> until) const {
  if (until) cv.wait_until(lock, *until);
  else cv.wait(lock);
}

std::int64_t Clock::utc_offset(std::int64_t unix) const {
  const auto t = static_cast<std::time_t>(unix);
  std::tm tm{};
  if (!::localtime_r(&t, &tm)) return 0;
  return tm.tm_gmtoff;
}

namespace {

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  std::int64_t unix_seconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace notify
