#include "cli/options.hpp"

#include <algorithm>
#include <map>

#include <CLI/CLI.hpp>

#include "cli/help.hpp"
#include "config/schema.hpp"
#include "core/duration.hpp"
#include "core/names.hpp"
#include "message/escape.hpp"

namespace notify::cli {

const SendOptions& CliOptions::send() const {
  if (const auto* r = std::get_if<RunOptions>(&of)) return r->send;
  return std::get<SendOptions>(of);
}

const SendOptions* CliOptions::sending() const {
  if (const auto* r = std::get_if<RunOptions>(&of)) return &r->send;
  return std::get_if<SendOptions>(&of);
}

SendOptions& CliOptions::send() {
  if (auto* r = std::get_if<RunOptions>(&of)) return r->send;
  return std::get<SendOptions>(of);
}

namespace {

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
  if (takes_value(name)) return name;  // -tTEXT: any text may follow
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
    if (takes_value(name) && !value_attached(args[i], name)) ++i;
  }
  return args.size();
}

std::string command_word(Command c) { return std::string(command_spec(c).name); }

// "--title", "-t, --title": how a row is named to CLI11.
std::string cli11_names(const OptionSpec& o) {
  std::string names = "--" + std::string(o.name);
  if (o.letter) names = std::string("-") + o.letter + "," + names;
  return names;
}

// What the command line gave each row of the command: a flag's count, an
// option's values in order. CLI11 stores them; notify converts and checks
// them itself, so that a bad value is reported in notify's words.
class Given {
 public:
  explicit Given(Command command) : m_rows(options_of(command)), m_values(m_rows.size()) {}

  // Every row wired to `app`, storing into this object.
  void wire(CLI::App& app) {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
      const auto& row = *m_rows[i];
      auto* opt = app.add_option(cli11_names(row), m_values[i])
                      ->allow_extra_args(false)
                      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
      if (row.arg == Arg::none) opt->expected(0);
      if (row.arg == Arg::attached) opt->expected(0, 1);
      m_options.push_back(opt);
    }
  }

  bool flag(Opt id) const { return count(id) > 0; }

  std::size_t count(Opt id) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
      if (m_rows[i]->id == id) n += m_options[i]->count();
    return n;
  }

  // The last value given; for an attached one the last that is not empty
  // (`--code=go --code` is still Go).
  std::optional<std::string> last(Opt id) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
      if (m_rows[i]->id != id || m_options[i]->count() == 0) continue;
      std::optional<std::string> out;
      for (const auto& v : m_values[i])
        if (m_rows[i]->arg != Arg::attached || !v.empty()) out = v;
      if (m_rows[i]->arg == Arg::attached && !out) return std::string();
      return out;
    }
    return std::nullopt;
  }

  std::vector<std::string> all(Opt id) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
      if (m_rows[i]->id == id) out.insert(out.end(), m_values[i].begin(), m_values[i].end());
    return out;
  }

  // setup's answers: each profile key given, in the order help lists them.
  std::vector<std::pair<std::string, std::string>> answers() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
      if (m_rows[i]->id == Opt::answer && !m_values[i].empty())
        out.emplace_back(std::string(m_rows[i]->field), m_values[i].back());
    return out;
  }

  const OptionSpec* row(Opt id) const {
    for (const auto* r : m_rows)
      if (r->id == id) return r;
    return nullptr;
  }

 private:
  std::vector<const OptionSpec*> m_rows;
  std::vector<std::vector<std::string>> m_values;
  std::vector<CLI::Option*> m_options;
};

Error usage(std::string text) { return Error{ErrorKind::usage, std::move(text)}; }

