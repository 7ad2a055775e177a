// The pure part of --stream: when a batch is due, how much one message
// takes, and how a flood is cut down without losing track of what was cut.

#include <gtest/gtest.h>

#include <sstream>

#include "stream/batcher.hpp"

namespace notify::stream {
namespace {

using namespace std::chrono_literals;

const Clock::time_point t0 = Clock::time_point(100s);

Limits limits(std::size_t part, std::size_t held) {
  Limits l;
  l.part_units = part;
  l.held_units = held;
  l.interval = 5s;
  l.min_gap = 1s;
  return l;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(BatcherTest, NothingWaitingIsNeverDue) {
  Batcher b(limits(100, 1000));
  EXPECT_FALSE(b.due());
  EXPECT_EQ(b.take(t0), "");
  EXPECT_TRUE(b.empty());
}

TEST(BatcherTest, DueIntervalAfterTheOldestLine) {
  Batcher b(limits(100, 1000));
  b.add_line("first", t0);
  b.add_line("second", t0 + 3s);
  ASSERT_TRUE(b.due());
  EXPECT_EQ(*b.due(), t0 + 5s);
  EXPECT_EQ(b.take(t0 + 5s), "first\nsecond");
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(b.due());
}

TEST(BatcherTest, AFullPartIsDueAtOnce) {
  Batcher b(limits(20, 1000));
  b.add_line("0123456789", t0);        // 11 units with its newline
  EXPECT_EQ(*b.due(), t0 + 5s);
  b.add_line("0123456789", t0 + 1s);   // 22 >= 20
  EXPECT_LE(*b.due(), t0 + 1s);
}

TEST(BatcherTest, TakeHandsOutOnePartOfWholeLinesAndTheRestWaitsAfterTheGap) {
  Batcher b(limits(20, 1000));
  for (int i = 0; i < 5; ++i) b.add_line("line-" + std::to_string(i), t0);  // 7 units each
  EXPECT_EQ(b.take(t0), "line-0\nline-1");  // 14; a third would make 21
  // The rest is a full part already, but one message a second at most.
  ASSERT_TRUE(b.due());
  EXPECT_EQ(*b.due(), t0 + 1s);
  EXPECT_EQ(b.take(t0 + 1s), "line-2\nline-3");
  // line-4 alone is not full: its own interval (from t0) has not run out,
  // so it waits for it.
  EXPECT_EQ(*b.due(), t0 + 5s);
  EXPECT_EQ(b.take(t0 + 5s), "line-4");
}

TEST(BatcherTest, AtEndOfInputWhatWaitsIsDueWithoutTheIntervalButStillPaced) {
  Batcher b(limits(20, 1000));
  for (int i = 0; i < 5; ++i) b.add_line("line-" + std::to_string(i), t0);
  EXPECT_EQ(b.take(t0), "line-0\nline-1");
  b.end_of_input();
  EXPECT_EQ(*b.due(), t0 + 1s);
  EXPECT_EQ(b.take(t0 + 1s), "line-2\nline-3");
  EXPECT_EQ(*b.due(), t0 + 2s);  // not t0 + 5s: nothing more can come
  EXPECT_EQ(b.take(t0 + 2s), "line-4");
}

TEST(BatcherTest, ALineLongerThanAPartGoesAloneAndWhole) {
  Batcher b(limits(10, 1000));
  b.add_line("short", t0);
  b.add_line(std::string(50, 'x'), t0);
  EXPECT_EQ(b.take(t0), "short");
  EXPECT_EQ(b.take(t0 + 1s), std::string(50, 'x'));
}

TEST(BatcherTest, UnitsAreUtf16SoAstralCharactersCountTwice) {
  Batcher b(limits(10, 1000));
  b.add_line("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", t0);  // two emoji: 4 units + newline
  b.add_line("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", t0);  // 10: a full part
  EXPECT_LE(*b.due(), t0);
  b.add_line("a", t0);
  EXPECT_EQ(lines_of(b.take(t0)).size(), 2u);
}

TEST(BatcherTest, AFloodKeepsTheHeadTheNewestLinesAndCountsTheGap) {
  // Room for 100 units waiting; lines are 4 units ("nnn" + newline).
  Batcher b(limits(40, 100));
  const int total = 1000;
  for (int i = 0; i < total; ++i) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03d", i);
    b.add_line(buf, t0);
  }
  std::string all;
  for (Clock::time_point t = t0; !b.empty(); t += 1s) all += b.take(t) + "\n";
  const auto lines = lines_of(all);
  // Head: the first 25 lines fill the 100 units.
  ASSERT_GE(lines.size(), 27u);
  EXPECT_EQ(lines.front(), "000");
  EXPECT_EQ(lines[24], "024");
  // Then the note, then the newest lines (one part's worth: 10 lines).
  EXPECT_EQ(lines[25].rfind("[... ", 0), 0u) << lines[25];
  EXPECT_EQ(lines.back(), "999");
  const std::size_t tail = lines.size() - 26;
  EXPECT_GE(tail, 9u);
  EXPECT_LE(tail, 10u);
  EXPECT_EQ(lines[26], std::to_string(total - tail));
  // Every line is either shown or counted, exactly once.
  EXPECT_EQ(lines[25], Batcher::skip_note(b.skipped_total()));
  EXPECT_EQ(25 + tail + b.skipped_total(), std::size_t(total));
}

TEST(BatcherTest, ASkipRunLastsUntilItsNoteIsTakenThenLinesAreKeptAgain) {
  Batcher b(limits(20, 20));
  for (const char* l : {"aaaa", "bbbb", "cccc", "dddd"}) b.add_line(l, t0);  // 20 units: full
  b.add_line("skip-1", t0);  // over: a skip run starts, the line is the tail
  b.add_line("skip-2", t0);
  b.add_line("skip-3", t0);
  EXPECT_EQ(b.skipped_total(), 1u);
  // The tail holds one part (20 units, 7 per line): skip-3 pushed out
  // skip-1, skip-4 pushes out skip-2.
  b.add_line("skip-4", t0);
  EXPECT_EQ(b.skipped_total(), 2u);
  EXPECT_EQ(b.take(t0), "aaaa\nbbbb\ncccc\ndddd");
  // The note still waits, so the run goes on: the tail stays the newest.
  b.add_line("skip-5", t0 + 1s);
  EXPECT_EQ(b.skipped_total(), 3u);
  // The note (30 units) is a message of its own at this tiny part size.
  EXPECT_EQ(b.take(t0 + 1s), Batcher::skip_note(3));
  // Note taken: a new line is an ordinary line again, nothing pushed out.
  b.add_line("kept", t0 + 2s);
  EXPECT_EQ(b.take_all(), "skip-4\nskip-5\nkept");
  EXPECT_EQ(b.skipped_total(), 3u);
}

TEST(BatcherTest, ASustainedFloodStaysBoundedAndTheNewestLinesKeepUp) {
  // 50 lines a second for an hour against one message a second.
  const Limits l = limits(40, 100);
  Batcher b(l);
  long added = 0, shown = 0, skipped_in_notes = 0, newest_taken = -1;
  std::size_t most_waiting = 0;
  for (int second = 0; second < 3600; ++second) {
    const auto now = t0 + std::chrono::seconds(second);
    for (int k = 0; k < 50; ++k) b.add_line(std::to_string(100000 + added++), now);
    most_waiting = std::max(most_waiting, b.waiting_units());
    for (const auto& line : lines_of(b.take(now))) {
      if (line.rfind("[... ", 0) == 0) {
        skipped_in_notes += std::stol(line.substr(5));
        continue;
      }
      ++shown;
      newest_taken = std::stol(line) - 100000;
    }
  }
  // held + a note + one part of tail.
  EXPECT_LE(most_waiting, l.held_units + Batcher::skip_note(1000000).size() + 1 + l.part_units);
  // What is shown is never more than a few messages' worth behind.
  EXPECT_GE(newest_taken, added - 200);
  for (const auto& line : lines_of(b.take_all()))
    if (line.rfind("[... ", 0) == 0) skipped_in_notes += std::stol(line.substr(5));
    else ++shown;
  EXPECT_EQ(shown + skipped_in_notes, added);
  EXPECT_EQ(std::size_t(skipped_in_notes), b.skipped_total());
}

TEST(BatcherTest, ANoteThatNeverOverflowedStandsForNothing) {
  Batcher b(limits(20, 10));
  b.add_line("aaaa", t0);
  b.add_line("bbbb", t0);  // 10 units: full
  b.add_line("cccc", t0);  // over held: skip run, but it is the only tail line
  EXPECT_EQ(b.skipped_total(), 0u);
  EXPECT_EQ(b.take_all(), "aaaa\nbbbb\ncccc");
}

TEST(BatcherTest, SkipNoteWording) {
  EXPECT_EQ(Batcher::skip_note(1), "[... 1 line skipped ...]");
  EXPECT_EQ(Batcher::skip_note(42), "[... 42 lines skipped ...]");
}

TEST(BatcherTest, EmptyLinesAreKept) {
  Batcher b(limits(100, 1000));
  b.add_line("a", t0);
  b.add_line("", t0);
  b.add_line("b", t0);
  EXPECT_EQ(b.take_all(), "a\n\nb");
}

}  // namespace
}  // namespace notify::stream
