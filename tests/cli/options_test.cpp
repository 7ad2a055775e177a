// The command line as data: the optional values that must be attached with
// '=' (--code=LANG, --stream=SECONDS) and the checks between options.

#include <gtest/gtest.h>

#include "cli/options.hpp"

namespace notify::cli {
namespace {

Result<CliOptions> parse(std::vector<std::string> args) { return parse_options(args); }

TEST(Options, StreamAloneDefaultsTo5AndDoesNotEatTheTarget) {
  auto o = parse({"--stream", "ops"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->stream_s, 5);
  EXPECT_EQ(o->targets, "ops");
  EXPECT_TRUE(o->words.empty());
}

TEST(Options, StreamSecondsAttached) {
  auto o = parse({"ops", "--stream=30"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->stream_s, 30);
  EXPECT_FALSE(parse({"ops"})->stream_s);
}

TEST(Options, StreamSecondsOutOfRangeOrNotANumberNameWhatWasTyped) {
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

TEST(Options, EmptyCodeLanguageIsPlainCode) {
  auto o = parse({"--code=", "ops", "hi"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->code);
  EXPECT_EQ(o->code_lang, "");
  EXPECT_EQ(o->targets, "ops");
  EXPECT_EQ(o->words, std::vector<std::string>{"hi"});
}

TEST(Options, AfterDoubleDashNothingIsSplit) {
  auto o = parse({"run", "ops", "--", "echo", "--stream=5", "--code=x"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->run_argv, (std::vector<std::string>{"echo", "--stream=5", "--code=x"}));
  EXPECT_FALSE(o->stream_s);
}

TEST(Options, ConflictsAreUsageErrors) {
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
  EXPECT_TRUE(ok->markdown);
}

}  // namespace
}  // namespace notify::cli
