#pragma once
// The command line's view of the process's one stop mechanism
// (core/stop_signals.hpp): SIGTERM, SIGINT and SIGHUP ask notify to finish
// up (no new request or retry wait, what is left stays in the spool); a
// second one, of any of the three, ends it at once. The handler goes in
// first thing in main, so a stop while the profile file or standard input is
// still being read is seen too, never a silent death.

#include <csignal>

#include "core/stop.hpp"

namespace notify::cli {

/// Makes closed standard descriptors (0, 1, 2) refer to /dev/null, so that
/// nothing notify opens later lands there and is read or written by
/// mistake. Call before anything opens a descriptor.
void open_closed_standard_fds();

/// Installs the stop handlers and their wake-up pipe, once per process.
void install_stop_signals();

/// A view of the process's stop signals (installed on first use if main
/// did not).
class StopSignals {
 public:
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// The signal received, 0 if none.
  static int received();
  static bool stopped() { return received() != 0; }
  /// A descriptor that becomes readable at the signal (for poll), and
  /// stays readable.
  static int fd();
  /// What the delivery engine watches.
  Stop stop() const;
};

}  // namespace notify::cli
