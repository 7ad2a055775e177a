#pragma once
// Reading standard input: a message whole (bounded), or --stream's chunks as
// they come. How much of a message is worth keeping is the app's to say
// (app::input_budget); the reading, the --tee copy and the stop are here.

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/stream.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace notify::cli {

/// Reads fd to EOF (always: the writer of a pipeline must never die of
/// SIGPIPE), keeping at most about budget code points of sanitised text
/// (head and tail). With tee_fd >= 0, copies every byte read there
/// unchanged; when that write fails (a full disk, a reader gone), copying
/// stops, reading goes on, and *tee_error gets strerror's words. When
/// stop_fd (if >= 0) becomes readable (a stop signal), what the pipe
/// already holds is still read, up to 1 MiB, and reading ends.
Result<std::string> read_message(int fd, std::size_t budget, int tee_fd,
                                 std::string* tee_error, int stop_fd = -1);

/// For a send that stops at a usage or configuration error: reads what the
/// pipe holds to EOF (bounded memory), so the producer never dies of
/// SIGPIPE, and writes it (head and tail) to `err` after the error, so cron
/// mails it. Nothing when `fd` is a terminal or the text is blank. After a
/// stop signal (stop_fd readable) only what the pipe holds is read.
void pass_message_on(int fd, bool is_terminal, std::ostream& err, int stop_fd);

/// --stream's input: fd as it comes (a chunk per read), every byte copied
/// unchanged to tee_fd when it is >= 0. A copy that fails, or that blocks
/// until a stop signal, is given up (InputRead::tee_failed, tee_stopped)
/// and reading goes on. When stop_fd becomes readable, what the pipe
/// already holds is still read, up to 1 MiB, then the input ends.
class FdStreamInput final : public app::StreamInput {
 public:
  /// `clock` turns read()'s deadline into poll's timeout.
  FdStreamInput(int fd, int tee_fd, int stop_fd, const Clock& clock);
  /// False when the pipe abandon() writes to could not be made (errno says
  /// why): without it an abandoned read would never end, so do not use it.
  bool ready() const { return abandon_write_.valid(); }
  app::InputRead read(std::optional<std::chrono::steady_clock::time_point> until) override;
  void abandon() override;

 private:
  bool copy(const char* data, std::size_t n, app::InputRead& r);

  int fd_;
  int tee_fd_;
  int stop_fd_;
  const Clock& clock_;
  UniqueFd abandon_read_, abandon_write_;
  std::vector<char> buf_;
  bool draining_ = false;
  std::size_t drain_left_ = 0;
  bool ended_ = false;
};

}  // namespace notify::cli
