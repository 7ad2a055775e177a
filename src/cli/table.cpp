#include "cli/table.hpp"

#include <algorithm>
#include <deque>
#include <string>

#include "cli/catalog.hpp"
#include "config/schema.hpp"
#include "core/names.hpp"

namespace notify::cli {

namespace {

constexpr Commands kSending =
    bit(Command::send) | bit(Command::test) | bit(Command::flush) | bit(Command::run);
constexpr Commands kEvery = bit(Command::send) | bit(Command::list) | bit(Command::check) |
                            bit(Command::test) | bit(Command::flush) | bit(Command::spool) |
                            bit(Command::setup) | bit(Command::discover) | bit(Command::run) |
                            bit(Command::help);

constexpr std::string_view kSpoolActions[] = {"list", "show", "drop", "retry"};
constexpr std::string_view kDiscoverActions[] = {"discover"};

constexpr CommandSpec kCommands[] = {
    {Command::send, "send", "send", "send TARGET [MESSAGE]",
     "the default, spelt out: for a profile named like a command (`notify send list ...`)",
     "notify [OPTIONS] TARGET[,TARGET...] [MESSAGE...]\n"
     "notify send TARGET [MESSAGE...]\n"
     "notify list [--json] | check | test TARGET | flush [TARGET]\n"
     "notify setup [PROFILE] [--type T --FIELD VALUE...] | @DISCOVER@\n"
     "notify run TARGET [--on failure|always|success] -- COMMAND [ARGS...]\n",
     R"(Sends MESSAGE (or standard input, read to the end) to each TARGET, a profile
or group from the profile file. A command is recognised only as the first
word; every later word is a TARGET or MESSAGE word. Options may come
anywhere before `--`; every word after `--` is message text. Exit status:
0 delivered or nothing to send, 1 some target not delivered or standard
output not writable, 2 usage or configuration error.
)",
     "See notify(1) for the profile file format.\n", 25},
    {Command::list, "list", "list", "list [--json]", "profiles and groups, secrets masked",
     "notify list [--json] [-c PATH]\n",
     "Lists the profiles (name, type, destination; secrets masked) and groups.\n", "", 15},
    {Command::check, "check", "check", "check", "validate the profile file and its secrets",
     "notify check [-c PATH]\n",
     R"(Validates the whole profile file: syntax, keys and types, every ${VAR} and
every *_file secret of every profile, at least one profile, and no fallback
cycle. Sends nothing. The verdict is one line on standard output, FILE: OK
or FILE: not valid; each problem and warning is a line on standard error,
naming file:line:column where there is one. Exit 0 when valid, 2 otherwise.
)",
     "", 15},
    {Command::test, "test", "test", "test TARGET", "send a test message and report per target",
     "notify test TARGET[,TARGET...] [-c PATH] [--json]\n",
     R"(Sends a short test message to each target and reports, per target, whether
it was delivered. Exit 0 when every target delivered, 1 otherwise.
)",
     "", 15},
    {Command::flush, "flush", "flush", "flush [TARGET]", "deliver the messages kept in the spool",
     "notify flush [TARGET[,TARGET...]] [-c PATH] [--json] [-v]\n",
     R"(Delivers the messages waiting in the spool ($XDG_STATE_HOME/notify/spool, by
default ~/.local/state/notify/spool), oldest first, sending only the parts
each target still lacks, and removes each one once every target has it.
One notify at a time holds a message, so none is delivered twice. A file
that is not a notify spool file of yours is reported and left alone; a
message whose journal is damaged is not sent but made a dead letter; dead
letters (failed/) are not retried, see `notify spool`. Exit 0 when nothing
is left waiting, 1 when messages are left (or one failed for good now).
)",
     "", 15},
    {Command::spool, "spool", "spool", "spool [ACTION]",
     "list, show, drop or retry the messages kept",
     "notify spool [list] [--json]\n"
     "notify spool show ID\n"
     "notify spool drop ID... | --failed | --all\n"
     "notify spool retry ID... | --failed\n",
     R"(The messages kept in the spool ($XDG_STATE_HOME/notify/spool): pending ones,
and failed ones (an answer that will never succeed, or a damaged journal;
never retried by itself). list shows id, target, age, attempts, last error
and first line; show prints one message, secrets masked; drop deletes; retry
moves failed messages back to pending.
)",
     "", 15, kSpoolActions},
    {Command::setup, "setup", "setup", "setup [PROFILE]",
     "add or change a profile, asking or by flags",
     "notify setup [PROFILE] [--type T] [--FIELD VALUE...] [--force] [--yes]\n"
     "             [--test [--save-anyway]] [-c PATH]\n",
     R"(Adds a profile to the profile file (creating it with mode 0600 in a 0700
directory) or changes one in place, keeping every other line and comment as
it was. On a terminal it asks for what the flags do not give and checks each
answer by the loader's rule (a webhook URL must have its service's shape);
for an existing profile each current value is the default, and Enter keeps
it. Secrets are never echoed. Then it sends a test message and writes the
profile once that was delivered, or when told to save anyway; a failed test
offers to answer the question it points at again. Ctrl-C or Ctrl-D leaves
the file untouched. Without a terminal a missing answer is an error that
names its flag.
The service may be named in any case, or as @ALIASES@.
)",
     R"(A token or URL given as "-" is read from standard input (on a terminal it
