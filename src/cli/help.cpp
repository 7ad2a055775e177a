#include "cli/help.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "config/schema.hpp"
#include "services/registry.hpp"

namespace notify::cli {

namespace {

constexpr const char* kMainHelp = R"(usage: notify [OPTIONS] TARGET[,TARGET...] [MESSAGE...]
       notify send TARGET [MESSAGE...]
       notify list [--json] | check | test TARGET | flush [TARGET]
       notify setup [PROFILE] [--type T --FIELD VALUE...] | telegram discover
       notify run TARGET [--on failure|always|success] -- COMMAND [ARGS...]

Sends MESSAGE (or standard input, read to the end) to each TARGET, a profile
or group from the profile file. A command is recognised only as the first
word; every later word is a TARGET or MESSAGE word. Options may come
anywhere before `--`; every word after `--` is message text. Exit status:
0 delivered or nothing to send, 1 some target not delivered or standard
output not writable, 2 usage or configuration error.

message:
  -t, --title TEXT       title line, bold where the service has bold
      --code[=LANG]      send as a monospace code block
      --markdown         the message is Markdown (CommonMark, GitHub tables,
                         strikethrough, autolinks, task lists), rendered for
                         each service; not with --code
      --silent           deliver without notification sound or push
      --priority LEVEL   low, normal, high or urgent (any case; also ntfy's
                         1-5, min, default, max), sent as each service's own
                         switch (`notify help priority` shows them)
@USERNAME@@ICON@@CHANNEL@      --max-parts N      cap on parts per message, head and tail kept
                         [default=10]
@FILE@
delivery:
      --timeout SECONDS  per-request timeout [default=10]
      --retries N        extra attempts for 429, 5xx and network errors
                         [default=3]
      --dry-run          print every request, secrets masked; send nothing
      --tee              copy standard input to standard output
      --stream[=SECONDS] read standard input line by line until it ends and
                         send it in batches, each SECONDS after its first
                         line or when a part is full [default=5]

output and files:
  -c, --config PATH      profile file [default=$NOTIFY_CONFIG, then
                         $XDG_CONFIG_HOME/notify/profiles.toml, then
                         /etc/notify/profiles.toml]
      --json             one JSON object per target on standard output
  -v, --verbose          say what happens, secrets masked
  -q, --quiet            print errors only
  -h, --help             this help; `notify COMMAND --help` for a command
      --version          print the version

commands:
  send TARGET [MESSAGE]  the default, spelt out: for a profile named like a
                         command (`notify send list ...`)
  list [--json]          profiles and groups, secrets masked
  check                  validate the profile file and its secrets
  test TARGET            send a test message and report per target
  flush [TARGET]         deliver the messages kept in the spool
  spool [ACTION]         list, show, drop or retry the messages kept
  setup [PROFILE]        add or change a profile, asking or by flags
  telegram discover      list the chats a Telegram bot can reach
  run TARGET -- CMD...   run a command, report its failure with its output
  help [COMMAND]         this help, or a command's (as COMMAND --help)
  help services [--json] the services, their profile keys and limits
  help priority          how each service takes each --priority level

See notify(1) for the profile file format.
)";

constexpr const char* kListHelp = R"(usage: notify list [--json] [-c PATH]

Lists the profiles (name, type, destination; secrets masked) and groups.
  --json       print one JSON document instead of a table
  --names      print only profile and group names, one per line (used by
               the shell completions)
)";

constexpr const char* kCheckHelp = R"(usage: notify check [-c PATH]

Validates the whole profile file: syntax, keys and types, every ${VAR} and
every *_file secret of every profile, at least one profile, and no fallback
cycle. Sends nothing. The verdict is one line on standard output, FILE: OK
or FILE: not valid; each problem and warning is a line on standard error,
naming file:line:column where there is one. Exit 0 when valid, 2 otherwise.
)";

constexpr const char* kTestHelp = R"(usage: notify test TARGET[,TARGET...] [-c PATH] [--json]

Sends a short test message to each target and reports, per target, whether
it was delivered. Exit 0 when every target delivered, 1 otherwise.
)";

constexpr const char* kFlushHelp = R"(usage: notify flush [TARGET[,TARGET...]] [-c PATH] [--json] [-v]

Delivers the messages waiting in the spool ($XDG_STATE_HOME/notify/spool, by
default ~/.local/state/notify/spool), oldest first, sending only the parts
each target still lacks, and removes each one once every target has it.
One notify at a time holds a message, so none is delivered twice. A file
that is not a notify spool file of yours is reported and left alone; a
message whose journal is damaged is not sent but made a dead letter; dead
letters (failed/) are not retried, see `notify spool`. Exit 0 when nothing
is left waiting, 1 when messages are left (or one failed for good now).
)";

