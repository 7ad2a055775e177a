#include "cli/options.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "cli/help.hpp"
#include "message/escape.hpp"

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

void add_send_options(CLI::App& app, CliOptions& o) {
  app.add_option("-t,--title", o.title);
  app.add_flag("--code", o.code);
  app.add_option("--code-lang", o.code_lang)->group("");
  app.add_flag("--silent", o.silent);
  app.add_option("--username", o.username);
  app.add_option("--icon", o.icon);
  app.add_option("--channel", o.channel);
  app.add_flag("--dry-run", o.dry_run);
  app.add_flag("--tee", o.tee);
  app.add_option("--timeout", o.timeout_s)->check(CLI::Range(1, 3600));
  app.add_option("--retries", o.retries)->check(CLI::Range(0, 100));
  app.add_option("--max-parts", o.max_parts)->check(CLI::Range(1, 1000));
  // One path per --file: a vector option would otherwise eat the message words.
  app.add_option("--file", o.files)->allow_extra_args(false);
}

}  // namespace

Result<CliOptions> parse_options(const std::vector<std::string>& raw_args) {
  CliOptions o;
  CLI::App app{"notify", "notify"};
  app.set_help_flag();  // our own hand-written help, see help.cpp
  app.set_version_flag();
  bool help = false, version = false;
  app.add_flag("-h,--help", help);
  app.add_flag("--version", version);
  app.add_option("-c,--config", o.config);
  app.add_flag("--json", o.json);
  app.add_flag("-v,--verbose", o.verbose);
  app.add_flag("-q,--quiet", o.quiet);
  add_send_options(app, o);
  // Sending only: `notify run` reports a command, it does not stream or
  // take markdown, so these are not in add_send_options.
  bool stream = false;
  std::optional<std::string> stream_seconds;
  app.add_flag("--markdown", o.markdown);
  app.add_flag("--stream", stream);
  app.add_option("--stream-seconds", stream_seconds)->group("");
  app.add_option("target", o.targets);
  app.add_option("message", o.words);
  app.positionals_at_end(false);

  auto* list = app.add_subcommand("list", "");
  list->add_flag("--names", o.names);
  auto* check = app.add_subcommand("check", "");
  auto* test = app.add_subcommand("test", "");
  test->add_option("target", o.targets);
  auto* flush = app.add_subcommand("flush", "");
  flush->add_option("target", o.targets);
  auto* spool = app.add_subcommand("spool", "");
  std::vector<std::string> spool_words;
  spool->add_option("action", spool_words);
  spool->add_flag("--failed", o.spool_failed);
  spool->add_flag("--all", o.spool_all);
  auto* setup = app.add_subcommand("setup", "");
  setup->add_option("profile", o.profile);
  // Flags are spelled like the profile fields, with dashes.
  static const char* kSetupFields[] = {"type", "webhook-url", "token", "chat-id",
                                       "thread-id", "to", "username", "channel",
                                       "icon-url", "avatar-url", "api-base"};
  std::vector<std::string> setup_storage(std::size(kSetupFields));
  for (std::size_t i = 0; i < std::size(kSetupFields); ++i)
    setup->add_option(std::string("--") + kSetupFields[i], setup_storage[i]);
  setup->add_flag("--force", o.force);
  setup->add_flag("--yes", o.yes);
  setup->add_flag("--test", o.send_test);
  auto* telegram = app.add_subcommand("telegram", "");
  telegram->require_subcommand(1);
  auto* discover = telegram->add_subcommand("discover", "");
  discover->add_option("--profile", o.profile);
  discover->add_option("--token", o.token);
  discover->add_option("--api-base", o.api_base);
  auto* run = app.add_subcommand("run", "");
  run->add_option("target", o.targets);
  run->add_option("--on", o.on)->check(CLI::IsMember({"failure", "always", "success"}));
  run->add_option("command", o.run_argv);
  add_send_options(*run, o);
  for (auto* sub : {list, check, test, flush, spool, setup, telegram, discover, run}) {
    sub->fallthrough();
    sub->set_help_flag();
    sub->add_flag("-h,--help", help);
  }
  app.require_subcommand(0, 1);

  // CLI11 would take the next word as the value of an empty "--stream=".
  for (const auto& a : raw_args) {
    if (a == "--") break;
    if (a == "--stream=")
      return make_error(ErrorKind::usage, "--stream=: give SECONDS (1 to 3600), or plain --stream for 5");
  }
  auto args = split_attached_values(raw_args);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    // The hidden option is an implementation detail; name what was typed.
    for (std::size_t at; (at = what.find("--stream-seconds")) != std::string::npos;)
      what.replace(at, 16, "--stream=SECONDS");
    return make_error(ErrorKind::usage, what);
  }
  if (!o.code_lang.empty() && !message::is_code_lang(o.code_lang))
    return make_error(ErrorKind::usage, "--code=LANG takes one word of letters, digits and "
                                        "_ + . # - (e.g. --code=sh), nothing else");
  if (!o.code_lang.empty()) o.code = true;
  if (stream) o.stream_s = kDefaultStreamSeconds;
  // Converted here: CLI11's messages would name the hidden option.
  if (stream_seconds) {
    const auto& v = *stream_seconds;
    const bool digits = !v.empty() && v.size() <= 4 &&
                        v.find_first_not_of("0123456789") == std::string::npos;
    o.stream_s = digits ? std::stoi(v) : 0;
    if (*o.stream_s < 1 || *o.stream_s > 3600)
      return make_error(ErrorKind::usage, "--stream=" + v + ": SECONDS must be a whole number "
                                          "from 1 to 3600");
  }
  if (list->parsed()) o.command = Command::list;
  if (check->parsed()) o.command = Command::check;
  if (test->parsed()) o.command = Command::test;
  if (flush->parsed()) o.command = Command::flush;
  if (spool->parsed()) {
    o.command = Command::spool;
    if (!spool_words.empty()) {
      static const std::pair<const char*, SpoolAction> kActions[] = {
          {"list", SpoolAction::list}, {"show", SpoolAction::show},
          {"drop", SpoolAction::drop}, {"retry", SpoolAction::retry}};
      bool known = false;
      for (const auto& [word, action] : kActions)
        if (spool_words.front() == word) o.spool_action = action, known = true;
      if (!known)
        return make_error(ErrorKind::usage, "spool: unknown action '" + spool_words.front() +
                                                "' (list, show, drop or retry)");
      o.spool_ids.assign(spool_words.begin() + 1, spool_words.end());
    }
  }
  if (setup->parsed()) {
    o.command = Command::setup;
    for (std::size_t i = 0; i < std::size(kSetupFields); ++i) {
      if (setup->count(std::string("--") + kSetupFields[i]) == 0) continue;
      std::string key = kSetupFields[i];
      std::replace(key.begin(), key.end(), '-', '_');
      o.answers.emplace_back(key, setup_storage[i]);
    }
  }
  if (discover->parsed()) o.command = Command::discover;
  if (run->parsed()) o.command = Command::run;
  if (help) {
    o.help_text = help_for(o.command);
    o.command = Command::help;
    return o;
  }
  if (version) {
    o.command = Command::version;
    return o;
  }
  if (o.command == Command::run && (o.targets.empty() || o.run_argv.empty()))
    return make_error(ErrorKind::usage, "run: usage: notify run TARGET [--on failure|always|success] -- COMMAND [ARGS...]");
  if (o.command == Command::test && o.targets.empty())
    return make_error(ErrorKind::usage, "test: no target given");
  if (o.command == Command::send && o.targets.empty())
    return make_error(ErrorKind::usage, "no target given");
  if (o.command != Command::send && (o.markdown || o.stream_s))
    return make_error(ErrorKind::usage, std::string(o.markdown ? "--markdown" : "--stream") +
                                            " is an option of sending a message only");
  if (o.markdown && o.code)
    return make_error(ErrorKind::usage, "--markdown and --code exclude each other: a code "
                                        "block is shown verbatim, markdown is rendered");
  if (o.stream_s && !o.words.empty())
    return make_error(ErrorKind::usage, "--stream reads the message from stdin: give no "
                                        "MESSAGE words (e.g. `tail -f log | notify --stream " +
                                            o.targets + "`)");
  if (o.stream_s && !o.files.empty())
    return make_error(ErrorKind::usage, "--stream and --file cannot be combined");
  if (o.verbose && o.quiet)
    return make_error(ErrorKind::usage, "--verbose and --quiet exclude each other");
  return o;
}

}  // namespace notify::cli