is asked for, without echo), so it does not show in `ps` or in the shell
history.
)",
     23},
    // Its word, name, summary and prose are discover_service()'s (see
    // command_rows()); its usage lines here are what follows `notify <type>
    // discover`, the later ones under the first.
    {Command::discover, "", "", "", "",
     "[--profile P | --token T] [--api-base URL]\n"
     "[--json]\n",
     "", "", 23, kDiscoverActions},
    {Command::run, "run", "run", "run TARGET -- CMD...",
     "run a command, report its failure with its output",
     "notify run TARGET [--on failure|always|success] [-t TITLE] [send options]\n"
     "           [--after N] [--key KEY] [--live] -- COMMAND [ARGS...]\n",
     R"(Runs COMMAND, passing its standard output and error through unchanged, and
exits with its exit status (128+N when killed by signal N; 127 when it
cannot be found). Then, by default only when it failed, sends a message:
the command, how it ended, how long it took and on which host, and the
tail of its output in a code block. The message is an alert keyed by the
command line (or --key): --cooldown holds back repeats, --after N waits for
N failures in a row, and the first success after failure reports says
"resolved after N alerts since HH:MM UTC". With --live, a "running" message
goes out when the command starts and is edited into the report when it ends,
where the service can edit.
)",
     R"(COMMAND runs in a process group of its own; SIGINT, SIGTERM and SIGHUP are
passed on to that group (not again when the terminal sent them to it). Once
it exits, its output is read for at most 1 second more: a daemon it left
holding the output never keeps notify waiting. A message that cannot be
delivered goes to the spool; the exit status stays the command's.
The send options apply, except @SEND_ONLY@.
)",
     23},
    {Command::help, "help", "help", "help [COMMAND]",
     "this help, or a command's (as COMMAND --help)",
     "notify help [COMMAND | services | priority | options] [--json]\n", "", "", 25},
};

// The fixed command words are the ones core knows too (profile names must
// not take them): the two lists are one list. The discover command's word,
// its service's type, config::Catalog::command_words() adds to them.
constexpr bool same_words_as_core() {
  std::size_t fixed = 0;
  for (const auto& c : kCommands) {
    if (c.id == Command::discover) continue;
    ++fixed;
    if (std::find(std::begin(kCommandNames), std::end(kCommandNames), c.word) ==
        std::end(kCommandNames))
      return false;
  }
  return fixed == std::size(kCommandNames);
}
static_assert(same_words_as_core(), "kCommands and core's kCommandNames name other commands");

constexpr Choice kOnChoices[] = {
    {"failure", "notify when the command fails [default]"},
    {"always", "notify whatever happens (a success at low priority)"},
    {"success", "notify only when it succeeds"},
};

