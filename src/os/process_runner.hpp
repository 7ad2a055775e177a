#pragma once
// The command of `notify run` as a process. It runs in a process group of
// its own, so that a stop signal passed on reaches everything it started;
// its output goes to a sink as it comes; and its end is noticed when it
// exits, not when its output pipes close: a grandchild it left running
// (a daemon, `sleep 30 &`) may hold them for hours. What to report is the
// caller's business.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace notify::os {

/// How long output is still read once the command has exited (PRODUCT.md,
/// "`notify run` and its process group").
inline constexpr std::chrono::milliseconds kLateOutputWindow{1000};

struct CommandEnd {
  int status = 0;      ///< as waitpid() reports it
  int exec_errno = 0;  ///< why the command could not be started; 0 when it was
  double seconds = 0;  ///< from the start to the command's exit
};

/// Gets what the command writes: stream 1 (its stdout) or 2 (its stderr).
using OutputSink = std::function<void(int stream, std::string_view bytes)>;

/// Runs argv (looked up in PATH) with stdin inherited and stdout and stderr
/// going to sink, in a process group of its own. While it runs, SIGTERM,
/// SIGINT and SIGHUP sent to notify are passed on to that group, except a
/// signal from the terminal when the group is the terminal's foreground
/// group (it has that signal already). When notify's own group is the
/// terminal's foreground group, the command's group is made it until the
/// command ends, and a stop at the terminal (Ctrl-Z) stops notify's group
/// too, to go on together when continued. After the exit, output is read
/// for at most kLateOutputWindow, then the pipes are closed; whatever still
/// runs in the group is left alone. An error only when nothing was started.
Result<CommandEnd> run_in_own_group(const std::vector<std::string>& argv, const OutputSink& sink);

}  // namespace notify::os