constexpr const char* kSpoolHelp = R"(usage: notify spool [list] [--json]
       notify spool show ID
       notify spool drop ID... | --failed | --all
       notify spool retry ID... | --failed

The messages kept in the spool ($XDG_STATE_HOME/notify/spool): pending ones,
and failed ones (an answer that will never succeed, or a damaged journal;
never retried by itself). list shows id, target, age, attempts, last error
and first line; show prints one message, secrets masked; drop deletes; retry
moves failed messages back to pending.
  --failed     every failed message
  --all        every message (drop only)
)";

constexpr const char* kSetupHelp = R"(usage: notify setup [PROFILE] [--type T] [--FIELD VALUE...] [--force] [--yes]
                    [--test [--save-anyway]] [-c PATH]

Adds a profile to the profile file (creating it with mode 0600 in a 0700
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
@FIELDS@  --force              replace a profile of the same name where it stands
  --yes                take defaults, ask nothing
  --test               send a test message first; write only if delivered
  --save-anyway        with --test: write the profile even if the test failed
A token or URL given as "-" is read from standard input (on a terminal it
is asked for, without echo), so it does not show in `ps` or in the shell
history.
)";

constexpr const char* kDiscoverHelp = R"(usage: notify telegram discover [--profile P | --token T] [--api-base URL]
                                [--json]

Asks Telegram (getUpdates) which chats have written to the bot and prints one
row per chat: chat id, type, title or name, forum topic, last message. It
never marks updates as read. Send the bot a message (or add it to a group
and mention it) first. Without --profile or --token it takes the token of
the only Telegram profile (several: name one). --token - reads the token
from standard input (on a terminal it is asked for, without echo).
)";

constexpr const char* kRunHelp = R"(usage: notify run TARGET [--on failure|always|success] [-t TITLE] [send options]
                  -- COMMAND [ARGS...]

Runs COMMAND, passing its standard output and error through unchanged, and
exits with its exit status (128+N when killed by signal N; 127 when it
cannot be found). Then, by default only when it failed, sends a message:
the command, how it ended, how long it took and on which host, and the
tail of its output in a code block.
  --on failure         notify when the command fails [default]
  --on always          notify whatever happens (a success at low priority)
  --on success         notify only when it succeeds
COMMAND runs in a process group of its own; SIGINT, SIGTERM and SIGHUP are
passed on to that group (not again when the terminal sent them to it). Once
it exits, its output is read for at most 1 second more: a daemon it left
holding the output never keeps notify waiting. A message that cannot be
delivered goes to the spool; the exit status stays the command's.
The send options apply, except --stream and --markdown.
)";

}  // namespace

// A line cut at 80 columns, its continuations indented under the text.
std::string wrapped(std::string line, std::size_t indent) {
  std::string out;
  while (line.size() > 80) {
    const auto cut = line.rfind(' ', 80);
    out += line.substr(0, cut) + "\n";
    line = std::string(indent, ' ') + line.substr(cut + 1);
  }
  return out + line + "\n";
}

// The services of which `has` holds, named as prose names them:
// "Telegram, Discord, ntfy and e-mail".
template <typename Pred>
std::string services_that(Pred has) {
  std::vector<std::string> names;
  for (const auto* service : services::all_services())
    if (has(*service)) names.emplace_back(service->name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out.empty() ? "none" : out;
}

// One option of the main help whose meaning depends on the service.
std::string option_entry(std::string_view flag, const std::string& text) {
  std::string line = "      " + std::string(flag);
  line.resize(std::max<std::size_t>(line.size() + 1, 25), ' ');
  return wrapped(line + text, 25);
}

std::string main_help() {
  const std::pair<std::string_view, std::string> entries[] = {
      {"@USERNAME@",
       option_entry("--username NAME", "sender name shown: " + services_that([](const auto& s) {
                                         return !s.options.username.empty();
                                       }))},
      {"@ICON@", option_entry("--icon URL|:emoji:", "sender icon: " + services_that([](const auto& s) {
                                                       return !s.options.icon.empty();
                                                     }))},
      {"@CHANNEL@",
       option_entry("--channel NAME", "post to this channel instead: " +
                                          services_that([](const auto& s) {
                                            return !s.options.channel.empty();
                                          }))},
      {"@FILE@", option_entry("--file PATH", "attach a file, repeatable: " +
                                                 services_that([](const auto& s) {
                                                   return s.no_files.empty();
                                                 }))},
  };
  std::string text = kMainHelp;
  for (const auto& [mark, entry] : entries) text.replace(text.find(mark), mark.size(), entry);
  return text;
}

// --type and one flag per key any service's setup asks. A key means what
// its service's doc says, and services differ (username is a sender name
// for one, the SMTP login for another): each meaning is given with the
// services it holds for.
std::string setup_fields() {
  struct Meaning {
    std::string doc, types;
  };
  std::vector<std::string> keys;
  std::map<std::string, std::vector<Meaning>> meanings;
  for (const auto* service : services::all_services()) {
    for (const auto& k : service->schema.keys) {
      if (k.prompt.empty()) continue;
      const std::string key(k.name);
      if (!meanings.count(key)) keys.push_back(key);
      auto& m = meanings[key];
      auto same = std::find_if(m.begin(), m.end(), [&](const Meaning& x) { return x.doc == k.doc; });
      if (same == m.end()) m.push_back({std::string(k.doc), std::string(service->schema.type)});
      else same->types += ", " + std::string(service->schema.type);
    }
  }
  std::string out = "  --type T             " + services::catalog().type_list() + "\n";
  out += wrapped("  --priority LEVEL     the profile's priority: low, normal, high or urgent, "
                 "or ntfy's 1-5, min, default, max (every service)",
                 23);
  for (const auto& key : keys) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    flag += " V";
    flag.resize(std::max<std::size_t>(flag.size() + 1, 21), ' ');
    const auto& m = meanings[key];
    if (m.size() == 1) {
      out += wrapped("  " + flag + m[0].doc + " (" + m[0].types + ")", 23);
      continue;
    }
    std::string indent = "  " + flag;
    for (const auto& meaning : m) {
      out += wrapped(indent + meaning.types + ": " + meaning.doc, 25);
      indent = std::string(23, ' ');
    }
  }
  return out;
}

