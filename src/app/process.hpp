#pragma once
// `notify run`'s command as a process, behind an interface (ninja's
// CommandRunner): the real runner forks and execs (src/os/), a test's runs
// a script. What to report about it is app::run's business.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace notify::app {

/// How the command ended.
struct CommandEnd {
  int exit_code = 0;   ///< its exit status, when it exited
  int signal = 0;      ///< the signal that killed it; 0 when it exited
  int exec_errno = 0;  ///< why it could not be started; 0 when it was
  double seconds = 0;  ///< from the start to its exit
};

/// Gets what the command writes as it comes: stream 1 (its stdout) or 2
/// (its stderr).
using OutputSink = std::function<void(int stream, std::string_view bytes)>;

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs argv (looked up in PATH) with stdin inherited and its output
  /// going to sink, and returns once it has exited. An error only when
  /// nothing was started (a pipe or a fork failed); a command that could
  /// not be executed ends with exec_errno set.
  virtual Result<CommandEnd> run(const std::vector<std::string>& argv,
                                 const OutputSink& sink) = 0;
};

/// The real runner: the command in a process group of its own, stop
/// signals passed on to it, the terminal handed over while it runs
/// (os/process_runner.hpp says how).
ProcessRunner& system_process_runner();

}  // namespace notify::app
