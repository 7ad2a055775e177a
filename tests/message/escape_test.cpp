#include "message/escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace notify::message {
namespace {

const std::string Z = "\xE2\x80\x8B";  // U+200B

TEST(EscapeTest, ShortRunsUntouched) {
  EXPECT_EQ(break_fences(""), "");
  EXPECT_EQ(break_fences("use `x` or ``y``"), "use `x` or ``y``");
}

TEST(EscapeTest, FencesBroken) {
  EXPECT_EQ(break_fences("```"), "``" + Z + "`");
  EXPECT_EQ(break_fences("````"), "``" + Z + "``");
  EXPECT_EQ(break_fences("`````"), "``" + Z + "``" + Z + "`");
  EXPECT_EQ(break_fences("``````"), "``" + Z + "``" + Z + "``");
  EXPECT_EQ(break_fences("a\n```cpp\ncode\n```\nb"),
            "a\n``" + Z + "`cpp\ncode\n``" + Z + "`\nb");
  // No three backticks are ever adjacent afterwards.
  for (std::size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(break_fences(std::string(n, '`')).find("```"), std::string::npos);
  }
}

TEST(EscapeTest, MentionsNeutralized) {
  EXPECT_EQ(neutralize_mentions("@channel"), "@" + Z + "channel");
  EXPECT_EQ(neutralize_mentions("hey @ALL, look"), "hey @" + Z + "ALL, look");
  EXPECT_EQ(neutralize_mentions("(@Here)"), "(@" + Z + "Here)");
  EXPECT_EQ(neutralize_mentions("@here."), "@" + Z + "here.");
  EXPECT_EQ(neutralize_mentions("@@here"), "@@" + Z + "here");
  EXPECT_EQ(neutralize_mentions("@all\n@channel"), "@" + Z + "all\n@" + Z + "channel");
}

TEST(EscapeTest, OtherMentionsAndWordsUntouched) {
  EXPECT_EQ(neutralize_mentions("@alice @channels @here_ @all2"),
            "@alice @channels @here_ @all2");
  EXPECT_EQ(neutralize_mentions("mail me at bob@here"), "mail me at bob@here");
  EXPECT_EQ(neutralize_mentions("@ here @"), "@ here @");
  EXPECT_EQ(neutralize_mentions(""), "");
}

TEST(EscapeTest, Utf16Length) {
  EXPECT_EQ(utf16_length("a\xF0\x9F\x8D\x8E\xC3\xA9"), 4u);
}

}  // namespace
}  // namespace notify::message