const char* unit_name(message::Unit unit) {
  switch (unit) {
    case message::Unit::code_points: return "characters";
    case message::Unit::utf16: return "UTF-16 units";
    case message::Unit::bytes: return "bytes of UTF-8";
  }
  return "units";
}

std::string parts_text(const config::ServiceSchema& schema) {
  if (schema.max_limit == 0)
    return "one message, never split (" + std::to_string(schema.limit) + " " +
           unit_name(schema.unit) + " of text at most)";
  return std::to_string(schema.limit) + " " + unit_name(schema.unit) +
         (schema.max_limit > schema.limit
              ? " (max_length up to " + std::to_string(schema.max_limit) + ")"
              : "");
}

// A level's cell in the priority table: "X-Priority: 4", or "no switch".
std::string switch_text(const services::LevelSwitch& s) {
  return s.field.empty() ? "no switch" : std::string(s.field) + ": " + std::string(s.value);
}

std::string key_line(std::string_view name, std::string_view doc) {
  std::string key = "  " + std::string(name);
  key.resize(std::max<std::size_t>(key.size() + 1, 18), ' ');
  return wrapped(key + std::string(doc), 18);
}

std::string services_help() {
  std::string out = "usage: notify help services [--json]\n\nThe services a profile can name as type = \"...\":\n";
  for (const auto* service : services::all_services()) {
    const auto& schema = service->schema;
    out += "\n" + std::string(schema.type) + ": " + std::string(schema.title) + "\n";
    out += "  parts: " + parts_text(schema) + "\n";
    out += "  files: " + std::string(service->no_files.empty() ? "yes" : "no") + "\n";
    const auto& l = service->loudness;
    out += wrapped("  priority: low = " + switch_text(l.low) + ", high = " + switch_text(l.high) +
                       ", urgent = " + switch_text(l.urgent),
                   4);
    const std::pair<const char*, std::string_view> options[] = {
        {"--username", service->options.username},
        {"--icon", service->options.icon},
        {"--channel", service->options.channel}};
    std::string ignored;
    for (const auto& [flag, meaning] : options) {
      if (meaning.empty()) ignored += (ignored.empty() ? "" : ", ") + std::string(flag);
      else out += wrapped("  " + std::string(flag) + ": " + std::string(meaning), 4);
    }
    if (!ignored.empty()) out += "  ignores: " + ignored + "\n";
    if (!service->can.empty()) out += "  can: " + std::string(service->can) + "\n";
    for (const auto& k : schema.keys) {
      std::string key = "  " + std::string(k.name);
      key.resize(std::max<std::size_t>(key.size() + 1, 16), ' ');
      std::string line = key + std::string(k.doc);
      if (k.required) line += " (required)";
      if (!k.fallback.empty()) line += " [default=" + std::string(k.fallback) + "]";
      out += wrapped(line, 16);
    }
  }
  out += "\nEvery profile also takes these keys, whatever its service (see notify(1)):\n";
  for (const auto& k : config::common_keys())
    if (!k.loudness) out += key_line(k.name, k.doc);
  out += "\nand these, which set how loudly its messages arrive (notify help priority\n"
         "shows each service's switch):\n";
  for (const auto& k : config::common_keys())
    if (k.loudness) out += key_line(k.name, k.doc);
  return out;
}

