#pragma once
// Stop signals for every command that sends: SIGTERM, SIGINT and SIGHUP
// ask notify to finish up (no new request or retry wait, what is left stays
// in the spool); a second one, of any of the three, ends it at once.

#include <csignal>

#include "delivery/engine.hpp"

namespace notify::cli {

class StopSignals {
 public:
  /// Installs the handlers; the previous ones come back on destruction.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// The signal received, 0 if none.
  static int received();
  static bool stopped() { return received() != 0; }
  /// A descriptor that becomes readable at the signal (for poll).
  int fd() const;
  /// What the delivery engine watches.
  delivery::Stop stop() const;

 private:
  struct sigaction old_[3] {};
};

/// The three stop signals, for code that blocks or resets them.
inline constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

}  // namespace notify::cli