std::string unknown_option(Command command, const std::string& word, const std::string& name) {
  // An option of sending used with another command: say so.
  if (command != Command::send) {
    if (const auto* sending = option_of(Command::send, name))
      return name + " is not an option of 'notify " + command_word(command) + "'" +
             (sending->commands == bit(Command::send)
                  ? " (it is an option of sending a message only)"
                  : "");
  }
  std::vector<std::string_view> names;
  for (const auto* o : options_of(command)) names.push_back(o->name);
  auto best = name.rfind("--", 0) == 0 ? closest(name.substr(2), names) : "";
  std::string text = "unknown option '" + word + "'";
  if (!best.empty()) return text + " (did you mean '--" + best + "'?)";
  if (command == Command::send)
    return text + "; to send it as text, quote it with the words around it (\"" + word +
           " ...\") or put it after '--' (notify TARGET -- " + word + " ...)";
  return text + " for 'notify " + command_word(command) + "'";
}

// A whole number in the row's range, or the usage error naming the flag.
Result<int> whole_number(const OptionSpec& row, const std::string& v) {
  const std::string flag = "--" + std::string(row.name);
  const bool digits = !v.empty() && v.size() <= 6 &&
                      v.find_first_not_of("0123456789") == std::string::npos;
  const int n = digits ? std::stoi(v) : row.min - 1;
  if (n < row.min || n > row.max)
    return usage(flag + " " + v + ": give a whole number from " + std::to_string(row.min) +
                 " to " + std::to_string(row.max));
  return n;
}

// "list, show, drop or retry".
std::string one_of(std::span<const std::string_view> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + std::string(words[i]);
  return out;
}

std::string unexpected(Command command, const std::string& word, const std::string& why) {
  return "unexpected '" + word + "' after 'notify " + command_word(command) + "'" +
         (why.empty() ? "" : " (" + why + ")");
}

// The everyday call, `notify [-c FILE] TARGET [WORDS...]`, needs none of
// CLI11's machinery: building its option table costs a fifth of what notify
// itself spends on a one-line send (bench/), so that shape is read here and
// everything else goes through the full parser below.
std::optional<CliOptions> plain_send(const std::vector<std::string>& args) {
  const auto& config = config_option();
  const std::string long_config = "--" + std::string(config.name);
  const std::string short_config = std::string("-") + config.letter;
  CliOptions o;
  SendOptions send;
  bool target = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      if ((a == short_config || a == long_config) && i + 1 < args.size() &&
          !args[i + 1].empty()) {
        o.config = args[++i];
        continue;
      }
      return std::nullopt;  // any other option, or `--`: the full parser
    }
    if (a.empty()) return std::nullopt;
    if (!target) {
      if (command_named(a)) return std::nullopt;
      send.targets = a;
      target = true;
    } else {
      send.words.push_back(a);
    }
  }
  if (!target) return std::nullopt;
  o.of = std::move(send);
  return o;
}

