#include "app/process.hpp"

#include <sys/wait.h>

#include "os/process_runner.hpp"

namespace notify::app {

namespace {

class SystemProcessRunner final : public ProcessRunner {
 public:
  Result<CommandEnd> run(const std::vector<std::string>& argv, const OutputSink& sink) override {
    auto ended = os::run_in_own_group(argv, sink);
    if (!ended) return ended.error();
    CommandEnd end;
    end.exec_errno = ended->exec_errno;
    end.seconds = ended->seconds;
    if (WIFSIGNALED(ended->status)) end.signal = WTERMSIG(ended->status);
    else end.exit_code = WEXITSTATUS(ended->status);
    return end;
  }
};

}  // namespace

ProcessRunner& system_process_runner() {
  static SystemProcessRunner runner;
  return runner;
}

}  // namespace notify::app
