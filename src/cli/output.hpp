#pragma once
// The end of every run: results that never reached standard output are a
// failure, not a silent success (`notify list > /dev/full`).

#include <iosfwd>

namespace notify::cli {

/// Exit status for a failed write of the results.
inline constexpr int kExitOutputFailed = 1;

/// Flushes out. When it cannot be written, says so in one line on err and
/// returns kExitOutputFailed if status was 0; otherwise returns status.
/// `already_said`: a failed write to standard output was reported during
/// the run (--tee), with its status; no second line.
int finish_output(std::ostream& out, std::ostream& err, int status, bool already_said = false);

}  // namespace notify::cli
