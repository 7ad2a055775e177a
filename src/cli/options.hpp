#pragma once
// The command line as data. Parsing fills CliOptions and nothing else; what
// the options mean is decided by each command. Which options exist, and of
// which commands, is cli/table.hpp's.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cli/table.hpp"
#include "core/result.hpp"
#include "message/priority.hpp"

namespace notify::cli {

/// notify spool [list] | show ID | drop ID...|--failed|--all | retry ID...|--failed
enum class SpoolAction { list, show, drop, retry };

inline constexpr int kDefaultStreamSeconds = 5;

/// What is sent and how: send, and test, flush and run, which send too.
struct SendOptions {
  std::string targets;             ///< "ops" or "ops,me"
  std::vector<std::string> words;  ///< message words; empty = read stdin
  std::optional<std::string> title;
  bool code = false;
  std::string code_lang;
  bool markdown = false;
  std::optional<int> stream_s;       ///< --stream[=SECONDS]; set means streaming
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
  std::string key;                    ///< --key; empty: none
  std::optional<std::int64_t> cooldown_s;  ///< --cooldown
  bool resolve = false;               ///< --resolve
  bool edit = false;                  ///< --edit
  bool reply = false;                 ///< --reply
  bool fail = false;                  ///< --fail
};

struct ListOptions {
  bool names = false;  ///< --names, for shell completion
};

struct SpoolOptions {
  SpoolAction action = SpoolAction::list;
  std::vector<std::string> ids;  ///< show/drop/retry ID...
  bool failed = false;           ///< drop/retry --failed
  bool all = false;              ///< drop --all
};

struct SetupOptions {
  std::string profile;  ///< setup PROFILE
  /// Each answer given as a flag, keyed by the profile field name
  /// ("webhook_url", "chat_id", ...); absent means ask (or fail without a
  /// terminal).
  std::vector<std::pair<std::string, std::string>> answers;
  bool force = false;
  bool yes = false;
  bool send_test = false;    ///< --test
  bool save_anyway = false;  ///< with --test: write even when the test failed
};

struct DiscoverOptions {
  std::string profile;  ///< --profile
  std::optional<std::string> token;
  std::optional<std::string> api_base;
};

struct RunOptions {
  SendOptions send;                  ///< the report's target and send options
  std::string on = "failure";        ///< --on failure|always|success
  int after = 1;                     ///< --after N
  bool live = false;                 ///< --live
  std::vector<std::string> argv;     ///< -- COMMAND ARGS...
};

struct HelpOptions {
  std::string text;  ///< what to print
};

struct CliOptions {
  Command command = Command::send;
  // Every command's:
  std::optional<std::string> config;
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  /// The command's own options: SendOptions for send, test and flush,
  /// nothing for check and version.
  std::variant<std::monostate, SendOptions, ListOptions, SpoolOptions, SetupOptions,
               DiscoverOptions, RunOptions, HelpOptions>
      of;

  // A command's options; asking for another command's is a bug
  // (std::bad_variant_access).
  const SendOptions& send() const;  ///< send, test, flush, and run's report
  SendOptions& send();
  /// send()'s options, or nullptr for a command that sends nothing of its
  /// own (setup's test message).
  const SendOptions* sending() const;
  const ListOptions& list() const { return std::get<ListOptions>(of); }
  const SpoolOptions& spool() const { return std::get<SpoolOptions>(of); }
  const SetupOptions& setup() const { return std::get<SetupOptions>(of); }
  const DiscoverOptions& discover() const { return std::get<DiscoverOptions>(of); }
  const RunOptions& run() const { return std::get<RunOptions>(of); }
  RunOptions& run() { return std::get<RunOptions>(of); }
  const HelpOptions& help() const { return std::get<HelpOptions>(of); }
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