constexpr OptionSpec kOptions[] = {
    // message:
    {.id = Opt::title, .name = "title", .letter = 't', .arg = Arg::required, .value = "TEXT",
     .commands = kSending, .group = Group::message,
     .help = "title line, bold where the service has bold"},
    {.id = Opt::code, .name = "code", .arg = Arg::attached, .value = "LANG", .commands = kSending,
     .group = Group::message, .help = "send as a monospace code block"},
    {.id = Opt::markdown, .name = "markdown", .commands = bit(Command::send),
     .group = Group::message,
     .help = "the message is Markdown (CommonMark, GitHub tables, strikethrough, autolinks, "
             "task lists), rendered for each service; not with --code"},
    {.id = Opt::silent, .name = "silent", .commands = kSending, .group = Group::message,
     .help = "deliver without notification sound or push"},
    {.id = Opt::priority, .name = "priority", .arg = Arg::required, .value = "LEVEL",
     .commands = kSending, .group = Group::message,
     .help = "low, normal, high or urgent (any case; also ntfy's 1-5, min, default, max), sent "
             "as each service's own switch (`notify help priority` shows them)"},
    {.id = Opt::username, .name = "username", .arg = Arg::required, .value = "NAME",
     .commands = kSending, .group = Group::message, .help = "sender name shown",
     .fill = Fill::username},
    {.id = Opt::icon, .name = "icon", .arg = Arg::required, .value = "URL|:emoji:",
     .commands = kSending, .group = Group::message, .help = "sender icon", .fill = Fill::icon},
    {.id = Opt::channel, .name = "channel", .arg = Arg::required, .value = "NAME",
     .commands = kSending, .group = Group::message, .help = "post to this channel instead",
     .fill = Fill::channel},
    {.id = Opt::max_parts, .name = "max-parts", .arg = Arg::required, .value = "N",
     .commands = kSending, .group = Group::message,
     .help = "cap on parts per message, head and tail kept [default=10]",
     .min = int(config::kMaxParts.min), .max = int(config::kMaxParts.max)},
    {.id = Opt::file, .name = "file", .arg = Arg::required, .value = "PATH", .commands = kSending,
     .group = Group::message, .help = "attach a file, repeatable", .fill = Fill::files,
     .repeat = true},
    // delivery:
    {.id = Opt::timeout, .name = "timeout", .arg = Arg::required, .value = "SECONDS",
     .commands = kSending, .group = Group::delivery,
     .help = "per-request timeout [default=10]", .min = int(config::kTimeoutSeconds.min),
     .max = int(config::kTimeoutSeconds.max)},
    {.id = Opt::retries, .name = "retries", .arg = Arg::required, .value = "N",
     .commands = kSending, .group = Group::delivery,
     .help = "extra attempts for 429, 5xx and network errors [default=3]",
     .min = int(config::kRetries.min), .max = int(config::kRetries.max)},
    {.id = Opt::dry_run, .name = "dry-run", .commands = kSending, .group = Group::delivery,
     .help = "print every request, secrets masked; send nothing"},
    {.id = Opt::tee, .name = "tee", .commands = kSending, .group = Group::delivery,
     .help = "copy standard input to standard output"},
    {.id = Opt::stream, .name = "stream", .arg = Arg::attached, .value = "SECONDS",
     .commands = bit(Command::send), .group = Group::delivery,
     .help = "read standard input line by line until it ends and send it in batches, each "
             "SECONDS after its first line or when a part is full [default=5]",
     .min = int(config::kStreamSeconds.min), .max = int(config::kStreamSeconds.max)},
    // alerts (PRODUCT.md "The right alert, once"):
    {.id = Opt::key, .name = "key", .arg = Arg::required, .value = "KEY",
     .commands = bit(Command::send) | bit(Command::run), .group = Group::delivery,
     .help = "name the alert this message is: a key's messages are counted per profile, held "
             "back by --cooldown and cleared by --resolve [run: default=run: and the command "
             "line]"},
    {.id = Opt::cooldown, .name = "cooldown", .arg = Arg::required, .value = "DURATION",
     .commands = bit(Command::send) | bit(Command::run), .group = Group::delivery,
     .help = "with --key: at most one message of the key per profile per DURATION (90s, 30m, "
             "6h, 1d); the others are held back, counted, and the next one sent says how many "
             "[default=the profile's cooldown]"},
    {.id = Opt::resolve, .name = "resolve", .commands = bit(Command::send),
     .group = Group::delivery,
     .help = "with --key: send only where the key is in trouble, with \"resolved after N alerts "
             "since HH:MM UTC\", and clear it"},
    // A status that updates itself (PRODUCT.md, third edition):
    {.id = Opt::edit, .name = "edit", .commands = bit(Command::send) | bit(Command::run),
     .group = Group::delivery,
     .help = "with --key: replace the text of the key's last message where the service can "
             "edit (a status board); elsewhere post a new one"},
    {.id = Opt::reply, .name = "reply", .commands = bit(Command::send) | bit(Command::run),
     .group = Group::delivery,
     .help = "with --key: send the key's messages after its first as replies to the first "
             "where the service can; elsewhere as new messages"},
    // Heartbeats (PRODUCT.md, third edition):
    {.id = Opt::fail, .name = "fail", .commands = bit(Command::send), .group = Group::delivery,
     .help = "tell heartbeat profiles the job failed (a failure ping, not a success); "
             "other services get the message as usual"},
    // output and files, every command's:
    {.id = Opt::config, .name = "config", .letter = 'c', .arg = Arg::required, .value = "PATH",
     .commands = kEvery, .group = Group::output,
     .help = "profile file [default=$NOTIFY_CONFIG, then $XDG_CONFIG_HOME/notify/profiles.toml, "
             "then /etc/notify/profiles.toml]"},
    {.id = Opt::json, .name = "json", .commands = kEvery & ~bit(Command::list),
     .group = Group::output, .help = "one JSON object per target on standard output"},
    {.id = Opt::verbose, .name = "verbose", .letter = 'v', .commands = kEvery,
     .group = Group::output, .help = "say what happens, secrets masked"},
    {.id = Opt::quiet, .name = "quiet", .letter = 'q', .commands = kEvery, .group = Group::output,
     .help = "print errors only"},
    {.id = Opt::help, .name = "help", .letter = 'h', .commands = kEvery, .group = Group::output,
     .help = "this help; `notify COMMAND --help` for a command"},
    {.id = Opt::version, .name = "version", .commands = kEvery, .group = Group::output,
     .help = "print the version"},
    // list
    {.id = Opt::json, .name = "json", .commands = bit(Command::list),
     .help = "print one JSON document instead of a table"},
    {.id = Opt::names, .name = "names", .commands = bit(Command::list),
     .help = "print only profile and group names, one per line (used by the shell completions)"},
    // spool
    {.id = Opt::failed, .name = "failed", .commands = bit(Command::spool),
     .help = "every failed message"},
    {.id = Opt::all, .name = "all", .commands = bit(Command::spool),
     .help = "every message (drop only)"},
    // setup: its answers (the profile keys of the services follow these)
    {.id = Opt::answer, .name = "type", .arg = Arg::required, .value = "T",
     .commands = bit(Command::setup), .fill = Fill::types, .field = "type"},
    {.id = Opt::answer, .name = "priority", .arg = Arg::required, .value = "LEVEL",
     .commands = bit(Command::setup),
     .help = "the profile's priority: low, normal, high or urgent, or ntfy's 1-5, min, default, "
             "max (every service)",
     .field = "priority"},
    {.id = Opt::force, .name = "force", .commands = bit(Command::setup),
     .help = "replace a profile of the same name where it stands"},
    {.id = Opt::yes, .name = "yes", .commands = bit(Command::setup),
     .help = "take defaults, ask nothing"},
    {.id = Opt::test, .name = "test", .commands = bit(Command::setup),
     .help = "send a test message first; write only if delivered"},
    {.id = Opt::save_anyway, .name = "save-anyway", .commands = bit(Command::setup),
     .help = "with --test: write the profile even if the test failed"},
    // <type> discover: what the token and the server are is the service's
    {.id = Opt::profile, .name = "profile", .arg = Arg::required, .value = "P",
     .commands = bit(Command::discover), .help = "take the token from this profile"},
    {.id = Opt::token, .name = "token", .arg = Arg::required, .value = "T",
     .commands = bit(Command::discover), .help = "@FILL@; - reads it from standard input",
     .fill = Fill::secret},
    {.id = Opt::api_base, .name = "api-base", .arg = Arg::required, .value = "URL",
     .commands = bit(Command::discover), .fill = Fill::server},
    // run
    {.id = Opt::on, .name = "on", .arg = Arg::required, .value = "WHEN",
     .commands = bit(Command::run), .help = "when to send a message", .choices = kOnChoices},
    {.id = Opt::after, .name = "after", .arg = Arg::required, .value = "N",
     .commands = bit(Command::run),
     .help = "report a failure only when the command failed N times in a row (counted per key "
             "and profile; a success resets) [default=1]",
     .min = 1, .max = 10000},
    {.id = Opt::live, .name = "live", .commands = bit(Command::run),
     .help = "post \"running COMMAND on HOST since HH:MM\" when the command starts and edit it "
             "into the report when it ends (where the service can edit; elsewhere only the "
             "report)"},
};

