#pragma once
// A ProcessRunner that starts nothing (ninja's FakeCommandRunner): it
// records the command, writes the scripted output to the sink and ends as
// scripted, so `notify run` is tested in-process with no child and no sleep.

#include <string>
#include <utility>
#include <vector>

#include "app/process.hpp"

namespace notify::test {

class FakeProcessRunner final : public app::ProcessRunner {
 public:
  /// What the command writes, in order: (1 stdout or 2 stderr, bytes).
  std::vector<std::pair<int, std::string>> output;
  app::CommandEnd end;
  /// Set: nothing is started and run() fails with this message.
  std::string cannot_start;
  std::vector<std::vector<std::string>> ran;

  Result<app::CommandEnd> run(const std::vector<std::string>& argv,
                              const app::OutputSink& sink) override {
    if (!cannot_start.empty()) return make_error(ErrorKind::io, cannot_start);
    ran.push_back(argv);
    for (const auto& [stream, bytes] : output) sink(stream, bytes);
    return end;
  }

  /// The command exits with `code` after writing `out` to its stdout.
  void exits(int code, std::string out = "") {
    if (!out.empty()) output.emplace_back(1, std::move(out));
    end.exit_code = code;
  }
};

}  // namespace notify::test
