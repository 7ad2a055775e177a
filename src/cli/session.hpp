#pragma once
// What every command works with once the command line and the profile file
// are read, plus the one place diagnostics are printed (always masked).

#include <optional>
#include <set>
#include <string>

#include "cli/options.hpp"
#include "cli/world.hpp"
#include "config/profile.hpp"
#include "core/mask.hpp"

namespace notify::cli {

struct Session {
  World& world;
  CliOptions options;
  config::Config config;
  Masker masker;
  std::set<std::string> noted_profiles;  ///< whose service notes -v printed
  /// The profile file could not be used (error printed): `run` still runs
  /// its command.
  bool config_broken = false;
  /// The message of a send once read, until it is safe in the spool: what
  /// an internal error still prints, so the text is never lost with it.
  std::optional<std::string> unsent_message{};
  /// It is in the spool (an internal error says so instead).
  bool message_in_spool = false;
  /// A failed write to standard output was reported already (--tee): the
  /// end of the run does not say it again.
  bool stdout_failure_said = false;

  void error(const std::string& text) const;    ///< "notify: error: ..."
  /// Says the error and gives the exit status its kind has (core's one
  /// table): `return s.fail(ErrorKind::usage, "...")`.
  int fail(ErrorKind kind, const std::string& text) const {
    error(text);
    return exit_status(kind);
  }
  int fail(const Error& e) const { return fail(e.kind, e.message); }
  void warning(const std::string& text) const;  ///< unless --quiet
  void info(const std::string& text) const;     ///< unless --quiet
  void verbose(const std::string& text) const;  ///< only with -v
  void out(const std::string& text) const;      ///< stdout, masked
  /// The one line for a --tee copy that could not be written (`why`:
  /// strerror's words); the caller then exits with at least status 1.
  void tee_failed(const std::string& why, std::string_view consequence);

  /// A send (or --stream) whose message comes from standard input.
  bool reads_message_from_stdin() const {
    return options.command == Command::send && options.send().words.empty();
  }

  /// A notify command for the user to run next ("notify flush"), with the
  /// -c FILE this run was given: the hint must reach the same profiles.
  std::string command_hint(const std::string& rest) const;

  /// Resolves the secrets of one profile and registers them for masking.
  Result<void> resolve(config::Profile& profile);
};

/// At a usage or configuration error of a send from stdin: the pipe is
/// read to EOF and its text goes to stderr (see cli/input.hpp).
void pass_message_on(Session& s);

int cmd_send(Session& s);
int cmd_stream(Session& s);  ///< send --stream
int cmd_test(Session& s);
int cmd_list(Session& s);
int cmd_check(Session& s);
/// check's verdict when the profile file could not be found or read (the
/// error is printed already): status 2.
int check_unreadable(Session& s);
int cmd_flush(Session& s);
int cmd_spool(Session& s);
int cmd_setup(Session& s);
int cmd_discover(Session& s);
int cmd_run(Session& s);
/// A stop before anything was sent or run: one line naming the signal and
/// `while_doing`; `run`'s status is 128 + the signal, a send's `stopped`.
int stopped_early(Session& s, const char* while_doing);

}  // namespace notify::cli