constexpr TopicSpec kTopics[] = {
    {Topic::services, "services", "help services [--json]",
     "the services, their profile keys and limits"},
    {Topic::priority, "priority", "help priority", "how each service takes each --priority level"},
    {Topic::options, "options", "help options [--json]",
     "every option and the commands that take it"},
};

bool named(const OptionSpec& o, std::string_view name) {
  if (name.size() == 2 && name[0] == '-' && name[1] != '-') return o.letter == name[1];
  return name.size() > 2 && name.substr(0, 2) == "--" && name.substr(2) == o.name;
}

// setup's flags that are profile keys: one per key any service's setup asks
// (config::ServiceDoc), in the catalog's order. A key means what its
// service's doc says, and services differ (username is a sender name for
// one, the SMTP login for another): each meaning is a paragraph of its help,
// with the services it holds for.
struct ServiceKeys {
  std::deque<std::string> text;  // what the rows' views point into
  std::vector<OptionSpec> rows;
};

const ServiceKeys& service_keys() {
  static const ServiceKeys keys = [] {
    struct Meaning {
      std::string doc, types;
    };
    std::vector<std::string> names;
    std::vector<std::vector<Meaning>> meanings;
    for (const auto& service : catalog().docs) {
      for (const auto& k : service.schema->keys) {
        if (k.prompt.empty()) continue;
        const std::string key(k.name);
        auto at = std::find(names.begin(), names.end(), key);
        if (at == names.end()) {
          names.push_back(key);
          meanings.emplace_back();
          at = names.end() - 1;
        }
        auto& m = meanings[static_cast<std::size_t>(at - names.begin())];
        auto same =
            std::find_if(m.begin(), m.end(), [&](const Meaning& x) { return x.doc == k.doc; });
        if (same == m.end()) m.push_back({std::string(k.doc), std::string(service.schema->type)});
        else same->types += ", " + std::string(service.schema->type);
      }
    }
    ServiceKeys out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string flag = names[i];
      std::replace(flag.begin(), flag.end(), '_', '-');
      // Asked by every service, so the fixed rows hold it already.
      if (flag == "type" || flag == "priority") continue;
      std::string help;
      const auto& m = meanings[i];
      if (m.size() == 1) help = m[0].doc + " (" + m[0].types + ")";
      else
        for (const auto& meaning : m)
          help += (help.empty() ? "" : "\n") + meaning.types + ": " + meaning.doc;
      const auto& field = out.text.emplace_back(names[i]);
      const auto& name = out.text.emplace_back(flag);
      const auto& doc = out.text.emplace_back(help);
      out.rows.push_back({.id = Opt::answer, .name = name, .arg = Arg::required, .value = "V",
                          .commands = bit(Command::setup), .help = doc, .field = field});
    }
    return out;
  }();
  return keys;
}

