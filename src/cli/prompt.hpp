#pragma once
// Questions on a terminal (the setup wizard, a secret given as "-"). While
// a Prompter lives the terminal reads key by key without the kernel's echo,
// so that what appears is the Prompter's choice: an answer as typed, a
// secret (or what looks like one) as a count of characters only. Stop
// signals restore the terminal before the process ends.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <termios.h>

namespace notify::cli {

/// The terminal at `fd` in key-by-key mode without echo, for its lifetime,
/// and the signal actions that go with it, restored by the destructor. On
/// SIGQUIT the terminal is restored, a line break and `farewell` go to
/// standard error and the process ends with status 128 + the signal; on
/// Ctrl-Z (SIGTSTP) the terminal is restored while stopped and the mode
/// taken again on return. The stop signals (SIGINT, SIGTERM, SIGHUP) are
/// not its own: they reach the process's one mechanism (cli/signals), which
/// Prompter watches while it waits for a key. One at a time; no-op when
/// `fd` is no terminal.
class TerminalMode {
 public:
  TerminalMode(int fd, const char* farewell);
  ~TerminalMode();
  TerminalMode(const TerminalMode&) = delete;
  TerminalMode& operator=(const TerminalMode&) = delete;

  bool active() const { return active_; }
  /// Gives the terminal back now (the destructor then does nothing).
  void restore();
  /// The key that erases a character, a line, a word, or ends input.
  const termios& saved() const { return saved_; }

 private:
  bool active_ = false;
  termios saved_{};
};

class Prompter {
 public:
  /// Questions and echo go to `out`; answers come from `fd`. `farewell` is
  /// what a stop signal prints (see TerminalMode).
  Prompter(int fd, std::ostream& out, const char* farewell);

  /// Whether the answer shown so far must be hidden (a pasted secret).
  using Hide = std::function<bool(std::string_view line)>;

  /// Prints "question: " and reads one answer (a stop signal meanwhile
  /// restores the terminal, prints the farewell and ends the process with
  /// status 128 + the signal), spaces around it trimmed;
  /// "" for Enter. A secret is never shown, only "(N characters, hidden)",
  /// and what was typed after it (a second paste) is thrown away; so is
  /// an answer `hide` points at. nullopt at end of input (Ctrl-D), after
  /// ending the line.
  std::optional<std::string> ask(const std::string& question, bool secret = false,
                                 const Hide& hide = {});
  /// "question [Y/n]: " until y, yes, n or no (any case) or Enter (the
  /// default). nullopt at end of input.
  std::optional<bool> confirm(const std::string& question, bool default_yes);

  std::ostream& out() { return out_; }

 private:
  std::optional<std::string> read_keys(bool secret, const Hide& hide);
  std::optional<std::string> read_plain();
  /// Until the terminal has input (true) or a stop signal came (false).
  bool wait_for_input();
  /// Restores the terminal, says the farewell, ends with 128 + the signal.
  [[noreturn]] void end_at_stop();
  void show(const std::string& want);

  int fd_;
  std::ostream& out_;
  const char* farewell_;
  TerminalMode mode_;
  std::string pending_;  ///< read from the terminal, not yet used
  std::string shown_;    ///< what the current line shows after its question
  int escape_ = 0;       ///< where in an escape sequence (arrow keys) input is
};

}  // namespace notify::cli
