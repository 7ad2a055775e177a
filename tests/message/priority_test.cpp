// One meaning of priority (PRODUCT.md "The first minute"): notify's words in
// any case, and ntfy's numbers and words read as the same levels.

#include "message/priority.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

TEST(PriorityTest, notifys_words_in_any_case) {
  EXPECT_EQ(parse_priority("low"), Priority::low);
  EXPECT_EQ(parse_priority("Normal"), Priority::normal);
  EXPECT_EQ(parse_priority("HIGH"), Priority::high);
  EXPECT_EQ(parse_priority(" urgent "), Priority::urgent);
}

TEST(PriorityTest, ntfys_numbers_and_words_are_levels) {
  const std::pair<const char*, Priority> cases[] = {
      {"1", Priority::low},        {"2", Priority::low},    {"3", Priority::normal},
      {"4", Priority::high},       {"5", Priority::urgent}, {"min", Priority::low},
      {"default", Priority::normal}, {"MAX", Priority::urgent},
  };
  for (const auto& [text, level] : cases) EXPECT_EQ(parse_priority(text), level) << text;
}

TEST(PriorityTest, only_1_and_min_ask_for_ntfys_step_below_low) {
  for (const auto& s : priority_spellings())
    EXPECT_EQ(s.reading.lowest, s.text == "1" || s.text == "min") << s.text;
  EXPECT_TRUE(read_priority("MIN")->lowest);
  EXPECT_FALSE(read_priority("low")->lowest);
}

TEST(PriorityTest, anything_else_is_no_priority) {
  for (const char* text : {"", "0", "6", "10", "loud", "hi", "-1", "4.0", "urgentt"})
    EXPECT_FALSE(read_priority(text).has_value()) << text;
}

}  // namespace
}  // namespace notify
