// Fence repair for split Markdown: each part of a cut code block renders.

#include <gtest/gtest.h>

#include "message/fences.hpp"

namespace notify::message {
namespace {

// Cuts md into slices at each of `cuts` (a byte offset of a '\n', dropped).
std::vector<Slice> slices_at(std::string_view md, const std::vector<std::size_t>& cuts) {
  std::vector<Slice> out;
  std::size_t begin = 0;
  for (std::size_t cut : cuts) {
    EXPECT_EQ(md[cut], '\n');
    out.push_back(Slice{begin, cut});
    begin = cut + 1;
  }
  out.push_back(Slice{begin, md.size()});
  return out;
}

std::size_t nth_newline(std::string_view s, int n) {
  std::size_t at = std::string_view::npos;
  for (int i = 0; i < n; ++i) at = s.find('\n', at + 1);
  return at;
}

TEST(MarkdownFencesTest, a_cut_inside_a_block_closes_and_reopens_it) {
  const std::string md = "intro\n````py title=\"x\"\nl1\n```\nl2\n````\nafter\nend";
  // Cut after "l1" and after "after": only the first is inside the block.
  const auto r = repair_fences(md, slices_at(md, {nth_newline(md, 3), nth_newline(md, 7)}));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].close, "\n````");
  EXPECT_EQ(r[1].reopen, "````py title=\"x\"\n");
  EXPECT_EQ(r[1].close, "");
  EXPECT_EQ(r[2].reopen, "");
}

TEST(MarkdownFencesTest, a_cut_right_after_the_closing_fence_needs_nothing) {
  const std::string md = "```\na\n```\nb";
  const auto r = repair_fences(md, slices_at(md, {nth_newline(md, 3)}));
  EXPECT_EQ(r[0].close, "");
  EXPECT_EQ(r[1].reopen, "");
  // Cut right after the opening fence: an empty block, reopened next.
  const auto r2 = repair_fences(md, slices_at(md, {nth_newline(md, 1)}));
  EXPECT_EQ(r2[0].close, "\n```");
  EXPECT_EQ(r2[1].reopen, "```\n");
}

TEST(MarkdownFencesTest, container_prefixes_follow_the_fence) {
  const std::string quoted = "> ~~~sh\n> a\n> b\n> ~~~";
  auto r = repair_fences(quoted, slices_at(quoted, {nth_newline(quoted, 2)}));
  EXPECT_EQ(r[0].close, "\n> ~~~");
  EXPECT_EQ(r[1].reopen, "> ~~~sh\n");
  const std::string listed = "1. item\n\n   ```js\n   a\n   b\n   ```";
  r = repair_fences(listed, slices_at(listed, {nth_newline(listed, 4)}));
  EXPECT_EQ(r[0].close, "\n   ```");
  EXPECT_EQ(r[1].reopen, "   ```js\n");
}

TEST(MarkdownFencesTest, only_real_fences_count) {
  // Indented code and a code span are not fences.
  const std::string md = "    ```\n    a\n    b\n\nx ``` y\nz\nw";
  const auto r = repair_fences(md, slices_at(md, {nth_newline(md, 2), nth_newline(md, 5)}));
  for (const auto& f : r) {
    EXPECT_EQ(f.reopen, "");
    EXPECT_EQ(f.close, "");
  }
}

TEST(MarkdownFencesTest, repairs_fit_the_reserved_room) {
  const std::string md = "```" + std::string(60, 'l') + " and more\na\nb\n```";
  const auto r = repair_fences(md, slices_at(md, {nth_newline(md, 2)}));
  EXPECT_EQ(r[0].close, "\n```");
  EXPECT_EQ(r[1].reopen, "```\n");  // the info string does not fit
  const std::string short_info = "```rust  {.numberLines startFrom=\"100\" and a lot more}\na\nb\n```";
  const auto r2 = repair_fences(short_info, slices_at(short_info, {nth_newline(short_info, 2)}));
  EXPECT_EQ(r2[1].reopen, "```rust\n");
  for (const auto& f : {r[0], r[1], r2[0], r2[1]})
    EXPECT_LE(f.reopen.size() + f.close.size(), kFenceRepairRoom);
  EXPECT_EQ(fence_repair_room("no fence here", 2000), 0u);
  EXPECT_EQ(fence_repair_room("~~~\nx", 2000), kFenceRepairRoom);
  EXPECT_EQ(fence_repair_room("~~~\nx", 100), 25u);
  // A small room keeps the fence and drops the info string.
  const auto r3 = repair_fences(short_info, slices_at(short_info, {nth_newline(short_info, 2)}), 10);
  EXPECT_EQ(r3[0].close, "\n```");
  EXPECT_EQ(r3[1].reopen, "```\n");
  EXPECT_TRUE(repair_fences(short_info, slices_at(short_info, {nth_newline(short_info, 2)}), 7)[1]
                  .reopen.empty());
}

}  // namespace
}  // namespace notify::message
