#include "message/sanitize.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text_testutil.hpp"

namespace notify::message {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string chunked(std::string_view raw, std::size_t step) {
  Sanitizer s;
  std::string out;
  for (std::size_t i = 0; i < raw.size(); i += step) s.feed(raw.substr(i, step), out);
  s.finish(out);
  return out;
}

TEST(SanitizeTest, PlainTextUnchanged) {
  EXPECT_EQ(sanitize(""), "");
  EXPECT_EQ(sanitize("hello world\n"), "hello world\n");
  EXPECT_EQ(sanitize("tab\there\nnext"), "tab\there\nnext");
  EXPECT_EQ(sanitize("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80");
}

TEST(SanitizeTest, NulBecomesReplacement) {
  EXPECT_EQ(sanitize(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(sanitize(std::string("\0", 1)), kFffd);
}

TEST(SanitizeTest, InvalidBytes) {
  EXPECT_EQ(sanitize("\xFF"), kFffd);
  EXPECT_EQ(sanitize("a\x80z"), "a" + kFffd + "z");
  EXPECT_EQ(sanitize("\xF5\xF6\xF7\xF8"), kFffd + kFffd + kFffd + kFffd);
}

TEST(SanitizeTest, OverlongsSurrogatesAndTooLarge) {
  // Overlong '/': C0 is never a lead, AF a stray continuation.
  EXPECT_EQ(sanitize("\xC0\xAF"), kFffd + kFffd);
  EXPECT_EQ(sanitize("\xE0\x80\xAF"), kFffd + kFffd + kFffd);
  EXPECT_EQ(sanitize("\xF0\x80\x80\xAF"), kFffd + kFffd + kFffd + kFffd);
  // UTF-8 encoded surrogate U+D800.
  EXPECT_EQ(sanitize("\xED\xA0\x80"), kFffd + kFffd + kFffd);
  // U+110000.
  EXPECT_EQ(sanitize("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  // Largest valid ones survive.
  EXPECT_EQ(sanitize("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(sanitize("\xED\x9F\xBF"), "\xED\x9F\xBF");
}

TEST(SanitizeTest, TruncatedSequences) {
  // A valid prefix cut short is one U+FFFD (maximal subpart).
  EXPECT_EQ(sanitize("ab\xE2\x82"), "ab" + kFffd);
  EXPECT_EQ(sanitize("ab\xF0\x9F\x98"), "ab" + kFffd);
  EXPECT_EQ(sanitize("\xE2\x82z"), kFffd + "z");
  EXPECT_EQ(sanitize("\xE2\x82\xE2\x82\xAC"), kFffd + "\xE2\x82\xAC");
  EXPECT_EQ(sanitize("\xC3\n"), kFffd + "\n");
}

TEST(SanitizeTest, AnsiColoursRemoved) {
  EXPECT_EQ(sanitize("\x1b[31mred\x1b[0m plain"), "red plain");
  EXPECT_EQ(sanitize("\x1b[1;38;5;196mX\x1b[m\n"), "X\n");
  EXPECT_EQ(sanitize("\x1b[?25lhidden cursor\x1b[?25h"), "hidden cursor");
  EXPECT_EQ(sanitize("a\x1b[2Kb"), "ab");
}

TEST(SanitizeTest, OscAndStringsRemoved) {
  EXPECT_EQ(sanitize("\x1b]0;window title\x07text"), "text");
  EXPECT_EQ(sanitize("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ after"), "link after");
  EXPECT_EQ(sanitize("\x1bPdevice control\x1b\\x"), "x");
  // An unterminated OSC ends at the newline instead of eating everything.
  EXPECT_EQ(sanitize("\x1b]0;broken\nnext line\n"), "\nnext line\n");
  // ESC inside a string that is not ST starts a new escape.
  EXPECT_EQ(sanitize("\x1b]0;t\x1b[31mred"), "red");
}

TEST(SanitizeTest, OtherEscapesRemoved) {
  EXPECT_EQ(sanitize("\x1b(Bx\x1b=y\x1b" "7z\x1b" "8"), "xyz");
  EXPECT_EQ(sanitize("\x1b\x1b[1mx"), "x");
  // ESC followed by a byte that cannot continue it: ESC goes, the byte stays.
  EXPECT_EQ(sanitize("\x1b\nx"), "\nx");
  // A malformed CSI ends at the first byte that cannot belong to it.
  EXPECT_EQ(sanitize("\x1b[12\nx"), "\nx");
  EXPECT_EQ(sanitize("\x1b[12\xC3\xA9x"), "\xC3\xA9x");
}

TEST(SanitizeTest, EightBitControls) {
  EXPECT_EQ(sanitize("\xC2\x9B" "31mred"), "red");
  EXPECT_EQ(sanitize("\xC2\x9D" "0;title\x07text"), "text");
  EXPECT_EQ(sanitize("a\xC2\x85" "b"), "ab");  // NEL: invisible, dropped
  EXPECT_EQ(sanitize("\xC2\xA0"), "\xC2\xA0");  // NBSP is not a control
}

TEST(SanitizeTest, CarriageReturnRedraw) {
  EXPECT_EQ(sanitize("10%\r50%\r100%\n"), "100%\n");
  EXPECT_EQ(sanitize("downloading 10%\rdone\nnext\n"), "done\nnext\n");
  EXPECT_EQ(sanitize("a\r\nb\r\n"), "a\nb\n");
  EXPECT_EQ(sanitize("abc\r"), "abc");
  EXPECT_EQ(sanitize("abc\r\r\n"), "abc\n");
  EXPECT_EQ(sanitize("old\r\x1b[Knew\n"), "new\n");
  EXPECT_EQ(sanitize("keep\nold\rnew"), "keep\nnew");
  EXPECT_EQ(sanitize("x\r\t"), "\t");
}

TEST(SanitizeTest, ControlsDropped) {
  EXPECT_EQ(sanitize("\x07" "bell\x08\x7f\x01x\x0b\x0c"), "bellx");
  EXPECT_EQ(sanitize("a\tb"), "a\tb");
}

TEST(SanitizeTest, ChunkedFeedingMatchesOneShot) {
  const std::vector<std::string> pieces = {
      "plain ", "text", "\n", "\r", "\r\n", "\t", std::string(1, '\0'), "\x1b[31m", "\x1b[0m",
      "\x1b]0;title\x07", "\x1b]8;;u\x1b\\", "\x1b(B", "\x1b", "[", "]", "\xC2\x9B" "1m",
      "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xE2\x82", "\xF0\x9F", "\xC0\xAF",
      "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80", "\x7f", "\x07", "10%\r", "\xC2\x85"};
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 500; ++iter) {
    std::string raw;
    const int n = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int k = 0; k < n; ++k) {
      raw += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    }
    const std::string one = sanitize(raw);
    ASSERT_TRUE(testing::valid_utf8(one)) << ::testing::PrintToString(raw);
    for (char c : one) {
      const auto b = static_cast<unsigned char>(c);
      ASSERT_TRUE(b >= 0x20 || c == '\n' || c == '\t') << ::testing::PrintToString(raw);
      ASSERT_NE(b, 0x7f);
    }
    ASSERT_EQ(chunked(raw, 1), one) << ::testing::PrintToString(raw);
    ASSERT_EQ(chunked(raw, 2), one) << ::testing::PrintToString(raw);
    ASSERT_EQ(chunked(raw, 7), one) << ::testing::PrintToString(raw);
    // Random chunk sizes, and a caller that consumes `out` between feeds.
    Sanitizer s;
    std::string all;
    std::string out;
    for (std::size_t i = 0; i < raw.size();) {
      const std::size_t step = std::uniform_int_distribution<std::size_t>(1, 9)(rng);
      s.feed(std::string_view(raw).substr(i, step), out);
      all += out;
      out.clear();
      i += step;
    }
    s.finish(out);
    all += out;
    ASSERT_EQ(all, one) << ::testing::PrintToString(raw);
  }
}

TEST(SanitizeTest, RandomBytesNeverBreakIt) {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int iter = 0; iter < 300; ++iter) {
    std::string raw(std::size_t(std::uniform_int_distribution<int>(0, 300)(rng)), '\0');
    for (char& c : raw) c = char(byte(rng));
    const std::string one = sanitize(raw);
    ASSERT_TRUE(testing::valid_utf8(one));
    ASSERT_EQ(chunked(raw, 1), one);
    ASSERT_EQ(chunked(raw, 5), one);
  }
}

TEST(SanitizeTest, ReusableAfterFinish) {
  Sanitizer s;
  std::string out;
  s.feed("\x1b]0;unterminated \xE2\x82", out);
  s.finish(out);
  out.clear();
  s.feed("fresh\n", out);
  s.finish(out);
  EXPECT_EQ(out, "fresh\n");
}

TEST(SanitizeTest, LongLineWithoutNewlineIsPassedOn) {
  Sanitizer s;
  std::string out;
  const std::string big(200 * 1024, 'x');
  s.feed(big, out);
  EXPECT_EQ(out.size(), big.size());  // not held back past the cap
  s.finish(out);
  EXPECT_EQ(out, big);
}

TEST(SanitizeBlankTest, WhitespaceOnly) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\n\r\n  "));
  EXPECT_TRUE(is_blank("\xC2\xA0\xE3\x80\x80"));  // NBSP, ideographic space
  EXPECT_FALSE(is_blank(" x "));
  EXPECT_FALSE(is_blank("\xEF\xBF\xBD"));
  EXPECT_FALSE(is_blank("\xE2\x80\x8B"));  // ZWSP is not White_Space
  EXPECT_FALSE(is_blank("\xFF"));
}

}  // namespace
}  // namespace notify::message
