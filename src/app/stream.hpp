#pragma once
// The --stream use case: `tail -f log | notify --stream ops`. Lines are
// read as they come (on a thread of their own) and sent in batches of one
// message each when stream::Batcher says so; lines waiting for their batch
// are journalled at most about a second behind, also while a delivery waits
// out a long Retry-After. Reading never waits for sending, so a slow or
// rate-limited service costs skipped lines (counted, and marked in the
// chat), never a blocked producer or unbounded memory. A stop request ends
// it: what has arrived goes out in one attempt, the spool keeps the rest.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/send.hpp"
#include "app/world.hpp"
#include "config/profile.hpp"
#include "message/draft.hpp"

namespace notify::app {

/// What one read of the stream's input brought.
struct InputRead {
  enum class Kind {
    data,     ///< bytes, as read
    timeout,  ///< `until` passed first
    end,      ///< no more input (EOF, or what was left after a stop request)
    failed,   ///< reading failed; `error` says why
  };
  Kind kind = Kind::end;
  std::string bytes;
  std::string error;  ///< "reading standard input: ..."
  /// --tee: why the copy of the input failed, once ("No space left on
  /// device"); the copy stops, the reading goes on.
  std::string tee_failed;
  /// --tee: the copy gave up at a stop request (its reader stopped reading).
  bool tee_stopped = false;
};

/// Where the stream's bytes come from (the command line's: standard input,
/// copied to standard output with --tee; a test's: scripted chunks).
/// Called from the stream's reading thread only, but for abandon().
class StreamInput {
 public:
  virtual ~StreamInput() = default;
  /// Waits until input comes, it ends, or the World's clock reaches `until`
  /// (never a timeout when nullopt). After a stop request, what had
  /// arrived by then is still read, then it ends.
  virtual InputRead read(std::optional<std::chrono::steady_clock::time_point> until) = 0;
  /// From another thread: the read under way, and every later one, ends at
  /// once. The stream is given up (an exception while sending).
  virtual void abandon() = 0;
};

struct StreamRequest {
  std::vector<std::string> targets;  ///< profile names, groups expanded
  /// Every batch's draft (title, code, priority, ...); its body is the batch.
  Draft base;
  SendOptions send;  ///< overrides, dry run (batch_of and journalled are set here)
  std::chrono::milliseconds interval{5000};  ///< --stream=SECONDS
  StreamInput* input = nullptr;
  /// After each batch's send, for the caller to print.
  std::function<void(const SendResult&, const Draft&)> batch_sent;
  /// --tee failed (strerror's words): said at once, a stream may run for
  /// days. The stream's status is 1 at least.
  std::function<void(const std::string& why)> tee_failed;
  /// What stopped it, for the -v line ("Terminated").
  std::function<std::string()> stop_cause;
};

struct StreamResult {
  int exit_status = 0;        ///< 0; 1 when a batch was not delivered, reading or --tee failed
  std::size_t batches = 0;    ///< batches sent (0: the stream was empty)
  std::size_t skipped = 0;    ///< lines skipped in all
};

/// Runs the stream to its end (EOF, a read error, or world.stop). Lines,
/// skip notes, the stop and the end are said through world.say; each
/// batch's outcome goes to request.batch_sent. The World's clock times the
/// batches and every wait.
StreamResult stream(const config::Config& config, const StreamRequest& request, World& world);

}  // namespace notify::app
