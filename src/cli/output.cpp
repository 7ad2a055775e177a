#include "cli/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

namespace notify::cli {

int finish_output(std::ostream& out, std::ostream& err, int status, bool already_said) {
  errno = 0;
  bool failed = !out.flush().good();
  int reason = errno;
  // std::cout writes through stdio: a failure from earlier in the run is
  // reported again (with its errno) when the rest of the buffer is flushed.
  if (&out == &std::cout) {
    errno = 0;
    if (std::fflush(stdout) != 0) reason = errno;
    failed = failed || std::ferror(stdout);
  }
  if (!failed || already_said) return status;
  err << "notify: error: cannot write to standard output"
      << (reason ? std::string(": ") + std::strerror(reason) : std::string()) << '\n';
  err.flush();
  return status == 0 ? kExitOutputFailed : status;
}

}  // namespace notify::cli