// The options every sending command takes, converted and checked.
Result<SendOptions> send_options(const Given& given, bool keyed_by_itself) {
  SendOptions o;
  o.title = given.last(Opt::title);
  o.silent = given.flag(Opt::silent);
  o.markdown = given.flag(Opt::markdown);
  o.username = given.last(Opt::username);
  o.icon = given.last(Opt::icon);
  o.channel = given.last(Opt::channel);
  o.dry_run = given.flag(Opt::dry_run);
  o.tee = given.flag(Opt::tee);
  o.files = given.all(Opt::file);
  const std::pair<Opt, std::optional<int>*> numbers[] = {
      {Opt::timeout, &o.timeout_s}, {Opt::retries, &o.retries}, {Opt::max_parts, &o.max_parts}};
  for (const auto& [id, out] : numbers) {
    if (auto v = given.last(id)) {
      auto n = whole_number(*given.row(id), *v);
      if (!n) return n.error();
      *out = *n;
    }
  }
  if (auto v = given.last(Opt::priority)) {
    o.priority = parse_priority(*v);
    if (!o.priority) return usage("--priority " + *v + ": give " + std::string(kPriorityWords));
    if (o.silent && *o.priority != Priority::low)
      return usage("--silent is --priority low; it cannot go with --priority " + *v);
  }
  if (given.flag(Opt::code)) {
    o.code = true;
    o.code_lang = given.last(Opt::code).value_or("");
    if (!o.code_lang.empty() && !message::is_code_lang(o.code_lang))
      return usage("--code=LANG takes one word of letters, digits and _ + . # - (e.g. "
                   "--code=sh), nothing else");
  }
  if (given.flag(Opt::stream)) {
    o.stream_s = kDefaultStreamSeconds;
    // Converted here: the range is the row's, the words notify's.
    if (auto v = given.last(Opt::stream); v && !v->empty()) {
      const auto& row = *given.row(Opt::stream);
      const bool digits = v->size() <= 4 && v->find_first_not_of("0123456789") == std::string::npos;
      o.stream_s = digits ? std::stoi(*v) : 0;
      if (*o.stream_s < row.min || *o.stream_s > row.max)
        return usage("--stream=" + *v + ": SECONDS must be a whole number from " +
                     std::to_string(row.min) + " to " + std::to_string(row.max));
    }
  }
  if (o.markdown && o.code)
    return usage("--markdown and --code exclude each other: a code block is shown verbatim, "
                 "markdown is rendered");
  if (auto v = given.last(Opt::key)) {
    if (v->empty()) return usage("--key needs a name: any text, e.g. --key disk-full");
    o.key = *v;
  }
  if (auto v = given.last(Opt::cooldown)) {
    const auto seconds = parse_duration(*v);
    if (!seconds) return usage("--cooldown: " + seconds.error().message);
    o.cooldown_s = *seconds;
  }
  o.resolve = given.flag(Opt::resolve);
  // `notify run` keys itself by its command line.
  if (o.key.empty() && ((o.cooldown_s && !keyed_by_itself) || o.resolve))
    return usage(std::string(o.resolve ? "--resolve" : "--cooldown") +
                 " needs --key KEY: messages without a key are never held back or resolved");
  o.edit = given.flag(Opt::edit);
  o.reply = given.flag(Opt::reply);
  o.fail = given.flag(Opt::fail);
  if (o.key.empty() && !keyed_by_itself && (o.edit || o.reply))
    return usage(std::string(o.edit ? "--edit" : "--reply") +
                 " needs --key KEY: the key names the message to " +
                 (o.edit ? "replace" : "answer"));
  if (!o.key.empty() && o.stream_s)
    return usage("--key and --stream cannot be combined: a stream is many messages");
  return o;
}

// `notify help [COMMAND | TOPIC]`: the text to print.
Result<std::string> help_topic(const std::vector<std::string>& words, bool json) {
  if (words.empty()) return help_for(Command::send);
  for (const auto& t : topics())
    if (words.front() == t.name) return topic_text(t.id, json);
  if (const auto* c = command_named(words.front())) return help_for(c->id);
  std::vector<std::string_view> names;
  for (const auto& c : commands()) names.push_back(c.word);
  for (const auto& t : topics()) names.push_back(t.name);
  auto best = closest(words.front(), names);
  return usage("help: no command or topic '" + words.front() + "'" +
               (best.empty() ? "" : " (did you mean '" + best + "'?)"));
}

}  // namespace

std::vector<std::string> run_command_of(const std::vector<std::string>& args) {
  const auto first = first_operand(args);
  if (first >= args.size() || args[first] != "run") return {};
  const auto dashes = std::find(args.begin() + static_cast<std::ptrdiff_t>(first), args.end(), "--");
  if (dashes == args.end()) return {};
  return std::vector<std::string>(dashes + 1, args.end());
}

bool message_from_stdin(const std::vector<std::string>& args) {
  std::size_t operands = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") return i + 1 == args.size() && operands <= 1;
    if (const auto name = option_name(a); !name.empty()) {
      if (takes_value(name) && a.size() == name.size()) ++i;  // its value follows
      continue;
    }
    if (operands == 0 && command_named(a)) {
      if (a != "send") return false;
      continue;
    }
    ++operands;
  }
  return operands <= 1;
}