// The rows commands() gives: kCommands with the discover command spelt by
// discover_service(), or without it when no service lists its chats.
struct CommandRows {
  std::deque<std::string> text;  // what the rows' views point into
  std::vector<CommandSpec> rows;
};

const CommandRows& command_rows() {
  static const CommandRows rows = [] {
    CommandRows out;
    const auto keep = [&](std::string s) -> std::string_view {
      return out.text.emplace_back(std::move(s));
    };
    const auto* service = discover_service();
    const std::string discover =
        service ? std::string(service->schema->type) + " " + std::string(kDiscoverActions[0])
                : "";
    constexpr std::string_view kMark = " | @DISCOVER@";  // in send's usage
    for (CommandSpec c : kCommands) {
      if (c.id == Command::discover) {
        if (!service) continue;
        const auto& d = *service->discovery;
        const std::string lead = "notify " + discover + " ";
        std::string usage;
        std::string_view lines = c.usage;
        for (bool first = true; !lines.empty(); first = false) {
          const auto end = lines.find('\n');
          usage += (first ? lead : std::string(lead.size(), ' ')) +
                   std::string(lines.substr(0, end)) + "\n";
          lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 1);
        }
        c.word = service->schema->type;
        c.name = c.synopsis = keep(discover);
        c.summary = d.summary;
        c.usage = keep(usage);
        c.about = d.about;
      } else if (const auto at = c.usage.find(kMark); at != std::string_view::npos) {
        std::string usage(c.usage);
        usage.replace(at, kMark.size(), service ? " | " + discover : "");
        c.usage = keep(usage);
      }
      out.rows.push_back(c);
    }
    return out;
  }();
  return rows;
}

}  // namespace

