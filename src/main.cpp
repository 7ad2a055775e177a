#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/run.hpp"
#include "cli/signals.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kExitThroughLibc = true;  // LeakSanitizer reports from an exit handler
#else
constexpr bool kExitThroughLibc = false;
#endif

}  // namespace

int main(int argc, char** argv) {
  // Before anything opens a descriptor: a closed stdin must read as
  // /dev/null, not as the next pipe notify makes (it would wait on itself).
  notify::cli::open_closed_standard_fds();
  // A stop at any moment from here on is seen: while the profile file or
  // standard input is still being read too.
  notify::cli::install_stop_signals();
  // A reader that goes away (`notify --dry-run x | head`) must give EPIPE,
  // not kill us before the message is sent.
  std::signal(SIGPIPE, SIG_IGN);
  // Past a file size limit (ulimit -f) a write must fail with EFBIG, so the
  // message is sent without its spool copy instead of lost with the process.
  std::signal(SIGXFSZ, SIG_IGN);
  int status = 0;
  {
    std::vector<std::string> args(argv + 1, argv + argc);
    auto world = notify::cli::real_world();
    status = notify::cli::run(args, world);
  }
  if (kExitThroughLibc) return status;
  // run() has flushed and checked every output and closed every spool file.
  // What exit() would add is teardown the kernel does anyway: OpenSSL's
  // cleanup handler alone is ~0.5 M instructions, 3% of a send
  // (bench/RESULTS.md), paid by every short-lived run.
  std::fflush(nullptr);
  _exit(status);
}