Result<CliOptions> parse_options(const std::vector<std::string>& raw_args) {
  if (auto plain = plain_send(raw_args)) return std::move(*plain);
  // An empty attached value would be taken for plain --stream.
  for (const auto& a : raw_args) {
    if (a == "--") break;
    if (a == "--stream=")
      return usage("--stream=: give SECONDS (" + std::to_string(config::kStreamSeconds.min) + " to " +
                   std::to_string(config::kStreamSeconds.max) + "), or plain --stream for " +
                   std::to_string(kDefaultStreamSeconds));
  }
  auto args = raw_args;

  // The command is the first operand, and only the first: `notify ops
  // deploy test passed` sends "deploy test passed".
  Command command = Command::send;
  if (auto i = first_operand(args); i < args.size()) {
    if (const auto* c = command_named(args[i])) {
      command = c->id;
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

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
    const auto* row = option_of(command, name);
    if (!row) return usage(unknown_option(command, a, name));
    if (row->arg == Arg::required) {
      option_args.push_back(a);
      if (!value_attached(a, name)) {
        if (i + 1 >= args.size()) return usage(name + " needs a value");
        option_args.push_back(args[++i]);
      }
      continue;
    }
    if (row->arg == Arg::none && a[1] == '-' && a.find('=') != std::string::npos)
      return usage(name + " takes no value");
    // -vq: each letter a flag of this command.
    for (std::size_t k = 2; a[1] != '-' && k < a.size(); ++k) {
      const std::string letter = std::string("-") + a[k];
      const auto* each = option_of(command, letter);
      if (!each || each->arg != Arg::none) return usage(unknown_option(command, a, letter));
    }
    option_args.push_back(a);
  }

  CLI::App app{"notify", "notify"};
  app.set_help_flag();  // help is notify's own, made from the table (help.cpp)
  Given given(command);
  given.wire(app);
  std::reverse(option_args.begin(), option_args.end());
  try {
    app.parse(option_args);
  } catch (const CLI::ParseError&) {
    // Everything CLI11 could object to was checked above; this is a net.
    return usage("cannot read the options as given");
  }

  CliOptions o;
  o.config = given.last(Opt::config);
  o.json = given.flag(Opt::json);
  o.verbose = given.flag(Opt::verbose);
  o.quiet = given.flag(Opt::quiet);
  if (given.flag(Opt::help)) {
    Command topic = command;
    if (command == Command::help) {
      topic = Command::send;
      if (!operands.empty()) {
        const auto* c = command_named(operands.front());
        topic = c ? c->id : Command::send;
      }
    }
    o.command = Command::help;
    o.of = HelpOptions{help_for(topic)};
    return o;
  }
  if (given.flag(Opt::version)) {
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
    case Command::test:
    case Command::flush:
    case Command::run: {
      // The operands first, then the options' values, then the two together.
      SendOptions send;
      RunOptions run;
      if (command == Command::send) {
        if (words.empty()) {
          return usage(after_dashes.empty()
                           ? "no target given"
                           : "no target given: a word after '--' is message text, so the "
                             "TARGET comes before it");
        }
        send.targets = words.front();
        send.words.assign(words.begin() + 1, words.end());
        send.words.insert(send.words.end(), after_dashes.begin(), after_dashes.end());
      } else if (command == Command::test) {
        if (words.empty()) return usage("test: no target given");
        if (auto e = at_most(1, "give several targets as one word: notify test a,b")) return *e;
        send.targets = words.front();
      } else if (command == Command::flush) {
        if (auto e = at_most(1, "give several targets as one word: notify flush a,b")) return *e;
        if (!words.empty()) send.targets = words.front();
      } else {
        if (words.empty() || (words.size() == 1 && after_dashes.empty()))
          return usage("run: usage: notify run TARGET [--on failure|always|success] -- COMMAND "
                       "[ARGS...]");
        send.targets = words.front();
        run.argv.assign(words.begin() + 1, words.end());
        run.argv.insert(run.argv.end(), after_dashes.begin(), after_dashes.end());
        if (auto on = given.last(Opt::on)) {
          const auto& choices = given.row(Opt::on)->choices;
          std::vector<std::string_view> values;
          for (const auto& c : choices) values.push_back(c.value);
          if (std::find(values.begin(), values.end(), *on) == values.end())
            return usage("--on " + *on + ": give " + one_of(values));
          run.on = *on;
        }
        if (auto v = given.last(Opt::after)) {
          auto n = whole_number(*given.row(Opt::after), *v);
          if (!n) return n.error();
          run.after = *n;
        }
        run.live = given.flag(Opt::live);
      }
      auto options = send_options(given, command == Command::run);
      if (!options) return options.error();
      options->targets = std::move(send.targets);
      options->words = std::move(send.words);
      if (options->stream_s && !options->words.empty())
        return usage("--stream reads the message from stdin: give no MESSAGE words (e.g. `tail "
                     "-f log | notify --stream " + options->targets + "`)");
      if (options->stream_s && !options->files.empty())
        return usage("--stream and --file cannot be combined");
      if (command == Command::run) {
        run.send = std::move(*options);
        o.of = std::move(run);
      } else {
        o.of = std::move(*options);
      }
      break;
    }
    case Command::list:
    case Command::check:
      if (auto e = at_most(0, "it takes no operands; to send to a profile of that name: "
                              "notify send " + command_word(command) + " ...")) return *e;
      if (command == Command::list) o.of = ListOptions{given.flag(Opt::names)};
      break;
    case Command::spool: {
      SpoolOptions spool;
      spool.failed = given.flag(Opt::failed);
      spool.all = given.flag(Opt::all);
      if (!words.empty()) {
        const auto actions = command_spec(Command::spool).actions;  // SpoolAction's order
        const auto at = std::find(actions.begin(), actions.end(), words.front());
        if (at == actions.end()) {
          auto best = closest(words.front(), {actions.begin(), actions.end()});
          return usage("spool: unknown action '" + words.front() + "' (" +
                       (best.empty() ? one_of(actions) : "did you mean '" + best + "'?") + ")");
        }
        spool.action = static_cast<SpoolAction>(at - actions.begin());
        spool.ids.assign(words.begin() + 1, words.end());
      }
      o.of = std::move(spool);
      break;
    }
    case Command::setup: {
      if (auto e = at_most(1, "one profile name at a time")) return *e;
      SetupOptions setup;
      if (!words.empty()) setup.profile = words.front();
      setup.force = given.flag(Opt::force);
      setup.yes = given.flag(Opt::yes);
      setup.send_test = given.flag(Opt::test);
      setup.save_anyway = given.flag(Opt::save_anyway);
      if (setup.save_anyway && !setup.send_test)
        return usage("--save-anyway goes with --test (without it setup writes after the checks)");
      setup.answers = given.answers();
      o.of = std::move(setup);
      break;
    }
    case Command::discover: {
      const auto& spec = command_spec(Command::discover);
      const std::string action(spec.actions.front());
      if (words.empty())
        return usage(std::string(spec.word) + ": give a command: notify " + std::string(spec.name));
      if (words.front() != action) {
        auto best = closest(words.front(), {spec.actions.begin(), spec.actions.end()});
        return usage(std::string(spec.word) + ": unknown command '" + words.front() + "'" +
                     (best.empty() ? " (the one there is: " + action + ")"
                                   : " (did you mean '" + best + "'?)"));
      }
      words.erase(words.begin());
      if (auto e = at_most(0, "")) return *e;
      o.of = DiscoverOptions{given.last(Opt::profile).value_or(""), given.last(Opt::token),
                             given.last(Opt::api_base)};
      break;
    }
    case Command::help: {
      if (auto e = at_most(1, "notify help [COMMAND]")) return *e;
      auto text = help_topic(words, o.json);
      if (!text) return text.error();
      o.of = HelpOptions{std::move(*text)};
      return o;
    }
    case Command::version:
      break;
  }

  if (o.verbose && o.quiet) return usage("--verbose and --quiet exclude each other");
  return o;
}

}  // namespace notify::cli
