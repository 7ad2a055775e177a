#include "core/clock.hpp"

namespace notify {

void Clock::wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 std::optional<std::chrono::steady_clock::time_point> until) const {
  if (until) cv.wait_until(lock, *until);
  else cv.wait(lock);
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
