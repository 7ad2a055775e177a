// The command line as data: the optional values that must be attached with
// '=' (--code=LANG, --stream=SECONDS) and the checks between options.

#include <gtest/gtest.h>

#include "cli/options.hpp"

namespace notify::cli {
namespace {

Result<CliOptions> parse(std::vector<std::string> args) { return parse_options(args); }

TEST(OptionsTest, StreamAloneDefaultsTo5AndDoesNotEatTheTarget) {
  auto o = parse({"--stream", "ops"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->send().stream_s, 5);
  EXPECT_EQ(o->send().targets, "ops");
  EXPECT_TRUE(o->send().words.empty());
}

TEST(OptionsTest, StreamSecondsAttached) {
  auto o = parse({"ops", "--stream=30"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->send().stream_s, 30);
  EXPECT_FALSE(parse({"ops"})->send().stream_s);
}

TEST(OptionsTest, StreamSecondsOutOfRangeOrNotANumberNameWhatWasTyped) {
  for (const std::string bad : {"0", "3601", "abc", "-1", "5s", "99999"}) {
    auto o = parse({"--stream=" + bad, "ops"});
    ASSERT_FALSE(o) << bad;
    EXPECT_EQ(o.error().kind, ErrorKind::usage);
    EXPECT_NE(o.error().message.find("--stream=" + bad + ": SECONDS"), std::string::npos)
        << o.error().message;
  }
  auto empty = parse({"--stream=", "ops"});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("give SECONDS"), std::string::npos);
}

TEST(OptionsTest, EmptyCodeLanguageIsPlainCode) {
  auto o = parse({"--code=", "ops", "hi"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->send().code);
  EXPECT_EQ(o->send().code_lang, "");
  EXPECT_EQ(o->send().targets, "ops");
  EXPECT_EQ(o->send().words, std::vector<std::string>{"hi"});
}

TEST(OptionsTest, AfterDoubleDashNothingIsSplit) {
  auto o = parse({"run", "ops", "--", "echo", "--stream=5", "--code=x"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->run().argv, (std::vector<std::string>{"echo", "--stream=5", "--code=x"}));
  EXPECT_FALSE(o->send().stream_s);
}

TEST(OptionsTest, ConflictsAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--markdown", "--code", "ops"},
      {"--markdown", "--code=sh", "ops"},
      {"--stream", "ops", "some", "words"},
      {"--stream", "--file", "/etc/hostname", "ops"},
      {"run", "ops", "--markdown", "--", "true"},
      {"run", "ops", "--stream", "--", "true"},
      {"test", "ops", "--stream"},
  };
  for (const auto& args : bad) {
    auto o = parse(args);
    EXPECT_FALSE(o) << args[0] << " " << args[1];
    if (!o) {
      EXPECT_EQ(o.error().kind, ErrorKind::usage);
    }
  }
  auto ok = parse({"--markdown", "--stream=2", "ops"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->send().markdown);
}


TEST(OptionsTest, AlertKeysAndTheirChecks) {
  auto ok = parse({"--key", "disk", "--cooldown", "6h", "--resolve", "ops", "fixed"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->send().key, "disk");
  EXPECT_EQ(ok->send().cooldown_s, 6 * 3600);
  EXPECT_TRUE(ok->send().resolve);
  const std::vector<std::vector<std::string>> bad = {
      {"--cooldown", "1h", "ops", "x"},        // no key: never held back
      {"--resolve", "ops", "x"},               // no key: nothing to resolve
      {"--key", "", "ops", "x"},               // a key needs a name
      {"--key", "k", "--cooldown", "1w", "ops", "x"},
      {"--key", "k", "--stream", "ops"},      // a stream is many messages
      {"test", "ops", "--key", "k"},           // send's alone, for now
      {"run", "ops", "--resolve", "--", "true"},  // run resolves by itself
      {"run", "ops", "--after", "0", "--", "true"},
      {"run", "ops", "--after", "x", "--", "true"},
      {"send", "ops", "--after", "2", "x"},   // run's alone
  };
  for (const auto& args : bad) {
    auto o = parse(args);
    EXPECT_FALSE(o) << args[0] << " " << args[1];
    if (!o) {
      EXPECT_EQ(o.error().kind, ErrorKind::usage);
    }
  }
  // run keys itself: --cooldown needs no --key there; --after counts.
  auto run = parse({"run", "ops", "--cooldown", "1h", "--after", "3", "--", "backup"});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->run().send.key, "");
  EXPECT_EQ(run->run().send.cooldown_s, 3600);
  EXPECT_EQ(run->run().after, 3);
  auto keyed = parse({"run", "ops", "--key", "nightly", "--", "backup"});
  ASSERT_TRUE(keyed) << keyed.error().message;
  EXPECT_EQ(keyed->run().send.key, "nightly");
  EXPECT_EQ(keyed->run().after, 1);
  auto unreadable = parse({"--key", "k", "--cooldown", "1w", "ops", "x"});
  ASSERT_FALSE(unreadable);
  EXPECT_NE(unreadable.error().message.find("'1w'"), std::string::npos);
}

TEST(OptionsTest, ACommandIsRecognisedOnlyAsTheFirstOperand) {
  auto o = parse({"ops", "deploy", "test", "passed"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->command, Command::send);
  EXPECT_EQ(o->send().targets, "ops");
  EXPECT_EQ(o->send().words, (std::vector<std::string>{"deploy", "test", "passed"}));
  for (const std::string word : {"list", "check", "test", "flush", "spool", "setup", "run",
                                 "telegram", "help", "send"}) {
    auto w = parse({"ops", word, "x"});
    ASSERT_TRUE(w) << word << ": " << w.error().message;
    EXPECT_EQ(w->command, Command::send) << word;
    EXPECT_EQ(w->send().words, (std::vector<std::string>{word, "x"}));
  }
  auto first = parse({"-c", "p.toml", "--json", "list"});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->command, Command::list);
  EXPECT_EQ(first->config, "p.toml");
}

TEST(OptionsTest, SendIsTheExplicitForm) {
  auto o = parse({"send", "list", "hello", "--title", "T"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->command, Command::send);
  EXPECT_EQ(o->send().targets, "list");
  EXPECT_EQ(o->send().words, std::vector<std::string>{"hello"});
  EXPECT_EQ(o->send().title, "T");
  EXPECT_FALSE(parse({"send"}));
}

TEST(OptionsTest, OptionsAnywhereBeforeDoubleDashAfterItText) {
  auto o = parse({"ops", "disk", "-t", "T", "full", "--", "-x", "--json"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->send().title, "T");
  EXPECT_FALSE(o->json);
  EXPECT_EQ(o->send().words, (std::vector<std::string>{"disk", "full", "-x", "--json"}));
  // A value that looks like a command or an option is still the value.
  auto v = parse({"--title", "list", "ops"});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->command, Command::send);
  EXPECT_EQ(v->send().title, "list");
  auto text = parse({"ops", "-5 degrees"});
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->send().words, std::vector<std::string>{"-5 degrees"});
}

TEST(OptionsTest, UnknownOptionAmongWordsSaysHowToSendIt) {
  auto o = parse({"ops", "temperature", "-5"});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().kind, ErrorKind::usage);
  EXPECT_NE(o.error().message.find("after '--'"), std::string::npos) << o.error().message;
  EXPECT_NE(o.error().message.find("quote"), std::string::npos);
  auto near = parse({"ops", "--titel", "x"});
  ASSERT_FALSE(near);
  EXPECT_NE(near.error().message.find("did you mean '--title'?"), std::string::npos)
      << near.error().message;
}

TEST(OptionsTest, HelpForEveryCommandBothWays) {
  for (const std::string c : {"list", "check", "test", "flush", "spool", "setup", "run"}) {
    auto by_option = parse({c, "--help"});
    auto by_command = parse({"help", c});
    ASSERT_TRUE(by_option && by_command) << c;
    EXPECT_EQ(by_option->command, Command::help);
    EXPECT_EQ(by_command->command, Command::help);
    EXPECT_EQ(by_option->help().text, by_command->help().text) << c;
  }
  auto telegram = parse({"telegram", "--help"});
  ASSERT_TRUE(telegram) << telegram.error().message;
  EXPECT_NE(telegram->help().text.find("telegram discover"), std::string::npos);
  EXPECT_EQ(parse({"help"})->help().text, parse({"--help"})->help().text);
  EXPECT_EQ(parse({"ops", "--help"})->help().text, parse({"--help"})->help().text);
  EXPECT_FALSE(parse({"help", "nothing"}));
  EXPECT_FALSE(parse({"help", "list", "check"}));
}

TEST(OptionsTest, ExtraOperandsAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"list", "extra"}, {"check", "this"},      {"setup", "a", "b", "c"},
      {"test", "a", "b"}, {"flush", "a", "b"},   {"telegram", "discover", "x"},
      {"telegram"},       {"telegram", "disco"}, {"test"}};
  for (const auto& args : bad) {
    auto o = parse(args);
    ASSERT_FALSE(o) << args[0] << " " << args.size();
    EXPECT_EQ(o.error().kind, ErrorKind::usage);
  }
  auto setup = parse({"setup", "--type", "discord", "--", "-dash"});
  ASSERT_TRUE(setup) << setup.error().message;
  EXPECT_EQ(setup->setup().profile, "-dash");
  EXPECT_EQ(setup->setup().answers, (std::vector<std::pair<std::string, std::string>>{{"type", "discord"}}));
}

TEST(OptionsTest, BadValuesInNotifysWords) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--timeout", "abc", "ops"}, {"--timeout", "0", "ops"}, {"--retries", "101", "ops"},
           {"--max-parts", "-1", "ops"}, {"run", "ops", "--on", "x", "--", "true"},
           {"ops", "--title"}, {"--json=1", "ops"}}) {
    auto o = parse(args);
    ASSERT_FALSE(o) << args[0] << " " << args[1];
    for (const char* cli11 : {"not in range", "Value", "Expected", "Could not convert",
                              "not expected", "required"})
      EXPECT_EQ(o.error().message.find(cli11), std::string::npos) << o.error().message;
  }
  auto ok = parse({"--timeout", "30", "--retries", "0", "--max-parts", "3", "ops"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->send().timeout_s, 30);
  EXPECT_EQ(ok->send().retries, 0);
  EXPECT_EQ(ok->send().max_parts, 3);
}

