#include "cli/options.hpp"

#include <algorithm>
#include <set>

#include <CLI/CLI.hpp>

#include "cli/help.hpp"
#include "core/names.hpp"
#include "message/escape.hpp"
#include "services/registry.hpp"

namespace notify::cli {

namespace {

// CLI11 cannot express an optional value that must be attached with '='
// (`--code ops` must not read "ops" as a language, `--stream ops` must not
// read it as seconds), so the two spellings are told apart here, before
// CLI11 sees them: `--code=go` becomes `--code --code-lang=go`.
std::vector<std::string> split_attached_values(const std::vector<std::string>& args) {
  static const std::pair<std::string, std::string> kAttached[] = {
      {"--code", "--code-lang"}, {"--stream", "--stream-seconds"}};
  std::vector<std::string> out;
  bool after_dashes = false;
  for (const auto& a : args) {
    if (!after_dashes && a == "--") after_dashes = true;
    bool split = false;
    for (const auto& [flag, hidden] : kAttached) {
      if (after_dashes || a.rfind(flag + "=", 0) != 0) continue;
      out.push_back(flag);
      // "--code=" is plain --code: an empty value would make CLI11 take
      // the next word (the target) as the value.
      if (a.size() > flag.size() + 1) out.push_back(hidden + "=" + a.substr(flag.size() + 1));
      split = true;
    }
    if (!split) out.push_back(a);
  }
  return out;
}

// Flags of setup, spelled like the profile keys with dashes: `type` and
// every key some service's setup asks for (services/registry.hpp).
const std::vector<std::string>& setup_fields() {
  static const std::vector<std::string> fields = [] {
    // `priority` is every profile's, so setup takes it for every service.
    std::vector<std::string> out = {"type", "priority"};
    for (const auto* service : services::all_services())
      for (const auto& k : service->schema.keys) {
        if (k.prompt.empty()) continue;
        std::string flag(k.name);
        std::replace(flag.begin(), flag.end(), '_', '-');
        if (std::find(out.begin(), out.end(), flag) == out.end()) out.push_back(flag);
      }
    return out;
  }();
  return fields;
}

// Every option that takes a value, of any command: the first operand (and
// so the command) is found before the command's own options are known.
const std::set<std::string, std::less<>>& value_options() {
  static const std::set<std::string, std::less<>> names = [] {
    std::set<std::string, std::less<>> out = {
        "-t",        "--title",   "--code-lang", "--username", "--icon",
        "--channel", "--timeout", "--retries",   "--max-parts", "--file",
        "-c",        "--config",  "--stream-seconds", "--on",  "--profile",
        "--token",   "--api-base", "--priority"};
    for (const auto& f : setup_fields()) out.insert("--" + f);
    return out;
  }();
  return names;
}

// The option a word names ("--title" of "--title=x", "-t" of "-tx"), or ""
// when the word is an operand: "-", or text such as "-5 degrees" that
// cannot be an option because it holds a space where a name would be.
std::string option_name(const std::string& word) {
  if (word.size() < 2 || word[0] != '-' || word == "--") return "";
  if (word[1] == '-') {
    auto name = word.substr(0, word.find('='));
    return name.find_first_of(" \t\n") == std::string::npos ? name : "";
  }
  auto name = word.substr(0, 2);
  if (value_options().count(name)) return name;  // -tTEXT: any text may follow
  return word.find_first_of(" \t\n") == std::string::npos ? name : "";
}

bool value_attached(const std::string& word, const std::string& name) {
  return word.size() > name.size();  // "--title=x" or "-tx"
}

// Index of the first operand before "--", or args.size().
std::size_t first_operand(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") return args.size();
    auto name = option_name(args[i]);
    if (name.empty()) return i;
    if (value_options().count(name) && !value_attached(args[i], name)) ++i;
  }
  return args.size();
}

std::optional<Command> command_named(const std::string& word) {
  static const std::pair<const char*, Command> kNames[] = {
      {"send", Command::send},   {"list", Command::list},   {"check", Command::check},
      {"test", Command::test},   {"flush", Command::flush}, {"spool", Command::spool},
      {"setup", Command::setup}, {"run", Command::run},     {"telegram", Command::discover},
      {"help", Command::help}};
  for (const auto& [name, command] : kNames)
    if (word == name) return command;
  return std::nullopt;
}

std::string command_word(Command c) {
  switch (c) {
    case Command::list: return "list";
    case Command::check: return "check";
    case Command::test: return "test";
    case Command::flush: return "flush";
    case Command::spool: return "spool";
    case Command::setup: return "setup";
    case Command::run: return "run";
    case Command::discover: return "telegram discover";
    case Command::help: return "help";
    default: return "send";
  }
}

// Values CLI11 keeps as text; notify converts and checks them itself, so
// that a bad value is reported in notify's words.
struct Raw {
  bool help = false, version = false, stream = false;
  std::optional<std::string> timeout, retries, max_parts, stream_seconds, on, priority;
  std::vector<std::string> setup_values;
};

void add_common_options(CLI::App& app, CliOptions& o, Raw& raw) {
  app.add_flag("-h,--help", raw.help);
  app.add_flag("--version", raw.version);
  app.add_option("-c,--config", o.config);
  app.add_flag("--json", o.json);
  app.add_flag("-v,--verbose", o.verbose);
  app.add_flag("-q,--quiet", o.quiet);
}

void add_send_options(CLI::App& app, CliOptions& o, Raw& raw) {
  app.add_option("-t,--title", o.title);
  app.add_flag("--code", o.code);
  app.add_option("--code-lang", o.code_lang);
  app.add_flag("--silent", o.silent);
  app.add_option("--priority", raw.priority);
  app.add_option("--username", o.username);
  app.add_option("--icon", o.icon);
  app.add_option("--channel", o.channel);
  app.add_flag("--dry-run", o.dry_run);
  app.add_flag("--tee", o.tee);
  app.add_option("--timeout", raw.timeout);
  app.add_option("--retries", raw.retries);
  app.add_option("--max-parts", raw.max_parts);
  // Repeatable, one path per --file.
  app.add_option("--file", o.files)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// Only the options of `command` are known to CLI11: a word that is an
// option of another command is an error here, not silently accepted.
void add_options_of(Command command, CLI::App& app, CliOptions& o, Raw& raw) {
  add_common_options(app, o, raw);
  switch (command) {
    case Command::send:
      add_send_options(app, o, raw);
      app.add_flag("--markdown", o.markdown);
      app.add_flag("--stream", raw.stream);
      app.add_option("--stream-seconds", raw.stream_seconds);
      break;
    case Command::test:
    case Command::flush:
      add_send_options(app, o, raw);
      break;
    case Command::run:
      add_send_options(app, o, raw);
      app.add_option("--on", raw.on);
      break;
    case Command::list:
      app.add_flag("--names", o.names);
      break;
    case Command::spool:
      app.add_flag("--failed", o.spool_failed);
      app.add_flag("--all", o.spool_all);
      break;
    case Command::setup:
      raw.setup_values.resize(setup_fields().size());
      for (std::size_t i = 0; i < setup_fields().size(); ++i)
        app.add_option("--" + setup_fields()[i], raw.setup_values[i]);
      app.add_flag("--force", o.force);
      app.add_flag("--yes", o.yes);
      app.add_flag("--test", o.send_test);
      app.add_flag("--save-anyway", o.save_anyway);
      break;
    case Command::discover:
      app.add_option("--profile", o.profile);
      app.add_option("--token", o.token);
      app.add_option("--api-base", o.api_base);
      break;
    default:
      break;
  }
}

std::vector<std::string_view> option_names(const CLI::App& app,
                                           std::vector<std::string>& storage) {
  for (const auto* opt : app.get_options())
    for (const auto& l : opt->get_lnames())
      if (l != "code-lang" && l != "stream-seconds") storage.push_back(l);
  return {storage.begin(), storage.end()};
}

Error usage(std::string text) { return Error{ErrorKind::usage, std::move(text)}; }

std::string unknown_option(Command command, const std::string& word, const std::string& name,
                           const CLI::App& app) {
  // An option of sending used with another command: say so.
  CliOptions scratch_o;
  Raw scratch_raw;
  CLI::App send_app;
  send_app.set_help_flag();
  add_options_of(Command::send, send_app, scratch_o, scratch_raw);
  if (command != Command::send && send_app.get_option_no_throw(name))
    return name + " is not an option of 'notify " + command_word(command) + "'" +
           (name == "--markdown" || name == "--stream"
                ? " (it is an option of sending a message only)"
                : "");
  std::vector<std::string> storage;
  auto best = name.rfind("--", 0) == 0 ? closest(name.substr(2), option_names(app, storage)) : "";
  std::string text = "unknown option '" + word + "'";
  if (!best.empty()) return text + " (did you mean '--" + best + "'?)";
  if (command == Command::send)
    return text + "; to send it as text, quote it with the words around it (\"" + word +
           " ...\") or put it after '--' (notify TARGET -- " + word + " ...)";
  return text + " for 'notify " + command_word(command) + "'";
}

Result<int> whole_number(const std::string& flag, const std::string& v, int lo, int hi) {
  const bool digits = !v.empty() && v.size() <= 6 &&
                      v.find_first_not_of("0123456789") == std::string::npos;
  const int n = digits ? std::stoi(v) : lo - 1;
  if (n < lo || n > hi)
    return usage(flag + " " + v + ": give a whole number from " + std::to_string(lo) + " to " +
                 std::to_string(hi));
  return n;
}

std::string unexpected(Command command, const std::string& word, const std::string& why) {
  return "unexpected '" + word + "' after 'notify " + command_word(command) + "'" +
         (why.empty() ? "" : " (" + why + ")");
}

}  // namespace

std::vector<std::string> run_command_of(const std::vector<std::string>& raw_args) {
  const auto args = split_attached_values(raw_args);
  const auto first = first_operand(args);
  if (first >= args.size() || args[first] != "run") return {};
  const auto dashes = std::find(args.begin() + static_cast<std::ptrdiff_t>(first), args.end(), "--");
  if (dashes == args.end()) return {};
  return std::vector<std::string>(dashes + 1, args.end());
}

bool message_from_stdin(const std::vector<std::string>& raw_args) {
  const auto args = split_attached_values(raw_args);
  std::size_t operands = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") return i + 1 == args.size() && operands <= 1;
    if (const auto name = option_name(a); !name.empty()) {
      if (value_options().count(name) && a.size() == name.size()) ++i;  // its value follows
      continue;
    }
    if (operands == 0 && is_command_name(a)) {
      if (a != "send") return false;
      continue;
    }
    ++operands;
  }
  return operands <= 1;
}

