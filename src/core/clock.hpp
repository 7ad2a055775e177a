#pragma once
// Time, as a parameter: retry timers and queue ages read it through this
// interface so tests can drive them without sleeping.

#include <chrono>
#include <cstdint>

namespace notify {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time, for timers.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  /// Wall-clock time in seconds since the epoch, for ages and HTTP dates.
  virtual std::int64_t unix_seconds() const = 0;
};

/// The process's real clocks.
const Clock& system_clock();

}  // namespace notify
