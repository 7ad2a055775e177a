#include "message/omission.hpp"

#include <gtest/gtest.h>

namespace notify::message {
namespace {

TEST(OmissionTest, NoteRoundTrips) {
  const std::string text = "x [... 7 lines (300 bytes) omitted ...] y";
  const auto found = find_omission_note(text);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->begin, 2u);
  EXPECT_EQ(text.substr(found->end), " y");
  EXPECT_EQ(found->counts, (Omission{7, 300}));
  EXPECT_EQ(omission_note({7, 300}), "[... 7 lines (300 bytes) omitted ...]");
  EXPECT_FALSE(find_omission_note("[... many lines (x bytes) omitted ...]"));
}

TEST(OmissionTest, CountsLinesThatLostACharacter) {
  const std::string text = "keep\ngone1\ngone2\nkeep";
  EXPECT_EQ(omitted_between(text, 5, 17), (Omission{2, 12}));  // two whole lines
  EXPECT_EQ(omitted_between(text, 7, 13), (Omission{2, 6}));   // ends inside gone2
  EXPECT_EQ(omitted_between(text, 7, 9), (Omission{1, 2}));    // inside one line
  EXPECT_EQ(omitted_between(text, 9, 9), (Omission{}));
}

TEST(OmissionTest, AnEarlierNoteStandsForWhatItCounted) {
  // Gap ended a line: the newline after the note is the gap's own.
  const std::string lines = "a\nb\n[... 10 lines (100 bytes) omitted ...]\nc\nd";
  EXPECT_EQ(omitted_between(lines, 2, lines.rfind('d')), (Omission{12, 104}));
  // Gap inside a line on both sides: "...b" + gap + "c..." is one line.
  const std::string mid = "a\nbb[... 3 lines (50 bytes) omitted ...]cc\nd";
  EXPECT_EQ(omitted_between(mid, 2, mid.rfind('d')), (Omission{3, 55}));
  // The region stops at the note: nothing after it.
  EXPECT_EQ(omitted_between(mid, 2, mid.find("cc")), (Omission{3, 52}));
}

}  // namespace
}  // namespace notify::message
