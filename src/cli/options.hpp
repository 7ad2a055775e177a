#pragma once
// The command line as data. Parsing fills CliOptions and nothing else; what
// the options mean is decided in run.cpp.

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

#include "message/priority.hpp"

namespace notify::cli {

enum class Command { send, list, check, test, flush, spool, setup, discover, run, help, version };

/// notify spool [list] | show ID | drop ID...|--failed|--all | retry ID...|--failed
enum class SpoolAction { list, show, drop, retry };

inline constexpr int kDefaultStreamSeconds = 5;

struct CliOptions {
  Command command = Command::send;
  std::optional<std::string> config;
  std::string targets;             ///< "ops" or "ops,me"
  std::vector<std::string> words;  ///< message words; empty = read stdin
  std::optional<std::string> title;
  bool code = false;
  std::string code_lang;
  bool markdown = false;
  std::optional<int> stream_s;     ///< --stream[=SECONDS]; set means streaming
  bool silent = false;
  std::optional<Priority> priority;  ///< --priority
  std::optional<std::string> username;
  std::optional<std::string> icon;
  std::optional<std::string> channel;
  bool dry_run = false;
  bool tee = false;
  std::optional<int> timeout_s;
  std::optional<int> retries;
  std::optional<int> max_parts;
  std::vector<std::string> files;  ///< --file, repeatable
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  bool names = false;  ///< list --names, for shell completion

  SpoolAction spool_action = SpoolAction::list;
  std::vector<std::string> spool_ids;  ///< spool show/drop/retry ID...
  bool spool_failed = false;           ///< spool drop/retry --failed
  bool spool_all = false;              ///< spool drop --all

  // setup: each answer given as a flag, keyed by the profile field name
  // ("webhook_url", "chat_id", ...); absent means ask (or fail without a
  // terminal).
  std::string profile;  ///< setup PROFILE, telegram discover --profile
  std::vector<std::pair<std::string, std::string>> answers;
  bool force = false;
  bool yes = false;
  bool send_test = false;
  bool save_anyway = false;  ///< setup --test: write even when the test failed
  std::optional<std::string> token;     ///< telegram discover --token
  std::optional<std::string> api_base;  ///< telegram discover --api-base

  std::string on = "failure";          ///< run --on failure|always|success
  std::vector<std::string> run_argv;   ///< run -- COMMAND ARGS...
  std::string help_text;  ///< filled for Command::help
};

/// True when argv asks to send a message read from standard input (the
/// default command with at most a TARGET, no MESSAGE words, nothing after
/// `--`), judged from the words alone, so that even a command line that
/// does not parse can honour the pipe (see cli/input.hpp).
bool message_from_stdin(const std::vector<std::string>& args);

/// For `notify run ... -- COMMAND ARGS...` whose options do not parse: the
/// command to run anyway (empty when argv is not such a run).
std::vector<std::string> run_command_of(const std::vector<std::string>& args);

/// Parses argv (without argv[0]). Usage errors come back as ErrorKind::usage.
Result<CliOptions> parse_options(const std::vector<std::string>& args);

}  // namespace notify::cli
