#pragma once
// Time, as a parameter: retry timers, queue ages and --stream's waits go
// through this interface so tests can drive them without sleeping.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace notify {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time, for timers.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  /// Wall-clock time in seconds since the epoch, for ages and HTTP dates.
  virtual std::int64_t unix_seconds() const = 0;
  /// How far local time is ahead of UTC at `unix` (seconds; negative west
  /// of Greenwich), for quiet hours. The real clock: the process's TZ, as
  /// localtime_r reads it (cron's TZ).
  virtual std::int64_t utc_offset(std::int64_t unix) const;
  /// Waits on `cv` (the caller holds `lock`) until it is notified or this
  /// clock reaches `until` (no limit when nullopt). May return early, so
  /// the caller checks its condition again. The real clock sleeps; a
  /// test's clock moves time instead.
  virtual void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::optional<std::chrono::steady_clock::time_point> until) const;
};

/// The process's real clocks.
const Clock& system_clock();

}  // namespace notify
