#include "message/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "text_testutil.hpp"

namespace notify::message {
namespace {

using testing::count_units;
using testing::valid_utf8;

// Length in a unit, counted without the code under test.
std::size_t units_in(std::string_view s, Unit unit) {
  return unit == Unit::bytes ? s.size() : count_units(s, unit == Unit::utf16);
}

bool is_break_char(char c) { return c == '\n' || c == ' ' || c == '\t'; }

// Finds where each part sits in the input, allowing exactly one dropped
// break character between parts (or after the last one). Returns the start
// offsets, or nothing when the parts do not re-join to the input.
std::optional<std::vector<std::size_t>> locate(std::string_view in,
                                               const std::vector<std::string>& parts,
                                               std::size_t i = 0, std::size_t pos = 0) {
  if (i == parts.size()) {
    if (pos == in.size() || (pos + 1 == in.size() && is_break_char(in[pos]) && i > 0)) {
      return std::vector<std::size_t>();
    }
    return std::nullopt;
  }
  auto try_at = [&](std::size_t at) -> std::optional<std::vector<std::size_t>> {
    if (in.compare(at, parts[i].size(), parts[i]) != 0) return std::nullopt;
    auto rest = locate(in, parts, i + 1, at + parts[i].size());
    if (rest) rest->insert(rest->begin(), at);
    return rest;
  };
  if (auto r = try_at(pos)) return r;
  if (i > 0 && pos < in.size() && is_break_char(in[pos])) return try_at(pos + 1);
  return std::nullopt;
}

// Units of the cluster around `at` (a cut inside one longer than the limit
// is allowed).
std::size_t cluster_units_around(std::string_view in, std::size_t at, Unit unit) {
  std::size_t lo = at;
  while (lo > 0 && !is_grapheme_boundary(in, lo)) --lo;
  std::size_t hi = at;
  while (hi < in.size() && !is_grapheme_boundary(in, hi)) ++hi;
  if (lo == at && hi == at) return 0;
  return units_in(in.substr(lo, hi - lo), unit);
}

void check_split(const std::string& in, std::size_t limit, Unit unit) {
  const auto parts = split(in, limit, unit);
  SCOPED_TRACE(::testing::PrintToString(in) + " limit " + std::to_string(limit) +
               (unit == Unit::utf16 ? " utf16" : unit == Unit::bytes ? " bytes" : " cp"));
  if (in.empty()) {
    ASSERT_TRUE(parts.empty());
  }
  for (const auto& p : parts) {
    ASSERT_FALSE(p.empty());
    ASSERT_TRUE(valid_utf8(p));
    ASSERT_LE(units_in(p, unit), limit);
    ASSERT_EQ(length_in(p, unit), units_in(p, unit));
  }
  const auto starts = locate(in, parts);
  ASSERT_TRUE(starts.has_value()) << "parts do not re-join to the input";
  std::size_t kept = 0;
  for (const auto& p : parts) kept += p.size();
  ASSERT_LE(in.size() - kept, parts.size());  // at most one dropped char per cut
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t begin = (*starts)[i];
    const std::size_t end = begin + parts[i].size();
    for (const std::size_t at : {begin, end}) {
      // Independent of is_grapheme_boundary for the common cases: no part
      // ends in a ZWJ or starts with a combining acute, VS16 or skin tone
      // (unless a control is on the other side).
      const bool obviously_torn =
          (at == end && end >= 3 && in.compare(end - 3, 3, "\xE2\x80\x8D") == 0 && end < in.size() &&
           static_cast<unsigned char>(in[end]) >= 0x20) ||
          (at > 0 && at < in.size() && static_cast<unsigned char>(in[at - 1]) >= 0x20 &&
           (in.compare(at, 2, "\xCC\x81") == 0 || in.compare(at, 3, "\xEF\xB8\x8F") == 0 ||
            in.compare(at, 4, "\xF0\x9F\x8F\xBD") == 0));
      if (obviously_torn || !is_grapheme_boundary(in, at)) {
        ASSERT_GT(cluster_units_around(in, at, unit), limit)
            << "cluster split at byte " << at << " of part " << i;
      }
    }
    // A dropped character is a whole cluster of its own.
    if (i + 1 < parts.size() && (*starts)[i + 1] == end + 1) {
      ASSERT_TRUE(is_break_char(in[end]));
      ASSERT_TRUE(is_grapheme_boundary(in, end + 1));
    }
  }
}

TEST(SplitTest, LengthInUnits) {
  EXPECT_EQ(length_in("", Unit::code_points), 0u);
  EXPECT_EQ(length_in("abc", Unit::utf16), 3u);
  EXPECT_EQ(length_in("caf\xC3\xA9", Unit::code_points), 4u);
  EXPECT_EQ(length_in("\xF0\x9F\x8D\x8E", Unit::code_points), 1u);
  EXPECT_EQ(length_in("\xF0\x9F\x8D\x8E", Unit::utf16), 2u);
  EXPECT_EQ(length_in("\xE4\xB8\xAD\xF0\x9F\x98\x80x", Unit::utf16), 4u);
}

TEST(SplitTest, EmptyAndFitting) {
  EXPECT_TRUE(split("", 10, Unit::code_points).empty());
  EXPECT_EQ(split("hello", 5, Unit::code_points), std::vector<std::string>{"hello"});
  EXPECT_EQ(split("hello\n", 10, Unit::code_points), std::vector<std::string>{"hello\n"});
}

TEST(SplitTest, PrefersLastNewline) {
  EXPECT_EQ(split("aa\nbb cc\ndd ee", 10, Unit::code_points),
            (std::vector<std::string>{"aa\nbb cc", "dd ee"}));
  // A newline just past the limit still counts: it is dropped.
  EXPECT_EQ(split("abcde\nfgh", 5, Unit::code_points), (std::vector<std::string>{"abcde", "fgh"}));
  // Only the one newline at the cut is dropped.
  EXPECT_EQ(split("abc\n\nxyz", 4, Unit::code_points), (std::vector<std::string>{"abc\n", "xyz"}));
}

TEST(SplitTest, ThenLastSpace) {
  EXPECT_EQ(split("one two three", 9, Unit::code_points),
            (std::vector<std::string>{"one two", "three"}));
  EXPECT_EQ(split("one\ttwo", 5, Unit::code_points), (std::vector<std::string>{"one", "two"}));
}

TEST(SplitTest, ThenHardCut) {
  EXPECT_EQ(split("abcdefgh", 3, Unit::code_points),
            (std::vector<std::string>{"abc", "def", "gh"}));
}

TEST(SplitTest, NeverSplitsSurrogatePairs) {
  // Three apples are 6 UTF-16 units; 5 only fits two.
  const std::string apple = "\xF0\x9F\x8D\x8E";
  EXPECT_EQ(split(apple + apple + apple, 5, Unit::utf16),
            (std::vector<std::string>{apple + apple, apple}));
  EXPECT_EQ(split(apple + apple + apple, 5, Unit::code_points),
            (std::vector<std::string>{apple + apple + apple}));
  // Limit 1 cannot hold an astral character: it goes alone rather than hang.
  EXPECT_EQ(split(apple + "a", 1, Unit::utf16), (std::vector<std::string>{apple, "a"}));
}

TEST(SplitTest, KeepsClustersTogether) {
  const std::string e_acute = "e\xCC\x81";
  EXPECT_EQ(split("ab" + e_acute + "cd", 3, Unit::code_points),
            (std::vector<std::string>{"ab", e_acute + "c", "d"}));
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";  // 5 cps
  EXPECT_EQ(split("x" + family, 5, Unit::code_points),
            (std::vector<std::string>{"x", family}));
  const std::string jp = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";
  const std::string us = "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8";
  EXPECT_EQ(split(jp + us + jp, 3, Unit::code_points),
            (std::vector<std::string>{jp, us, jp}));
  // A space followed by a combining mark is one cluster: not a break point.
  const std::string parts_in = "ab \xCC\x81" "cd";
  const auto parts = split(parts_in, 4, Unit::code_points);
  EXPECT_EQ(parts, (std::vector<std::string>{"ab \xCC\x81", "cd"}));
}

TEST(SplitTest, OversizedClusterCutAtCodePoints) {
  std::string zalgo = "a";
  for (int i = 0; i < 9; ++i) zalgo += "\xCC\x81";
  const auto parts = split(zalgo, 4, Unit::code_points);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(length_in(parts[0], Unit::code_points), 4u);
  EXPECT_EQ(parts[0] + parts[1] + parts[2], zalgo);
}

TEST(SplitGraphemeTest, Boundaries) {
  const std::string ri3 = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5\xF0\x9F\x87\xBA";
  EXPECT_FALSE(is_grapheme_boundary(ri3, 4));
  EXPECT_TRUE(is_grapheme_boundary(ri3, 8));
  EXPECT_FALSE(is_grapheme_boundary(ri3, 2));  // inside a UTF-8 sequence
  EXPECT_FALSE(is_grapheme_boundary("a\r\nb", 2));
  EXPECT_TRUE(is_grapheme_boundary("a\r\nb", 3));
  EXPECT_FALSE(is_grapheme_boundary("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 4));  // skin tone
  EXPECT_FALSE(is_grapheme_boundary("\xE2\x9D\xA4\xEF\xB8\x8F", 3));          // VS16
  EXPECT_FALSE(is_grapheme_boundary("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 3));  // jamo L V
  EXPECT_FALSE(is_grapheme_boundary("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 6));  // V T
  EXPECT_FALSE(is_grapheme_boundary("\xE0\xA4\x95\xE0\xA5\x8D", 3));  // Devanagari virama
  EXPECT_FALSE(is_grapheme_boundary("\xE0\xB8\x97\xE0\xB8\xB5", 3));  // Thai vowel mark
  EXPECT_TRUE(is_grapheme_boundary("\n\xCC\x81", 1));  // nothing attaches to a newline
}

// Random text from pieces that stress every rule, split at random limits.
TEST(SplitTest, PropertiesOverRandomUnicode) {
  const std::vector<std::string> pieces = {
      "a", "b", "Z", "0", "word", " ", " ", "\t", "\n", "\n\n", "\xC3\xA9", "\xD0\x96",
      "\xE4\xB8\xAD", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF0\x9D\x90\x80",
      "e\xCC\x81", "\xCC\x81", "a\xCC\x81\xCC\x82\xCC\x83", " \xCC\x81",
      "\xE2\x80\x8D",                                                            // lone ZWJ
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // family
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                                        // thumbs + tone
      "\xE2\x9D\xA4\xEF\xB8\x8F",                                                // heart + VS16
      "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", "\xF0\x9F\x87\xBA",                    // flag, lone RI
      "\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xB3\xF3\xA0\x81\xA3"
      "\xF3\xA0\x81\xB4\xF3\xA0\x81\xBF",                                        // tag flag
      "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", "\xEA\xB0\x80",                    // Hangul
      "\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7\xE0\xA4\xBF",                        // Devanagari
      "\xE0\xB8\x97\xE0\xB8\xB5\xE0\xB9\x88",                                    // Thai
      "\xD7\xA9\xD6\xB8", "\xD8\xA8\xD9\x8E",                                    // Hebrew, Arabic
      "\r\n", "\xE8\x8A\xB1\xF3\xA0\x84\x80",                                    // + VS17
  };
  std::mt19937 rng(20240611);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string in;
    const int n = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int k = 0; k < n; ++k) {
      in += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    }
    const Unit unit = iter % 2 ? Unit::utf16 : Unit::code_points;
    const std::size_t limit = std::uniform_int_distribution<std::size_t>(2, 24)(rng);
    ASSERT_NO_FATAL_FAILURE(check_split(in, limit, unit));
  }
}

// ntfy counts bytes: a cut never falls inside a UTF-8 sequence or a
// cluster that fits, whatever the mix of 1- to 4-byte characters. Limits
// start at 4 so that every code point fits a part on its own.
TEST(SplitTest, BytesOverRandomUnicode) {
  const std::vector<std::string> pieces = {
      "a", "word", " ", "\n", "\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87", "\xF0\x9F\x98\x80",
      "e\xCC\x81", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
      "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", "\xE2\x9D\xA4\xEF\xB8\x8F", "\r\n", "\xEA\xB0\x80"};
  std::mt19937 rng(4096);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string in;
    const int n = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int k = 0; k < n; ++k) {
      in += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    }
    const std::size_t limit = std::uniform_int_distribution<std::size_t>(4, 40)(rng);
    ASSERT_NO_FATAL_FAILURE(check_split(in, limit, Unit::bytes));
  }
}

TEST(SplitTest, BytesCountUtf8AndCutBetweenCharacters) {
  EXPECT_EQ(length_in("caf\xC3\xA9", Unit::bytes), 5u);
  EXPECT_EQ(length_in("\xE4\xB8\xAD\xF0\x9F\x98\x80", Unit::bytes), 7u);
  const std::string zh = "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97";  // three 3-byte characters
  EXPECT_EQ(split(zh, 8, Unit::bytes),
            (std::vector<std::string>{"\xE4\xB8\xAD\xE6\x96\x87", "\xE5\xAD\x97"}));
  EXPECT_EQ(split(zh, 9, Unit::bytes), std::vector<std::string>{zh});
  // A code point over the limit goes alone, whole.
  EXPECT_EQ(split("a\xF0\x9F\x98\x80", 2, Unit::bytes),
            (std::vector<std::string>{"a", "\xF0\x9F\x98\x80"}));
  // An 18-byte family emoji over a 10-byte limit is cut between its code
  // points (4 + 3 bytes, then 4 + 3, then 4), never inside one.
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  EXPECT_EQ(split(family, 10, Unit::bytes),
            (std::vector<std::string>{family.substr(0, 7), family.substr(7, 7), family.substr(14)}));
}

// Its speed is bench/'s to measure (the 10 MiB split), never a timed test's:
// here, that 10 MB of mixed text comes out whole in parts that all fit.
TEST(SplitTest, LargeMixedInputComesOutWholeInPartsThatFit) {
  std::string in;
  in.reserve(10u << 20);
  std::mt19937 rng(7);
  while (in.size() < (10u << 20)) {
    const int r = std::uniform_int_distribution<int>(0, 9)(rng);
    in += r < 6 ? "log line with words " : r < 8 ? "\xE4\xB8\xAD\xE6\x96\x87" : "\n";
  }
  const auto parts = split(in, 4096, Unit::utf16);
  std::size_t kept = 0;
  for (const auto& p : parts) {
    ASSERT_LE(length_in(p, Unit::utf16), 4096u);
    kept += p.size();
  }
  EXPECT_LE(in.size() - kept, parts.size());
  EXPECT_GE(in.size(), kept);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : "\n") + p;
  return text;
}

TEST(SplitCapPartsTest, FitsUnchanged) {
  std::vector<std::string> parts = {"a", "b", "c"};
  EXPECT_EQ(cap_parts(joined(parts), parts, 3), parts);
  EXPECT_EQ(cap_parts(joined(parts), parts, 10), parts);
  EXPECT_TRUE(cap_parts("", {}, 1).empty());
}

TEST(SplitCapPartsTest, KeepsHeadTailAndANoteOfTheLinesAndBytesLeftOut) {
  std::vector<std::string> parts;
  for (int i = 0; i < 20; ++i) {
    // Appends, not "p" + ...: GCC 12 -O3 warns falsely (-Wrestrict) on that.
    std::string p = "p";
    p += std::to_string(i);
    p += "\nx";
    parts.push_back(p);
  }
  const std::string text = joined(parts);
  const auto capped = cap_parts(text, parts, 10);
  ASSERT_EQ(capped.size(), 10u);
  // 4 head, note, 5 tail: the tail gets the extra part. Left out: p4..p14,
  // each 2 lines, with the 11 line breaks between them and the tail.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(capped[std::size_t(i)], parts[std::size_t(i)]);
  EXPECT_EQ(capped[4], "[... 22 lines (60 bytes) omitted ...]");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(capped[std::size_t(5 + i)], parts[std::size_t(15 + i)]);

  const auto three = cap_parts(text, parts, 3);
  EXPECT_EQ(three, (std::vector<std::string>{parts[0], "[... 36 lines (99 bytes) omitted ...]",
                                             parts[19]}));
  const auto four = cap_parts(text, parts, 4);
  ASSERT_EQ(four.size(), 4u);
  EXPECT_EQ(four[0], parts[0]);
  EXPECT_EQ(four[2], parts[18]);
  EXPECT_EQ(four[3], parts[19]);
}

TEST(SplitCapPartsTest, OneAndTwoMergeTheNoteIntoTheLastPart) {
  std::vector<std::string> parts;
  for (int i = 0; i < 5; ++i) parts.push_back(std::string(100, char('a' + i)));
  const std::string text = joined(parts);
  for (std::size_t max : {std::size_t(0), std::size_t(1), std::size_t(2)}) {
    const auto capped = cap_parts(text, parts, max);
    ASSERT_EQ(capped.size(), std::max<std::size_t>(max, 1));
    if (max == 2) {
      EXPECT_EQ(capped[0], parts[0]);
    }
    const std::string& last = capped.back();
    EXPECT_LE(last.size(), parts.back().size());  // never grows past the limit
    EXPECT_EQ(last.rfind("[... ", 0), 0u);
    const std::size_t nl = last.find('\n');
    ASSERT_NE(nl, std::string::npos);
    const std::string kept_tail = last.substr(nl + 1);
    EXPECT_EQ(parts.back().substr(100 - kept_tail.size()), kept_tail);
    // Whole parts with their line breaks, then the start of the last line.
    const std::size_t omitted_parts = max == 2 ? 3 : 4;
    const std::size_t bytes = omitted_parts * 101 + (100 - kept_tail.size());
    EXPECT_EQ(last.substr(0, nl), "[... " + std::to_string(omitted_parts + 1) + " lines (" +
                                      std::to_string(bytes) + " bytes) omitted ...]");
  }
}

TEST(SplitCapPartsTest, AnEarlierNoteInTheGapIsCountedIn) {
  // As BoundedText leaves it: 1000 lines (9000 bytes) already gone between
  // "b" and "c", the gap having ended with a newline.
  const std::string text = "aaaa\nbbbb\n[... 1000 lines (9000 bytes) omitted ...]\ncccc\ndddd";
  const auto parts = split(text, 5, Unit::code_points);
  const auto capped = cap_parts(text, parts, 3);
  ASSERT_EQ(capped.size(), 3u);
  EXPECT_EQ(capped[0], "aaaa");
  // bbbb\n + 9000 + cccc\n: 1002 lines.
  EXPECT_EQ(capped[1], "[... 1002 lines (9010 bytes) omitted ...]");
  EXPECT_EQ(capped[2], "dddd");
}

}  // namespace
}  // namespace notify::message
