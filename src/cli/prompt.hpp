#pragma once
// Questions on the terminal for the setup wizard: the kernel's line editing
// (canonical mode), no echo for secrets, and Ctrl-C restoring the terminal.

#include <optional>
#include <ostream>
#include <string>

namespace notify::cli {

class Prompter {
 public:
  Prompter(int fd, std::ostream& out) : fd_(fd), out_(out) {}
  /// Asks until an answer; empty input takes the default. nullopt on EOF.
  std::optional<std::string> ask(const std::string& question, const std::string& fallback = "",
                                 bool secret = false);
  /// Yes/no with a default; EOF counts as no.
  bool confirm(const std::string& question, bool default_yes);

 private:
  std::optional<std::string> read_line();
  int fd_;
  std::ostream& out_;
};

}  // namespace notify::cli