namespace {

// The everyday call, `notify [-c FILE] TARGET [WORDS...]`, needs none of
// CLI11's machinery: building its option table costs a fifth of what notify
// itself spends on a one-line send (bench/), so that shape is read here and
// everything else goes through the full parser below.
std::optional<CliOptions> plain_send(const std::vector<std::string>& args) {
  CliOptions o;
  bool target = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      if ((a == "-c" || a == "--config") && i + 1 < args.size() && !args[i + 1].empty()) {
        o.config = args[++i];
        continue;
      }
      return std::nullopt;  // any other option, or `--`: the full parser
    }
    if (a.empty()) return std::nullopt;
    if (!target) {
      if (is_command_name(a)) return std::nullopt;
      o.targets = a;
      target = true;
    } else {
      o.words.push_back(a);
    }
  }
  if (!target) return std::nullopt;
  return o;
}

}  // namespace

Result<CliOptions> parse_options(const std::vector<std::string>& raw_args) {
  if (auto plain = plain_send(raw_args)) return std::move(*plain);
  CliOptions o;
  // CLI11 would take the next word as the value of an empty "--stream=".
  for (const auto& a : raw_args) {
    if (a == "--") break;
    if (a == "--stream=")
      return usage("--stream=: give SECONDS (1 to 3600), or plain --stream for 5");
  }
  auto args = split_attached_values(raw_args);

  // The command is the first operand, and only the first: `notify ops
  // deploy test passed` sends "deploy test passed".
  Command command = Command::send;
  if (auto i = first_operand(args); i < args.size()) {
    if (auto c = command_named(args[i])) {
      command = *c;
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  CLI::App app{"notify", "notify"};
  app.set_help_flag();  // our own hand-written help, see help.cpp
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  Raw raw;
  add_options_of(command, app, o, raw);

  // Options go to CLI11, operands are sorted here; CLI11 never guesses
  // which is which, so its phrasing never reaches the user.
  std::vector<std::string> option_args, operands, after_dashes;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") {
      after_dashes.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    auto name = option_name(a);
    if (name.empty()) {
      operands.push_back(a);
      continue;
    }
    const auto* opt = app.get_option_no_throw(name);
    if (!opt) return usage(unknown_option(command, a, name, app));
    const bool takes_value = value_options().count(name) > 0;
    if (takes_value) {
      option_args.push_back(a);
      if (!value_attached(a, name)) {
        if (i + 1 >= args.size()) return usage(name + " needs a value");
        option_args.push_back(args[++i]);
      }
      continue;
    }
    if (a.find('=') != std::string::npos && a[1] == '-') return usage(name + " takes no value");
    // -vq: each letter a flag of this command.
    for (std::size_t k = 2; a[1] != '-' && k < a.size(); ++k) {
      const std::string letter = std::string("-") + a[k];
      if (!app.get_option_no_throw(letter) || value_options().count(letter))
        return usage(unknown_option(command, a, letter, app));
    }
    option_args.push_back(a);
  }
  std::reverse(option_args.begin(), option_args.end());
  try {
    app.parse(option_args);
  } catch (const CLI::ParseError&) {
    // Everything CLI11 could object to was checked above; this is a net.
    return usage("cannot read the options as given");
  }

  if (raw.help) {
    std::optional<Command> topic = command;
    if (command == Command::help) {
      topic = Command::send;
      if (!operands.empty()) topic = command_named(operands.front());
    }
    o.help_text = help_for(topic.value_or(Command::send));
    o.command = Command::help;
    return o;
  }
  if (raw.version) {
    o.command = Command::version;
    return o;
  }

  o.command = command;
  // After "--" a word is always text: the message, the command to run, or
  // an operand that looks like an option (`notify setup -- -x`).
  std::vector<std::string> words = operands;
  if (command != Command::send && command != Command::run)
    words.insert(words.end(), after_dashes.begin(), after_dashes.end());
  auto at_most = [&](std::size_t n, const std::string& why) -> std::optional<Error> {
    if (words.size() > n) return usage(unexpected(command, words[n], why));
    return std::nullopt;
  };

  switch (command) {
    case Command::send:
      if (words.empty()) {
        return usage(after_dashes.empty()
                         ? "no target given"
                         : "no target given: a word after '--' is message text, so the "
                           "TARGET comes before it");
      }
      o.targets = words.front();
      o.words.assign(words.begin() + 1, words.end());
      o.words.insert(o.words.end(), after_dashes.begin(), after_dashes.end());
      break;
    case Command::list:
    case Command::check:
      if (auto e = at_most(0, "it takes no operands; to send to a profile of that name: "
                              "notify send " + command_word(command) + " ...")) return *e;
      break;
    case Command::test:
      if (words.empty()) return usage("test: no target given");
      if (auto e = at_most(1, "give several targets as one word: notify test a,b")) return *e;
      o.targets = words.front();
      break;
    case Command::flush:
      if (auto e = at_most(1, "give several targets as one word: notify flush a,b")) return *e;
      if (!words.empty()) o.targets = words.front();
      break;
    case Command::spool:
      if (!words.empty()) {
        static const std::pair<const char*, SpoolAction> kActions[] = {
            {"list", SpoolAction::list}, {"show", SpoolAction::show},
            {"drop", SpoolAction::drop}, {"retry", SpoolAction::retry}};
        bool known = false;
        for (const auto& [word, action] : kActions)
          if (words.front() == word) o.spool_action = action, known = true;
        if (!known) {
          auto best = closest(words.front(), {"list", "show", "drop", "retry"});
          return usage("spool: unknown action '" + words.front() + "' (" +
                       (best.empty() ? "list, show, drop or retry"
                                     : "did you mean '" + best + "'?") +
                       ")");
        }
        o.spool_ids.assign(words.begin() + 1, words.end());
      }
      break;
    case Command::setup:
      if (auto e = at_most(1, "one profile name at a time")) return *e;
      if (!words.empty()) o.profile = words.front();
      if (o.save_anyway && !o.send_test)
        return usage("--save-anyway goes with --test (without it setup writes after the checks)");
      for (std::size_t i = 0; i < setup_fields().size(); ++i) {
        if (app.count("--" + setup_fields()[i]) == 0) continue;
        std::string key = setup_fields()[i];
        std::replace(key.begin(), key.end(), '-', '_');
        o.answers.emplace_back(key, raw.setup_values[i]);
      }
      break;
    case Command::discover:
      if (words.empty()) return usage("telegram: give a command: notify telegram discover");
      if (words.front() != "discover") {
        auto best = closest(words.front(), {"discover"});
        return usage("telegram: unknown command '" + words.front() + "'" +
                     (best.empty() ? " (the one there is: discover)" : " (did you mean 'discover'?)"));
      }
      words.erase(words.begin());
      if (auto e = at_most(0, "")) return *e;
      break;
    case Command::run:
      if (words.empty() || (words.size() == 1 && after_dashes.empty()))
        return usage("run: usage: notify run TARGET [--on failure|always|success] -- COMMAND "
                     "[ARGS...]");
      o.targets = words.front();
      o.run_argv.assign(words.begin() + 1, words.end());
      o.run_argv.insert(o.run_argv.end(), after_dashes.begin(), after_dashes.end());
      if (raw.on) {
        if (*raw.on != "failure" && *raw.on != "always" && *raw.on != "success")
          return usage("--on " + *raw.on + ": give failure, always or success");
        o.on = *raw.on;
      }
      break;
    case Command::help: {
      if (auto e = at_most(1, "notify help [COMMAND]")) return *e;
      std::optional<Command> topic = Command::send;
      if (!words.empty() && words.front() == "services") {
        o.help_text = o.json ? services_json() : services_help();
        return o;
      }
      if (!words.empty() && words.front() == "priority") {
        o.help_text = priority_help();
        return o;
      }
      if (!words.empty()) {
        topic = command_named(words.front());
        if (!topic) {
          std::vector<std::string_view> names(std::begin(kCommandNames), std::end(kCommandNames));
          names.insert(names.end(), {"services", "priority"});
          auto best = closest(words.front(), names);
          return usage("help: no command or topic '" + words.front() + "'" +
                       (best.empty() ? "" : " (did you mean '" + best + "'?)"));
        }
      }
      o.help_text = help_for(*topic);
      return o;
    }
    default:
      break;
  }

  if (raw.timeout) {
    auto n = whole_number("--timeout", *raw.timeout, 1, 3600);
    if (!n) return n.error();
    o.timeout_s = *n;
  }
  if (raw.retries) {
    auto n = whole_number("--retries", *raw.retries, 0, 100);
    if (!n) return n.error();
    o.retries = *n;
  }
  if (raw.max_parts) {
    auto n = whole_number("--max-parts", *raw.max_parts, 1, 1000);
    if (!n) return n.error();
    o.max_parts = *n;
  }
  if (raw.priority) {
    o.priority = parse_priority(*raw.priority);
    if (!o.priority)
      return usage("--priority " + *raw.priority + ": give " + std::string(kPriorityWords));
    if (o.silent && *o.priority != Priority::low)
      return usage("--silent is --priority low; it cannot go with --priority " + *raw.priority);
  }
  if (!o.code_lang.empty() && !message::is_code_lang(o.code_lang))
    return make_error(ErrorKind::usage, "--code=LANG takes one word of letters, digits and "
                                        "_ + . # - (e.g. --code=sh), nothing else");
  if (!o.code_lang.empty()) o.code = true;
  if (raw.stream) o.stream_s = kDefaultStreamSeconds;
  // Converted here: CLI11's messages would name the hidden option.
  if (raw.stream_seconds) {
    const auto& v = *raw.stream_seconds;
    const bool digits = !v.empty() && v.size() <= 4 &&
                        v.find_first_not_of("0123456789") == std::string::npos;
    o.stream_s = digits ? std::stoi(v) : 0;
    if (*o.stream_s < 1 || *o.stream_s > 3600)
      return usage("--stream=" + v + ": SECONDS must be a whole number from 1 to 3600");
  }
  if (o.markdown && o.code)
    return usage("--markdown and --code exclude each other: a code block is shown verbatim, "
                 "markdown is rendered");
  if (o.stream_s && !o.words.empty())
    return usage("--stream reads the message from stdin: give no MESSAGE words (e.g. `tail -f "
                 "log | notify --stream " + o.targets + "`)");
  if (o.stream_s && !o.files.empty()) return usage("--stream and --file cannot be combined");
  if (o.verbose && o.quiet) return usage("--verbose and --quiet exclude each other");
  return o;
}

}  // namespace notify::cli