std::string services_json() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto* service : services::all_services()) {
    const auto& schema = service->schema;
    auto level = [](const services::LevelSwitch& s) {
      return s.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(switch_text(s));
    };
    auto text = [](std::string_view v) {
      return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(v));
    };
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : schema.keys)
      keys.push_back({{"name", k.name},
                      {"doc", k.doc},
                      {"required", k.required},
                      {"secret", k.secret},
                      {"default", text(k.fallback)},
                      {"setup", !k.prompt.empty()}});
    nlohmann::json can = nlohmann::json::array();
    for (auto word : services::capability_words(*service)) can.push_back(word);
    const auto& l = service->loudness;
    list.push_back({{"type", schema.type},
                    {"name", service->name},
                    {"title", schema.title},
                    {"parts", {{"limit", schema.limit},
                               {"max_length", schema.max_limit},
                               {"unit", unit_name(schema.unit)},
                               {"text", parts_text(schema)}}},
                    {"files", service->no_files.empty()},
                    {"can", can},
                    {"also", text(service->can)},
                    {"priority", {{"low", level(l.low)},
                                  {"high", level(l.high)},
                                  {"urgent", level(l.urgent)},
                                  {"mentions_notify", l.mentions_notify},
                                  {"note", text(l.note)}}},
                    {"options", {{"username", text(service->options.username)},
                                 {"icon", text(service->options.icon)},
                                 {"channel", text(service->options.channel)}}},
                    {"keys", keys}});
  }
  nlohmann::json common = nlohmann::json::array();
  for (const auto& k : config::common_keys())
    common.push_back({{"name", k.name}, {"doc", k.doc}, {"loudness", k.loudness}});
  return nlohmann::json{{"services", list}, {"common_keys", common}}.dump(2) + "\n";
}

std::string priority_help() {
  std::string out = R"(usage: notify help priority

A message's level is --priority (low, normal, high or urgent), else low for
--silent, else the profile's priority, else normal. Each service sends a
level as the switch below; where it has "no switch", the level goes as normal
(-v says so). Normal is each service's usual delivery.

)";
  const auto& rows = services::all_services();
  std::vector<std::array<std::string, 4>> table = {{"TYPE", "LOW", "HIGH", "URGENT"}};
  for (const auto* service : rows) {
    const auto& l = service->loudness;
    table.push_back({std::string(service->schema.type), switch_text(l.low), switch_text(l.high),
                     switch_text(l.urgent)});
  }
  std::array<std::size_t, 4> width{};
  for (const auto& row : table)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size() + 2);
  for (const auto& row : table) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.resize(line.size() + width[i] - row[i].size(), ' ');
    }
    out += line + "\n";
  }
  out += "\n";
  for (const auto* service : rows)
    if (!service->loudness.note.empty())
      out += wrapped(std::string(service->schema.type) + ": " + std::string(service->loudness.note), 2);
  out += wrapped("\nAn urgent message also carries the profile's urgent_mentions, which notify on " +
                     services_that([](const auto& s) { return s.loudness.mentions_notify; }) +
                     "; elsewhere they are plain text.",
                 0);
  out += "\nEvery profile takes these keys (notify help services, notify(1)):\n";
  for (const auto& k : config::common_keys())
    if (k.loudness) out += key_line(k.name, k.doc);
  return out;
}

std::string help_for(Command command) {
  switch (command) {
    case Command::list: return kListHelp;
    case Command::check: return kCheckHelp;
    case Command::test: return kTestHelp;
    case Command::flush: return kFlushHelp;
    case Command::spool: return kSpoolHelp;
    case Command::setup: {
      std::string text = kSetupHelp;
      text.replace(text.find("@FIELDS@"), 8, setup_fields());
      std::vector<std::string_view> aliases;
      for (const auto* service : services::all_services())
        aliases.insert(aliases.end(), service->aliases.begin(), service->aliases.end());
      std::string names;
      for (std::size_t i = 0; i < aliases.size(); ++i)
        names += (i == 0 ? "" : i + 1 == aliases.size() ? " or " : ", ") + std::string(aliases[i]);
      text.replace(text.find("@ALIASES@"), 9, names);
      return text;
    }
    case Command::discover: return kDiscoverHelp;
    case Command::run: return kRunHelp;
    default: return main_help();
  }
}

std::string no_profile_file(const std::vector<std::string>& looked) {
  std::string list;
  for (const auto& c : looked) list += (list.empty() ? "" : ", ") + c;
  return "no profile file (looked in " + list + "); run 'notify setup' to write one, or start "
         "from " NOTIFY_DOCDIR "/profiles.example.toml (see notify(1))";
}

}  // namespace notify::cli
