#pragma once
#include <cstddef>
#include <ostream>
#include <string>

#include "core/result.hpp"

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

}  // namespace notify::cli