std::span<const CommandSpec> commands() { return command_rows().rows; }

const config::ServiceDoc* discover_service() {
  const auto services = catalog().discoverable();
  return services.empty() ? nullptr : services.front();
}

const CommandSpec* command_named(std::string_view word) {
  for (const auto& c : commands())
    if (c.word == word) return &c;
  return nullptr;
}

const CommandSpec& command_spec(Command command) {
  for (const auto& c : commands())
    if (c.id == command) return c;
  return commands().front();  // version has no row; it prints no help of its own
}

std::span<const OptionSpec> fixed_options() { return kOptions; }

const std::vector<const OptionSpec*>& all_options() {
  static const std::vector<const OptionSpec*> rows = [] {
    std::vector<const OptionSpec*> out;
    // The profile keys come after setup's fixed answers (--type, --priority).
    const OptionSpec* last_answer = nullptr;
    for (const auto& o : kOptions)
      if (o.id == Opt::answer) last_answer = &o;
    for (const auto& o : kOptions) {
      out.push_back(&o);
      if (&o == last_answer)
        for (const auto& k : service_keys().rows) out.push_back(&k);
    }
    return out;
  }();
  return rows;
}

std::vector<const OptionSpec*> options_of(Command command) {
  std::vector<const OptionSpec*> out;
  for (const auto* o : all_options())
    if (has(o->commands, command)) out.push_back(o);
  return out;
}

const OptionSpec* option_of(Command command, std::string_view name) {
  for (const auto& o : kOptions)
    if (has(o.commands, command) && named(o, name)) return &o;
  if (command == Command::setup)
    for (const auto& o : service_keys().rows)
      if (named(o, name)) return &o;
  return nullptr;
}

bool takes_value(std::string_view name) {
  for (const auto& o : kOptions)
    if (named(o, name)) return o.arg == Arg::required;
  // Only long names are made from the services' keys.
  if (name.substr(0, 2) != "--") return false;
  for (const auto& o : service_keys().rows)
    if (named(o, name)) return true;
  return false;
}

const OptionSpec& config_option() {
  for (const auto& o : kOptions)
    if (o.id == Opt::config) return o;
  return kOptions[0];  // unreachable: the table has the row
}

std::span<const TopicSpec> topics() { return kTopics; }

}  // namespace notify::cli
