#pragma once
#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace notify::cli {

/// Reads fd to EOF (always: the writer of a pipeline must never die of
/// SIGPIPE), keeping at most about budget bytes of sanitised text (head and
/// tail). With tee_fd >= 0, copies every byte read there unchanged.
Result<std::string> read_message(int fd, std::size_t budget, int tee_fd,
                                 std::string* tee_warning);

}  // namespace notify::cli
