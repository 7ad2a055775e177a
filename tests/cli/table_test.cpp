// The table of commands and options (cli/table.hpp) is the one declaration:
// every row parses, lands in its command's options, is refused by the
// commands that do not take it, shows in --help and in the dump the docs
// tests read (`notify help options --json`).

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/catalog.hpp"
#include "cli/help.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "config/schema.hpp"
#include "core/names.hpp"

namespace notify::cli {
namespace {

// A command line of each command that parses, and where an option may go.
struct Example {
  std::vector<std::string> before, after;
};

const Example& example_of(Command c) {
  static const std::map<Command, Example> examples = {
      {Command::send, {{}, {"ops"}}},
      {Command::list, {{"list"}, {}}},
      {Command::check, {{"check"}, {}}},
      {Command::test, {{"test"}, {"ops"}}},
      {Command::flush, {{"flush"}, {}}},
      {Command::spool, {{"spool"}, {}}},
      {Command::setup, {{"setup"}, {}}},
      {Command::discover, {{"telegram", "discover"}, {}}},
      {Command::run, {{"run"}, {"ops", "--", "true"}}},
      {Command::help, {{"help"}, {}}},
  };
  const auto it = examples.find(c);
  if (it == examples.end()) ADD_FAILURE() << "no example command line for a command of the table";
  return it->second;
}

std::vector<std::string> line_of(Command c, const std::vector<std::string>& option) {
  const auto& e = example_of(c);
  std::vector<std::string> args = e.before;
  args.insert(args.end(), option.begin(), option.end());
  args.insert(args.end(), e.after.begin(), e.after.end());
  return args;
}

// A value the row accepts.
std::string value_for(const OptionSpec& o) {
  if (!o.choices.empty()) return std::string(o.choices.back().value);
  if (o.max > 0) return std::to_string(o.max);
  if (o.id == Opt::priority) return "high";
  if (o.id == Opt::code) return "sh";
  if (o.id == Opt::cooldown) return "90m";
  return "v-" + std::string(o.name);
}

// Where each kind of row lands: true when `o` shows the option given with
// `value`. An Opt without an entry here fails the test below.
using Landed = std::function<bool(const CliOptions&, const OptionSpec&, const std::string&)>;

const std::map<Opt, Landed>& landing() {
  static const std::map<Opt, Landed> where = {
      {Opt::help, [](auto& o, auto&, auto&) { return o.command == Command::help; }},
      {Opt::version, [](auto& o, auto&, auto&) { return o.command == Command::version; }},
      {Opt::config, [](auto& o, auto&, auto& v) { return o.config == v; }},
      {Opt::json, [](auto& o, auto&, auto&) { return o.json; }},
      {Opt::verbose, [](auto& o, auto&, auto&) { return o.verbose; }},
      {Opt::quiet, [](auto& o, auto&, auto&) { return o.quiet; }},
      {Opt::title, [](auto& o, auto&, auto& v) { return o.send().title == v; }},
      {Opt::code,
       [](auto& o, auto&, auto& v) { return o.send().code && (v.empty() || o.send().code_lang == v); }},
      {Opt::markdown, [](auto& o, auto&, auto&) { return o.send().markdown; }},
      {Opt::silent, [](auto& o, auto&, auto&) { return o.send().silent; }},
      {Opt::priority,
       [](auto& o, auto&, auto& v) { return o.send().priority == parse_priority(v); }},
      {Opt::username, [](auto& o, auto&, auto& v) { return o.send().username == v; }},
      {Opt::icon, [](auto& o, auto&, auto& v) { return o.send().icon == v; }},
      {Opt::channel, [](auto& o, auto&, auto& v) { return o.send().channel == v; }},
      {Opt::max_parts,
       [](auto& o, auto&, auto& v) { return o.send().max_parts == std::stoi(v); }},
      {Opt::file,
       [](auto& o, auto&, auto& v) { return o.send().files == std::vector<std::string>{v}; }},
      {Opt::timeout, [](auto& o, auto&, auto& v) { return o.send().timeout_s == std::stoi(v); }},
      {Opt::retries, [](auto& o, auto&, auto& v) { return o.send().retries == std::stoi(v); }},
      {Opt::dry_run, [](auto& o, auto&, auto&) { return o.send().dry_run; }},
      {Opt::tee, [](auto& o, auto&, auto&) { return o.send().tee; }},
      {Opt::stream,
       [](auto& o, auto&, auto& v) {
         return o.send().stream_s == (v.empty() ? kDefaultStreamSeconds : std::stoi(v));
       }},
      {Opt::key, [](auto& o, auto&, auto& v) { return o.send().key == v; }},
      {Opt::cooldown, [](auto& o, auto&, auto&) { return o.send().cooldown_s == 5400; }},
      {Opt::resolve, [](auto& o, auto&, auto&) { return o.send().resolve; }},
      {Opt::edit, [](auto& o, auto&, auto&) { return o.send().edit; }},
      {Opt::reply, [](auto& o, auto&, auto&) { return o.send().reply; }},
      {Opt::fail, [](auto& o, auto&, auto&) { return o.send().fail; }},
      {Opt::names, [](auto& o, auto&, auto&) { return o.list().names; }},
      {Opt::failed, [](auto& o, auto&, auto&) { return o.spool().failed; }},
      {Opt::all, [](auto& o, auto&, auto&) { return o.spool().all; }},
      {Opt::answer,
       [](auto& o, auto& row, auto& v) {
         const auto& a = o.setup().answers;
         return std::find(a.begin(), a.end(), std::pair{std::string(row.field), v}) != a.end();
       }},
      {Opt::force, [](auto& o, auto&, auto&) { return o.setup().force; }},
      {Opt::yes, [](auto& o, auto&, auto&) { return o.setup().yes; }},
      {Opt::test, [](auto& o, auto&, auto&) { return o.setup().send_test; }},
      {Opt::save_anyway, [](auto& o, auto&, auto&) { return o.setup().save_anyway; }},
      {Opt::profile, [](auto& o, auto&, auto& v) { return o.discover().profile == v; }},
      {Opt::token, [](auto& o, auto&, auto& v) { return o.discover().token == v; }},
      {Opt::api_base, [](auto& o, auto&, auto& v) { return o.discover().api_base == v; }},
      {Opt::on, [](auto& o, auto&, auto& v) { return o.run().on == v; }},
      {Opt::after, [](auto& o, auto&, auto& v) { return o.run().after == std::stoi(v); }},
      {Opt::live, [](auto& o, auto&, auto&) { return o.run().live; }},
  };
  return where;
}

// The ways of giving one row on a command line, each with the value given.
std::vector<std::pair<std::vector<std::string>, std::string>> spellings(const OptionSpec& o) {
  const std::string name = "--" + std::string(o.name);
  std::vector<std::pair<std::vector<std::string>, std::string>> out;
  std::vector<std::string> extra;
  if (o.id == Opt::save_anyway) extra = {"--test"};  // it goes with --test
  if (o.id == Opt::cooldown || o.id == Opt::resolve || o.id == Opt::edit || o.id == Opt::reply)
    extra = {"--key", "k"};
  auto with = [&](std::vector<std::string> words, std::string value) {
    words.insert(words.end(), extra.begin(), extra.end());
    out.emplace_back(std::move(words), std::move(value));
  };
  const std::string v = value_for(o);
  switch (o.arg) {
    case Arg::none:
      with({name}, "");
      if (o.letter) with({std::string("-") + o.letter}, "");
      break;
    case Arg::required:
      with({name, v}, v);
      with({name + "=" + v}, v);
      if (o.letter) {
        with({std::string("-") + o.letter, v}, v);
        with({std::string("-") + o.letter + v}, v);
      }
      break;
    case Arg::attached:
      with({name}, "");
      with({name + "=" + v}, v);
      break;
  }
  return out;
}

TEST(OptionTableTest, every_option_of_every_command_parses_and_lands_in_its_options) {
  for (const auto& c : commands()) {
    for (const auto* o : options_of(c.id)) {
      const auto land = landing().find(o->id);
      ASSERT_NE(land, landing().end()) << "no landing check for --" << o->name;
      for (const auto& [words, value] : spellings(*o)) {
        const auto args = line_of(c.id, words);
        std::string shown;
        for (const auto& a : args) shown += a + " ";
        auto parsed = parse_options(args);
        ASSERT_TRUE(parsed) << shown << ": " << parsed.error().message;
        if (o->id != Opt::help && o->id != Opt::version) {
          EXPECT_EQ(parsed->command, c.id) << shown;
        }
        EXPECT_TRUE(land->second(*parsed, *o, value)) << shown;
      }
    }
  }
}

TEST(OptionTableTest, an_option_is_refused_by_the_commands_that_do_not_take_it) {
  for (const auto& c : commands()) {
    for (const auto* o : all_options()) {
      if (has(o->commands, c.id)) continue;
      const std::string name = "--" + std::string(o->name);
      if (option_of(c.id, name)) continue;  // another row of that name is this command's
      const auto args = line_of(c.id, spellings(*o).front().first);
      auto parsed = parse_options(args);
      ASSERT_FALSE(parsed) << c.name << " took " << name;
      EXPECT_EQ(parsed.error().kind, ErrorKind::usage);
      EXPECT_NE(parsed.error().message.find(name), std::string::npos) << parsed.error().message;
    }
  }
}

TEST(OptionTableTest, one_row_per_name_and_command_and_one_kind_of_value_per_name) {
  std::map<std::string, Arg> arg_of;
  for (const auto& c : commands()) {
    std::set<std::string> names;
    for (const auto* o : options_of(c.id)) {
      EXPECT_TRUE(names.insert(std::string(o->name)).second) << c.name << ": --" << o->name;
      if (o->letter) {
        EXPECT_TRUE(names.insert(std::string(1, o->letter)).second) << c.name << ": -" << o->letter;
      }
      const auto [it, first] = arg_of.emplace(std::string(o->name), o->arg);
      EXPECT_EQ(it->second, o->arg) << "--" << o->name << " takes a value for one command only";
      EXPECT_EQ(takes_value("--" + std::string(o->name)), o->arg == Arg::required) << o->name;
    }
  }
}

TEST(OptionTableTest, every_command_is_a_command_word_of_the_catalog_and_selected_by_it) {
  ASSERT_EQ(commands().size(), catalog().command_words().size());
  for (const auto& c : commands()) {
    EXPECT_TRUE(catalog().is_command_word(c.word)) << c.word;
    ASSERT_NE(command_named(c.word), nullptr) << c.word;
    EXPECT_EQ(command_named(c.word)->id, c.id);
    EXPECT_EQ(&command_spec(c.id), &c);
    EXPECT_FALSE(c.summary.empty() || c.synopsis.empty() || c.usage.empty()) << c.word;
  }
  EXPECT_EQ(command_named("discover"), nullptr);
}

// The table names no service: the discover command's word is the type of
// the service whose row has a discovery, and its texts are that row's.
TEST(OptionTableTest, the_discover_command_is_spelt_by_the_service_that_lists_its_chats) {
  const auto listing = catalog().discoverable();
  ASSERT_EQ(listing.size(), 1u);
  ASSERT_EQ(discover_service(), listing.front());
  const auto& service = *listing.front();
  const auto& d = *service.discovery;
  const std::string type(service.schema->type);
  const auto& spec = command_spec(Command::discover);
  EXPECT_EQ(spec.word, type);
  EXPECT_EQ(command_named(type), &spec);
  EXPECT_EQ(spec.name, type + " discover");
  EXPECT_EQ(spec.synopsis, spec.name);
  EXPECT_EQ(spec.summary, d.summary);
  EXPECT_EQ(spec.about, d.about);
  const std::string lead = "notify " + type + " discover ";
  EXPECT_EQ(spec.usage, lead + "[--profile P | --token T] [--api-base URL]\n" +
                            std::string(lead.size(), ' ') + "[--json]\n");
  EXPECT_NE(command_spec(Command::send).usage.find("| " + type + " discover\n"),
            std::string_view::npos)
      << command_spec(Command::send).usage;
  const auto help = help_for(Command::discover);
  EXPECT_NE(help.find(std::string(d.secret_help) + "; - reads it from standard input"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find(d.server_help), std::string::npos) << help;
  for (const auto& text : {help, help_for(Command::send), topic_text(Topic::options, true)})
    for (const char* mark : {"@FILL@", "@DISCOVER@"})
      EXPECT_EQ(text.find(mark), std::string::npos) << mark << " left in:\n" << text;
  // As the first word it is that command, never a profile to send to.
  auto parsed = parse_options({type, "discover"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->command, Command::discover);
  auto bare = parse_options({type});
  ASSERT_FALSE(bare);
  EXPECT_NE(bare.error().message.find("give a command"), std::string::npos)
      << bare.error().message;
  EXPECT_FALSE(message_from_stdin({type}));
  // Core's fixed words name no service; the catalog adds this one.
  EXPECT_FALSE(is_command_name(type));
  EXPECT_TRUE(catalog().is_command_word(type));
}

TEST(OptionTableTest, every_command_parses_to_itself_and_gets_its_own_options) {
  for (const auto& c : commands()) {
    auto parsed = parse_options(line_of(c.id, {}));
    ASSERT_TRUE(parsed) << c.name << ": " << parsed.error().message;
    EXPECT_EQ(parsed->command, c.id) << c.name;
    switch (c.id) {
      case Command::send:
      case Command::test:
      case Command::flush:
        EXPECT_TRUE(std::holds_alternative<SendOptions>(parsed->of)) << c.name;
        break;
      case Command::run: EXPECT_TRUE(std::holds_alternative<RunOptions>(parsed->of)); break;
      case Command::list: EXPECT_TRUE(std::holds_alternative<ListOptions>(parsed->of)); break;
      case Command::spool: EXPECT_TRUE(std::holds_alternative<SpoolOptions>(parsed->of)); break;
      case Command::setup: EXPECT_TRUE(std::holds_alternative<SetupOptions>(parsed->of)); break;
      case Command::discover:
        EXPECT_TRUE(std::holds_alternative<DiscoverOptions>(parsed->of));
        break;
      case Command::help: EXPECT_TRUE(std::holds_alternative<HelpOptions>(parsed->of)); break;
      case Command::check:
      case Command::version:
        EXPECT_TRUE(std::holds_alternative<std::monostate>(parsed->of)) << c.name;
        break;
    }
    // A command's help: by option and by `help`, the same, naming it.
    auto by_option = parse_options(line_of(c.id, {"--help"}));
    auto by_help = parse_options({"help", std::string(c.word)});
    ASSERT_TRUE(by_option && by_help) << c.name;
    EXPECT_EQ(by_option->help().text, by_help->help().text) << c.name;
    EXPECT_NE(by_help->help().text.find("notify " + std::string(c.name)), std::string::npos)
        << c.name;
  }
}

TEST(OptionTableTest, every_option_is_in_the_help_of_a_command_that_takes_it) {
  for (const auto* o : all_options()) {
    const auto first = std::find_if(commands().begin(), commands().end(),
                                     [&](const CommandSpec& c) { return has(o->commands, c.id); });
    ASSERT_NE(first, commands().end()) << "no command takes --" << o->name;
    const auto text = help_for(has(o->commands, Command::send) ? Command::send : first->id);
    std::string shown = "--" + std::string(o->name);
    if (!o->choices.empty() && !o->choices.front().help.empty())
      shown += " " + std::string(o->choices.front().value);
    const bool listed =
        text.find("  " + shown) != std::string::npos || text.find(", " + shown) != std::string::npos;
    EXPECT_TRUE(listed) << shown << " is not in:\n" << text;
    if (o->letter) {
      EXPECT_NE(text.find("-" + std::string(1, o->letter) + ", " + shown), std::string::npos)
          << shown;
    }
  }
}

TEST(OptionTableTest, the_dump_holds_every_row_its_commands_and_every_command) {
  const auto dump = nlohmann::json::parse(options_json());
  std::vector<std::string> command_names;
  for (const auto& c : commands()) command_names.emplace_back(c.name);
  std::vector<std::string> dumped_commands;
  for (const auto& c : dump["commands"]) dumped_commands.push_back(c["name"]);
  EXPECT_EQ(dumped_commands, command_names);

  ASSERT_EQ(dump["options"].size(), all_options().size());
  for (std::size_t i = 0; i < all_options().size(); ++i) {
    const auto& o = *all_options()[i];
    const auto& row = dump["options"][i];
    const std::string name = "--" + std::string(o.name);
    EXPECT_EQ(row["long"], name);
    EXPECT_EQ(row["short"].is_null(), o.letter == 0) << name;
    EXPECT_FALSE(row["help"].get<std::string>().empty()) << name << " has no help line";
    std::vector<std::string> takers;
    for (const auto& c : commands())
      if (has(o.commands, c.id)) takers.emplace_back(c.name);
    EXPECT_EQ(row["commands"].get<std::vector<std::string>>(), takers) << name;
    for (const auto& c : dump["commands"]) {
      const auto options = c["options"].get<std::vector<std::string>>();
      const bool listed = std::find(options.begin(), options.end(), name) != options.end();
      if (std::find(takers.begin(), takers.end(), c["name"]) != takers.end()) {
        EXPECT_TRUE(listed) << name << " not among " << c["name"] << "'s options";
      }
    }
  }
  std::vector<std::string> topic_names;
  for (const auto& t : dump["topics"]) topic_names.push_back(t["name"]);
  EXPECT_EQ(topic_names, (std::vector<std::string>{"services", "priority", "options"}));
}

TEST(OptionTableTest, setup_takes_a_flag_for_every_key_a_service_asks) {
  const auto setup = options_of(Command::setup);
  for (const char* key : {"webhook_url", "token", "chat_id", "smtp_url", "password", "from"}) {
    std::string flag(key);
    std::replace(flag.begin(), flag.end(), '_', '-');
    const auto* row = option_of(Command::setup, "--" + flag);
    ASSERT_NE(row, nullptr) << flag;
    EXPECT_EQ(row->field, key);
    EXPECT_EQ(row->arg, Arg::required);
  }
  // The key flags stand between setup's own answers and its other flags,
  // as its help lists them.
  const auto at = [&](std::string_view name) {
    return std::find_if(setup.begin(), setup.end(),
                        [&](const OptionSpec* o) { return o->name == name; }) -
           setup.begin();
  };
  EXPECT_LT(at("priority"), at("webhook-url"));
  EXPECT_LT(at("from"), at("force"));
}

TEST(OptionTableTest, a_command_s_actions_select_what_it_does) {
  const auto actions = command_spec(Command::spool).actions;
  ASSERT_EQ(actions.size(), 4u);
  const SpoolAction in_order[] = {SpoolAction::list, SpoolAction::show, SpoolAction::drop,
                                  SpoolAction::retry};
  for (std::size_t i = 0; i < actions.size(); ++i) {
    auto parsed = parse_options({"spool", std::string(actions[i])});
    ASSERT_TRUE(parsed) << actions[i];
    EXPECT_EQ(parsed->spool().action, in_order[i]) << actions[i];
  }
  const auto discover = command_spec(Command::discover);
  EXPECT_EQ(discover.name, std::string(discover.word) + " " + std::string(discover.actions[0]));
  auto typo = parse_options({"spool", "dorp"});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("did you mean 'drop'?"), std::string::npos);
}

}  // namespace
}  // namespace notify::cli
