#include "message/input.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>

#include "message/sanitize.hpp"
#include "message/split.hpp"
#include "text_testutil.hpp"

namespace notify::message {
namespace {

std::string feed_in_chunks(BoundedText& b, std::string_view raw, std::size_t step) {
  for (std::size_t i = 0; i < raw.size(); i += step) b.feed(raw.substr(i, step));
  return b.finish();
}

std::size_t code_points(std::string_view s) {
  return std::size_t(std::count_if(s.begin(), s.end(),
                                   [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Checks a finished result against the sanitised input: head is a prefix,
// tail a suffix, both cut at cluster boundaries, the note stands where the
// gap was (a newline after it exactly when the gap ended with one), its
// numbers and the accessors match what is really missing, and the halves
// stay within the budget of code points.
void check_result(const std::string& clean, const std::string& result, const BoundedText& b,
                  std::size_t budget) {
  SCOPED_TRACE("budget " + std::to_string(budget) + " input " + ::testing::PrintToString(clean));
  ASSERT_TRUE(testing::valid_utf8(result));
  EXPECT_EQ(b.total_bytes(), clean.size());
  if (code_points(clean) <= budget) {
    EXPECT_EQ(result, clean);
    EXPECT_EQ(b.omitted_bytes(), 0u);
    return;
  }
  const std::size_t note = result.find("[... ");
  ASSERT_NE(note, std::string::npos);
  const std::size_t note_end = result.find(" omitted ...]", note) + 13;
  const std::string head = result.substr(0, note);
  std::string tail = result.substr(note_end);
  ASSERT_LE(head.size() + b.omitted_bytes(), clean.size());
  const std::string middle = clean.substr(head.size(), std::size_t(b.omitted_bytes()));
  ASSERT_FALSE(middle.empty());
  if (middle.back() == '\n' && !tail.empty()) {
    ASSERT_EQ(tail.front(), '\n');
    tail.erase(0, 1);
  } else if (!tail.empty()) {
    EXPECT_NE(tail.front(), '\n');
  }
  ASSERT_EQ(head.size() + middle.size() + tail.size(), clean.size());
  ASSERT_EQ(clean.compare(0, head.size(), head), 0);
  ASSERT_EQ(clean.compare(clean.size() - tail.size(), tail.size(), tail), 0);
  EXPECT_TRUE(is_grapheme_boundary(clean, head.size()));
  EXPECT_TRUE(is_grapheme_boundary(clean, head.size() + middle.size()));
  EXPECT_LE(code_points(head), budget / 2);
  EXPECT_LE(code_points(tail), budget - budget / 2);
  const std::size_t lines =
      std::size_t(std::count(middle.begin(), middle.end(), '\n')) + (middle.back() != '\n');
  EXPECT_EQ(b.omitted_lines(), lines);
  EXPECT_EQ(result.substr(note, note_end - note),
            "[... " + std::to_string(lines) + " lines (" + std::to_string(middle.size()) +
                " bytes) omitted ...]");
}

TEST(BoundedTextTest, SmallInputKeptWhole) {
  BoundedText b(100);
  EXPECT_EQ(feed_in_chunks(b, "hello\n\x1b[31mworld\x1b[0m\n", 3), "hello\nworld\n");
  EXPECT_EQ(b.omitted_bytes(), 0u);
  BoundedText exact(6);
  EXPECT_EQ(feed_in_chunks(exact, "abcdef", 1), "abcdef");
  BoundedText empty(10);
  EXPECT_EQ(empty.finish(), "");
}

TEST(BoundedTextTest, CutsAtLinesAndCountsExactly) {
  std::string raw;
  for (int i = 0; i < 100; ++i) {
    // Appends, not operator+: GCC 12 warns falsely (-Wrestrict) on the latter.
    raw += 'l';
    if (i < 10) raw += '0';
    raw += std::to_string(i);
    raw += '\n';
  }
  BoundedText b(20);
  const std::string out = feed_in_chunks(b, raw, 7);
  EXPECT_EQ(out, "l00\nl01\n[... 96 lines (384 bytes) omitted ...]\nl98\nl99\n");
  EXPECT_EQ(b.omitted_lines(), 96u);
  EXPECT_EQ(b.omitted_bytes(), 384u);
  EXPECT_EQ(b.total_bytes(), 400u);
  EXPECT_EQ(b.raw_bytes(), 400u);
}

TEST(BoundedTextTest, ZeroBudgetKeepsOnlyTheNote) {
  BoundedText b(0);
  b.feed("a\nb\nc");
  EXPECT_EQ(b.finish(), "[... 3 lines (5 bytes) omitted ...]");
}

TEST(BoundedTextTest, CountsDenseNewlines) {
  // Nothing but newlines: every dropped byte is a line.
  const std::string raw(100000, '\n');
  BoundedText b(1000);
  const std::string out = feed_in_chunks(b, raw, 4096);
  EXPECT_EQ(b.omitted_lines(), 99000u);
  EXPECT_EQ(b.omitted_bytes(), 99000u);
  EXPECT_EQ(out, std::string(500, '\n') + "[... 99000 lines (99000 bytes) omitted ...]\n" +
                     std::string(500, '\n'));
}

TEST(BoundedTextTest, NeverCutsInsideUtf8) {
  std::string raw;
  for (int i = 0; i < 50; ++i) raw += "\xE4\xB8\xAD\xF0\x9F\x98\x80\xC3\xA9";  // no newlines
  for (std::size_t budget = 1; budget < 40; ++budget) {
    BoundedText b(budget);
    const std::string out = feed_in_chunks(b, raw, 5);
    ASSERT_NO_FATAL_FAILURE(check_result(raw, out, b, budget));
  }
}

TEST(BoundedTextTest, RandomInputsKeepInvariants) {
  // Clusters to tear: a family (ZWJ sequence), a flag, e + combining acute.
  const std::string pieces[] = {"x", "word ", "\n", "\n\n", "\xC3\xA9", "\xE4\xB8\xAD",
                                "\xF0\x9F\x98\x80", "\x1b[1m", "\r", "\xFF", std::string(1, '\0'),
                                "a long line of text without a break in it", "\t",
                                "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
                                "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", "e\xCC\x81"};
  std::mt19937 rng(4242);
  for (int iter = 0; iter < 800; ++iter) {
    std::string raw;
    const int n = std::uniform_int_distribution<int>(0, 80)(rng);
    for (int k = 0; k < n; ++k) raw += pieces[std::uniform_int_distribution<int>(0, 15)(rng)];
    const std::size_t budget = std::uniform_int_distribution<std::size_t>(0, 120)(rng);
    const std::size_t step = std::uniform_int_distribution<std::size_t>(1, 17)(rng);
    BoundedText b(budget);
    const std::string out = feed_in_chunks(b, raw, step);
    ASSERT_NO_FATAL_FAILURE(check_result(sanitize(raw), out, b, budget));
  }
}

TEST(BoundedTextTest, HugeInputKeepsTheTailExactly) {
  // 24 MiB of numbered lines in 1 MiB chunks: many times the tail window and
  // the 1 MiB of dead bytes it drops at once, so every path of the window is
  // taken (a larger input takes the same paths, only more often). Only the
  // last two chunks are remembered here, the tail must be their exact suffix.
  constexpr std::size_t kBudget = 160 * 1024;
  constexpr std::size_t kChunk = 1 << 20;
  constexpr std::size_t kTotal = 24u << 20;
  BoundedText b(kBudget);
  std::string previous;
  std::string chunk;
  std::string first;
  std::uint64_t line_no = 0;
  std::uint64_t lines = 0;
  std::size_t fed = 0;
  char buf[64];
  while (fed < kTotal) {
    previous.swap(chunk);
    chunk.clear();
    while (chunk.size() < kChunk) {
      const int len = std::snprintf(buf, sizeof buf, "line %012llu: some log text\n",
                                    static_cast<unsigned long long>(line_no++));
      chunk.append(buf, std::size_t(len));
      ++lines;
    }
    if (first.empty()) first = chunk;
    b.feed(chunk);
    fed += chunk.size();
  }
  const std::string out = b.finish();
  EXPECT_EQ(b.total_bytes(), fed);
  const std::string recent = previous + chunk;
  const std::size_t note = out.find("[... ");
  ASSERT_NE(note, std::string::npos);
  const std::string head = out.substr(0, note);
  const std::size_t tail_at = out.find('\n', note) + 1;
  const std::string tail = out.substr(tail_at);
  EXPECT_EQ(first.compare(0, head.size(), head), 0);
  ASSERT_LE(tail.size(), recent.size());
  EXPECT_EQ(recent.compare(recent.size() - tail.size(), tail.size(), tail), 0);
  EXPECT_GE(tail.size(), kBudget / 2 - 64);  // whole lines, so at most one lost
  EXPECT_GE(head.size(), kBudget / 2 - 64);
  EXPECT_EQ(tail.back(), '\n');
  EXPECT_EQ(b.omitted_bytes(), fed - head.size() - tail.size());
  const auto kept_lines = std::uint64_t(std::count(head.begin(), head.end(), '\n') +
                                        std::count(tail.begin(), tail.end(), '\n'));
  EXPECT_EQ(b.omitted_lines(), lines - kept_lines);
}

}  // namespace
}  // namespace notify::message