TEST(OptionsTest, OptionsOfOneCommandOnly) {
  EXPECT_FALSE(parse({"list", "--title", "x"}));
  EXPECT_FALSE(parse({"setup", "x", "--markdown"}));
  EXPECT_FALSE(parse({"ops", "--force"}));
  auto list = parse({"list", "--names", "--json"});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_TRUE(list->list().names);
  auto files = parse({"ops", "--file", "a", "--file", "b", "hi"});
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->send().files, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(files->send().words, std::vector<std::string>{"hi"});
  auto twice = parse({"-t", "a", "-t", "b", "ops"});
  ASSERT_TRUE(twice) << twice.error().message;
  EXPECT_EQ(twice->send().title, "b");
  auto combined = parse({"-vt", "T", "ops"});
  EXPECT_FALSE(combined);  // -t takes a value: it cannot sit in a bundle
}

TEST(OptionsTest, SpoolActionsAndRun) {
  auto drop = parse({"spool", "drop", "id1", "id2"});
  ASSERT_TRUE(drop) << drop.error().message;
  EXPECT_EQ(drop->command, Command::spool);
  EXPECT_EQ(drop->spool().action, SpoolAction::drop);
  EXPECT_EQ(drop->spool().ids, (std::vector<std::string>{"id1", "id2"}));
  auto failed = parse({"spool", "retry", "--failed"});
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_TRUE(failed->spool().failed);
  auto all = parse({"spool", "drop", "--all"});
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->spool().all);
  EXPECT_EQ(parse({"spool"})->spool().action, SpoolAction::list);
  EXPECT_FALSE(parse({"spool", "dorp"}));
  auto run = parse({"run", "ops", "--on", "always", "--", "make", "-j2"});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->run().on, "always");
  EXPECT_EQ(run->run().argv, (std::vector<std::string>{"make", "-j2"}));
}

}  // namespace
}  // namespace notify::cli

