#include <csignal>
#include <string>
#include <vector>

#include "cli/run.hpp"

int main(int argc, char** argv) {
  // A reader that goes away (`notify --dry-run x | head`) must give EPIPE,
  // not kill us before the message is sent.
  std::signal(SIGPIPE, SIG_IGN);
  // Past a file size limit (ulimit -f) a write must fail with EFBIG, so the
  // message is sent without its spool copy instead of lost with the process.
  std::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto world = notify::cli::real_world();
  return notify::cli::run(args, world);
}
