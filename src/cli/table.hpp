#pragma once
// The command line declared once (curl's option table, git's commands[]):
// every command and every option is one row here, and parsing (options.cpp),
// --help and `notify help options --json` (help.cpp) are made from the rows.
// The completions and the man page are checked against that dump
// (tests/docs/options_documented.sh), so a row without its documentation
// fails the docs tests.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace notify::config {
struct ServiceDoc;
}

namespace notify::cli {

enum class Command { send, list, check, test, flush, spool, setup, discover, run, help, version };

/// A set of commands, one bit per Command.
using Commands = std::uint32_t;
constexpr Commands bit(Command c) { return Commands{1} << static_cast<unsigned>(c); }
constexpr bool has(Commands set, Command c) { return (set & bit(c)) != 0; }

/// A command a person types (version is an option, not a row).
struct CommandSpec {
  Command id;
  std::string_view word;      ///< what selects it, as the first operand
  std::string_view name;      ///< as help names it: "spool", "<type> discover"
  std::string_view synopsis;  ///< its entry in the main help's command list
  std::string_view summary;   ///< what it does, a few lowercase words
  /// Its usage lines, without "usage: " (printed before the first line and
  /// as indentation before the others).
  std::string_view usage;
  std::string_view about;  ///< the prose of its help, before its options
  std::string_view after;  ///< prose after its options
  /// Where the help text of its options starts (their flags before it).
  std::size_t column;
  /// The words its first operand may be (`spool drop`, `<type> discover`);
  /// none: any. spool's are in SpoolAction's order.
  std::span<const std::string_view> actions{};
};

/// Every command, in the order the main help lists them. The discover
/// command is spelt by the service whose chats it lists (discover_service()):
/// its word is that service's type, its texts are the service's
/// (config::Discovery); with no such service there is no discover command.
std::span<const CommandSpec> commands();

/// The service `notify <type> discover` lists the chats of: the first of the
/// catalog's discoverable ones; nullptr when no service can.
const config::ServiceDoc* discover_service();

/// The command `word` selects as the first operand; nullptr for none.
const CommandSpec* command_named(std::string_view word);
const CommandSpec& command_spec(Command command);

/// What an option's value goes to; several rows may share one (--json
/// means one thing to list and another when sending).
enum class Opt {
  help, version, config, json, verbose, quiet,
  title, code, markdown, silent, priority, username, icon, channel, max_parts, file,
  timeout, retries, dry_run, tee, stream,
  key, cooldown, resolve, edit, reply, fail,
  names, failed, all,
  answer,  ///< setup --FIELD VALUE: the profile key is the row's field
  force, yes, test, save_anyway,
  profile, token, api_base,
  on, after, live,
};

enum class Arg {
  none,      ///< a flag
  required,  ///< --name VALUE or --name=VALUE (-x VALUE or -xVALUE)
  attached,  ///< optional, only as --name=VALUE: `--code ops` leaves ops an operand
};

/// The section of the main help a sending option is listed in.
enum class Group { none, message, delivery, output };

/// The services' words that complete an option's help line, read from
/// config::Catalog when help is printed: "sender name shown: Mattermost,
/// Discord and Slack". secret and server are discover_service()'s words for
/// its secret and its server (config::Discovery). A help holding @FILL@ takes
/// the words there; any other help is followed by ": " and them.
enum class Fill { none, username, icon, channel, files, types, secret, server };

/// One value of an option, as help and the completions offer it.
struct Choice {
  std::string_view value;
  std::string_view help;  ///< empty: listed with the option, not on its own line
};

struct OptionSpec {
  Opt id;
  std::string_view name;  ///< the long name, without "--"
  char letter = 0;        ///< the short name; 0 for none
  Arg arg = Arg::none;
  std::string_view value{};  ///< what help calls the value: TEXT, SECONDS
  Commands commands = 0;
  Group group = Group::none;
  /// One help line (paragraphs separated by '\n'); Fill adds to it.
  std::string_view help{};
  Fill fill = Fill::none;
  bool repeat = false;  ///< each use adds a value (--file); else the last wins
  int min = 0, max = 0;  ///< a whole number within [min, max] when max > 0
  std::span<const Choice> choices{};
  std::string_view field{};  ///< Opt::answer: the profile key setup writes
};

/// Every option row with its own text, in help order. The flags of setup
/// that are profile keys of some service come from config::Catalog and are
/// not among them; options_of(Command::setup) has them.
std::span<const OptionSpec> fixed_options();

/// Every row: the fixed ones and setup's profile keys (one flag per key
/// any service's setup asks, spelt with dashes, help from the services' docs).
const std::vector<const OptionSpec*>& all_options();

/// The rows `command` takes, in the order its help lists them.
std::vector<const OptionSpec*> options_of(Command command);

/// The row of `command` whose name is `name` ("--title", "-t"); nullptr
/// when `command` takes no such option.
const OptionSpec* option_of(Command command, std::string_view name);

/// True when some command's option of that name ("--title", "-t") takes a
/// separate value. The command is known only once the words before it are
/// read, so this cannot wait for it.
bool takes_value(std::string_view name);

/// The rows of -c/--config: what notify's fast path reads by itself.
const OptionSpec& config_option();

/// A help topic: `notify help TOPIC`.
enum class Topic { services, priority, options };

struct TopicSpec {
  Topic id;
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
};

std::span<const TopicSpec> topics();

}  // namespace notify::cli