namespace notify::cli {
namespace {

// The everyday shape skips CLI11 (options.cpp plain_send); it must read
// exactly as the full parser would, and hand anything else to it.
TEST(OptionsPlainSendTest, reads_like_the_full_parser) {
  auto o = parse_options({"-c", "/tmp/p.toml", "ops", "disk", "-", "full"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->command, Command::send);
  EXPECT_EQ(o->config, "/tmp/p.toml");
  EXPECT_EQ(o->send().targets, "ops");
  EXPECT_EQ(o->send().words, (std::vector<std::string>{"disk", "-", "full"}));
  auto last = parse_options({"--config", "a", "ops", "-c", "b", "x"});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->config, "b");  // the last of a repeated option wins, as in the full parser
  EXPECT_EQ(last->send().words, std::vector<std::string>{"x"});
  // A command name first, another option, `--` or a missing target: the full parser.
  EXPECT_EQ(parse_options({"list"})->command, Command::list);
  EXPECT_EQ(parse_options({"ops", "-t", "T", "x"})->send().title, "T");
  EXPECT_EQ(parse_options({"ops", "--", "-x"})->send().words, std::vector<std::string>{"-x"});
  EXPECT_FALSE(parse_options({"-c", "p.toml"}));
  EXPECT_FALSE(parse_options({"ops", "--bogus"}));
}

}  // namespace
}  // namespace notify::cli
