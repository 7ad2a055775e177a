#include "cli/run.hpp"

#include <algorithm>
#include <cstring>
#include <ostream>

#include "app/profile_file.hpp"
#include "app/secrets.hpp"
#include "cli/deliver.hpp"
#include "cli/help.hpp"
#include "cli/input.hpp"
#include "cli/output.hpp"
#include "cli/session.hpp"
#include "cli/signals.hpp"
#include "config/loader.hpp"
#include "core/shell.hpp"

namespace notify::cli {

void Session::error(const std::string& text) const {
  *world.err << "notify: error: " << masker.apply(text) << '\n';
}
void Session::warning(const std::string& text) const {
  if (!options.quiet) *world.err << "notify: warning: " << masker.apply(text) << '\n';
}
void Session::info(const std::string& text) const {
  if (!options.quiet) *world.err << "notify: " << masker.apply(text) << '\n';
}
void Session::verbose(const std::string& text) const {
  if (options.verbose) *world.err << "notify: " << masker.apply(text) << '\n';
}
void Session::out(const std::string& text) const {
  *world.out << masker.apply(text);
}

std::string Session::command_hint(const std::string& rest) const {
  return "notify " + (options.config ? "-c " + shell_quote(*options.config) + " " : std::string()) +
         rest;
}

void Session::tee_failed(const std::string& why, std::string_view consequence) {
  error("--tee: cannot write to standard output: " + why + "; " + std::string(consequence));
  stdout_failure_said = true;
}

Result<void> Session::resolve(config::Profile& p) {
  return app::resolve_profile(p, world.env, world.read_file, masker);
}

namespace {

// -c FILE or NOTIFY_CONFIG: that file, and no other, must be used.
bool config_named(const Session& s) {
  const auto env = s.world.env("NOTIFY_CONFIG");
  return s.options.config || (env && !env->empty());
}

// Finds and parses the profile file; errors are printed, exit 2 returned.
std::optional<int> load_config(Session& s) {
  const auto candidates = config::config_candidates(s.options.config, s.world.env);
  const bool explicit_path = config_named(s);
  std::string path;
  for (const auto& c : candidates) {
    if (explicit_path || s.world.file_exists(c)) {
      path = c;
      break;
    }
  }
  if (path.empty()) {
    return s.fail(ErrorKind::usage, no_profile_file(candidates));
  }
  s.config.path = path;  // what check's verdict names if it cannot be read
  auto cfg = app::read_profile_file(s.world.read_file, path);
  if (!cfg) {
    if (StopSignals::stopped()) return exit_status(ErrorKind::stopped);  // said by the caller
    return s.fail(ErrorKind::usage, cfg.error().message);
  }
  s.config = std::move(*cfg);
  // Like ssh with a private key: a secret in a file others can read is
  // worth a warning every time, not an error that breaks a cron job.
  if (s.config.has_literal_secret) {
    if (auto mode = s.world.file_mode(path); mode && (*mode & 077)) {
      s.warning(path + " holds a secret and is readable by group or others; "
                       "run: chmod 600 " + path);
    }
  }
  return std::nullopt;
}

bool has_config_file(const Session& s) {
  const auto candidates = config::config_candidates(s.options.config, s.world.env);
  return std::any_of(candidates.begin(), candidates.end(),
                     [&](const std::string& c) { return s.world.file_exists(c); });
}

// The last resort: a bug threw where nothing expected it. One line says so
// (masked, as every line), and the message a send had read is never lost
// with it: it is in the spool, or it follows on stderr, where cron mails it.
int internal_error(Session& s, const std::string& what) {
  *s.world.err << "notify: internal error: " << s.masker.apply(what) << "\n";
  if (s.message_in_spool)
    *s.world.err << "notify: the message is in the spool; `" << s.command_hint("flush")
                 << "` sends it\n";
  else if (s.unsent_message)
    *s.world.err << "notify: the message was not sent; here it is:\n"
                 << s.masker.apply(*s.unsent_message) << "\n";
  return exit_status(ErrorKind::internal);
}

// One command of a parsed command line.
int run_session(Session& s) {
  World& world = s.world;
  if (s.options.command == Command::help) {
    *world.out << s.options.help().text;
    return kExitOk;
  }
  if (s.options.command == Command::version) {
    *world.out << "notify " NOTIFY_VERSION "\n";
    return kExitOk;
  }
  // setup creates the file and discover --token needs none.
  const bool config_optional =
      s.options.command == Command::setup ||
      // Each spooled message names its own profile file; the default one
      // is needed only for messages from before that.
      (s.options.command == Command::spool && !has_config_file(s)) ||
      (s.options.command == Command::flush && !has_config_file(s) && !config_named(s)) ||
      (s.options.command == Command::discover && s.options.discover().token);
  if (!config_optional) {
    if (auto failed = load_config(s)) {
      if (StopSignals::stopped()) return stopped_early(s, "while reading the profile file");
      if (s.options.command == Command::check) return check_unreadable(s);
      // The job notify run wraps must run whatever the profile file says.
      if (s.options.command != Command::run) {
        if (s.reads_message_from_stdin()) pass_message_on(s);
        return *failed;
      }
      s.config_broken = true;
    }
  }
  // Whoever stopped us does not want a job started now; the command would
  // have died of the signal had it been running, so its status says that.
  if (s.options.command == Command::run && StopSignals::stopped())
    return stopped_early(s, "before the command was started");
  if (s.options.command == Command::setup) return cmd_setup(s);
  if (s.options.command == Command::discover) return cmd_discover(s);
  switch (s.options.command) {
    case Command::list: return cmd_list(s);
    case Command::check: return cmd_check(s);
    case Command::test: return cmd_test(s);
    case Command::flush: return cmd_flush(s);
    case Command::spool: return cmd_spool(s);
    case Command::run: return cmd_run(s);
    default: return s.options.send().stream_s ? cmd_stream(s) : cmd_send(s);
  }
}

// `stdout_said`: the run reported a failed write to standard output itself.
int run_command_line(const std::vector<std::string>& args, World& world, bool& stdout_said) {
  auto parsed = parse_options(args);
  if (!parsed) {
    *world.err << "notify: error: " << parsed.error().message
               << "\nTry 'notify --help' for more information.\n";
    if (message_from_stdin(args))
      pass_message_on(world.in_fd, world.is_terminal(world.in_fd), *world.err,
                      StopSignals::fd());
    // `notify run` must never keep the job from running: a wrong option of
    // its report costs the report, not the job.
    if (auto command = run_command_of(args); !command.empty()) {
      CliOptions bare;
      bare.command = Command::run;
      RunOptions run;
      run.argv = std::move(command);
      bare.of = std::move(run);
      Session s{world, std::move(bare), {}, {}, {}};
      app::learn_url_shapes(s.masker);
      s.config_broken = true;
      return cmd_run(s);
    }
    return kExitUsage;
  }
  Session s{world, std::move(*parsed), {}, {}, {}};
  // Every line printed is masked; URLs nobody registered by these shapes.
  app::learn_url_shapes(s.masker);
  int status;
  try {
    status = run_session(s);
  } catch (const std::exception& e) {
    status = internal_error(s, e.what());
  } catch (...) {
    status = internal_error(s, "an exception of no known type");
  }
  stdout_said = s.stdout_failure_said;
  return status;
}

}  // namespace

// "SIGTERM", or "a signal" for one without a name.
static std::string stop_signal_name() {
  const char* abbrev = sigabbrev_np(StopSignals::received());
  return abbrev ? std::string("SIG") + abbrev : std::string("a signal");
}

// A stop before anything was sent (the profile file was still being read):
// one line says so, never a silent death, and what a pipe already holds
// goes to stderr after it, as at a configuration error. `run` starts no
// job then: the command would have died of the signal had it been running,
// so its status says that.
int stopped_early(Session& s, const char* while_doing) {
  if (s.options.command == Command::run) {
    *s.world.err << "notify: stopped by " << stop_signal_name() << " " << while_doing
                 << ": the command was not started\n";
    return 128 + StopSignals::received();
  }
  *s.world.err << "notify: stopped by " << stop_signal_name() << " " << while_doing
               << ": nothing was sent\n";
  if (s.reads_message_from_stdin()) pass_message_on(s);
  return exit_status(ErrorKind::stopped);
}


int run(const std::vector<std::string>& args, World& world) {
  bool stdout_said = false;
  int status;
  try {
    status = run_command_line(args, world, stdout_said);
  } catch (const std::exception& e) {
    // Before a session existed (the command line itself): nothing read yet.
    *world.err << "notify: internal error: " << e.what() << "\n";
    status = exit_status(ErrorKind::internal);
  }
  return finish_output(*world.out, *world.err, status, stdout_said);
}

}  // namespace notify::cli
