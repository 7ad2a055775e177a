#pragma once
// A request to stop (SIGTERM and its kin, see cli/signals.hpp), as the code
// that waits sees it: no new request or retry wait starts; requests on their
// way get `grace`, then are abandoned.

#include <chrono>
#include <csignal>
#include <functional>

namespace notify {

struct Stop {
  std::function<bool()> requested;
  int fd = -1;  ///< readable once requested (wakes a sleeping poll)
  std::chrono::milliseconds grace{2000};
};

/// The three stop signals, for code that handles, blocks or resets them
/// (cli's handlers, and `notify run` passing them on to its command).
inline constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

}  // namespace notify
