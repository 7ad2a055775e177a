#pragma once
// Runs a program as a child process for end-to-end tests, feeding stdin and
// capturing stdout/stderr without deadlocks, with a kill-on-timeout. spawn()
// returns at once, so a test can signal the child at a moment it chooses.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace notify::test {

struct RunOptions {
  /// Environment changes applied in order; a nullopt value unsets the variable.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  /// Start from an empty environment instead of this process's one.
  bool clear_env = false;
  /// Bytes for the child's stdin, then EOF; nullopt connects stdin to /dev/null.
  std::optional<std::string> stdin_data;
  /// Make stdin a pseudo-terminal (the child also gets it as controlling terminal).
  /// stdin_data, if any, is typed into the terminal; no EOF is sent.
  bool stdin_tty = false;
  /// Standard descriptors (0, 1, 2) the child starts with closed, as some
  /// daemons and cron wrappers leave them (`<&-`, `>&-`, `2>&-`).
  std::vector<int> closed_fds;
  /// Working directory of the child; empty keeps the current one.
  std::filesystem::path cwd;
  /// After this the child's process group gets SIGKILL and the result says timed_out.
  std::chrono::milliseconds timeout{60000};
  /// RunResult::max_rss_kib is the program's own peak: it runs under a small
  /// helper (peak_rss) that forks it, so the test process's image, which a
  /// fork from here would count, is not in the figure. Child::signal() then
  /// reaches the helper, not the program: for runs that are not signalled.
  bool own_peak_rss = false;

  /// Adds one env change (value nullopt = unset); returns *this for chaining.
  RunOptions& set_env(std::string name, std::optional<std::string> value);
  /// Points HOME and XDG_{CONFIG,STATE,CACHE,DATA}_HOME into home, and unsets NOTIFY_CONFIG,
  /// every other NOTIFY_* variable (inherited or set earlier here), proxy variables and
  /// CURL_CA_BUNDLE/SSL_CERT_* so the child sees neither the developer's config nor their
  /// network setup. Call it first, then set_env what the test needs.
  RunOptions& isolate(const std::filesystem::path& home);
};

struct RunResult {
  int exit_code = -1;      ///< exit status; -1 if killed by a signal
  int signal = 0;          ///< terminating signal, 0 if it exited
  bool timed_out = false;  ///< killed because options.timeout elapsed
  std::string out, err;    ///< everything written to stdout / stderr
  /// With stdin_tty: everything the terminal showed besides stdout and
  /// stderr (the kernel's echo of what was typed, writes to the tty itself).
  std::string terminal;
  /// With stdin_tty: the terminal's local modes (c_lflag: ECHO, ICANON...)
  /// once the child had exited, to tell whether it restored them.
  std::optional<unsigned> terminal_lflag;
  double cpu_seconds = 0;  ///< the child's user + system CPU time (wait4's rusage)
  /// The child's peak resident set size in KiB (wait4's ru_maxrss). It counts
  /// the test process's image forked before exec unless options.own_peak_rss.
  long max_rss_kib = 0;
};

/// A running child. Its stdin is fed and its output collected in the background
/// (with options.timeout applied) until wait() returns the result.
class Child {
 public:
  Child(Child&&) noexcept;
  Child& operator=(Child&&) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  /// A child never waited for is killed (with its process group) and reaped.
  ~Child();

  pid_t pid() const;
  /// Sends sig to the child (not its process group) unless it has already been
  /// reaped, so a recycled pid is never hit. True if the signal was sent.
  bool signal(int sig);
  /// Types bytes into the child's terminal now (options.stdin_tty), e.g. "\x03" for
  /// Ctrl-C once the child is ready for it. False without a terminal or once reaped.
  bool type(const std::string& bytes);
  /// Waits until `text` appears on the child's stderr after the end of the
  /// text the previous call found (so a question asked twice is waited for
  /// twice); false when the child ends or `timeout` passes first.
  bool wait_for_err(const std::string& text,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Waits for the child to end and its output to close; call once.
  RunResult wait();

  struct State;

 private:
  explicit Child(std::unique_ptr<State> state);
  void abandon() noexcept;  // kills and reaps a child nobody waited for
  friend Child spawn(const std::vector<std::string>& argv, const RunOptions& options);
  std::unique_ptr<State> state_;
};

/// Starts argv (argv[0] is a path, or a name looked up in PATH) and returns at once.
/// If the program cannot be started, wait() says exit_code 127 and err says why.
Child spawn(const std::vector<std::string>& argv, const RunOptions& options = {});

/// spawn(argv, options).wait().
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace notify::test
