#include "message/markdown.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace notify::message {
namespace {

using Kind = Span::Kind;

std::string plain(std::string_view md) { return render_markdown(md, false).text; }

// The text under each span, with its kind, for readable expectations.
struct Shown {
  Kind kind;
  std::string text;
  std::string extra;  // url or language
  bool operator==(const Shown&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Shown& s) {
  return os << int(s.kind) << ":'" << s.text << "' " << s.extra;
}

std::vector<Shown> shown(const Rendered& r) {
  std::vector<Shown> out;
  for (const auto& s : r.spans) {
    EXPECT_LT(s.begin, s.end);
    EXPECT_LE(s.end, r.text.size());
    out.push_back(Shown{s.kind, r.text.substr(s.begin, s.end - s.begin),
                        s.url.empty() ? s.language : s.url});
  }
  return out;
}

TEST(MarkdownRenderTest, blocks_are_separated_by_one_blank_line_and_breaks_are_kept) {
  EXPECT_EQ(plain("one\ntwo  \nthree\\\nfour\n\n\n\nnext para\n"),
            "one\ntwo\nthree\nfour\n\nnext para");
  EXPECT_EQ(plain("# Title\ntext\n## Sub\n"), "Title\n\ntext\n\nSub");
  EXPECT_EQ(plain("a\n\n***\n\nb"), "a\n\n\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\n\nb");
}

TEST(MarkdownRenderTest, heading_is_bold_with_spans) {
  auto r = render_markdown("# Deploy **done**\n\nok", true);
  EXPECT_EQ(r.text, "Deploy done\n\nok");
  // A bold inside the bold heading adds nothing Telegram would accept.
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::bold, "Deploy done", ""}}));
}

TEST(MarkdownRenderTest, span_offsets_are_bytes_after_astral_characters) {
  auto r = render_markdown("\xF0\x9F\x8D\x8E \xF0\x9F\x94\xA5 **hot**", true);
  EXPECT_EQ(r.text, "\xF0\x9F\x8D\x8E \xF0\x9F\x94\xA5 hot");
  ASSERT_EQ(r.spans.size(), 1u);
  EXPECT_EQ(r.spans[0].begin, 10u);
  EXPECT_EQ(r.spans[0].end, 13u);
}

TEST(MarkdownRenderTest, nested_emphasis_inside_a_link) {
  auto r = render_markdown("see [**bold** and *it* ~~x~~](https://e.com/a?b=1) now", true);
  EXPECT_EQ(r.text, "see bold and it x now");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::link, "bold and it x", "https://e.com/a?b=1"},
                                          {Kind::bold, "bold", ""},
                                          {Kind::italic, "it", ""},
                                          {Kind::strikethrough, "x", ""}}));
}

TEST(MarkdownRenderTest, code_splits_bold_and_stays_plain_inside_a_link) {
  auto r = render_markdown("**a `c` b** [`x`](https://e.com)", true);
  EXPECT_EQ(r.text, "a c b x");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::bold, "a ", ""},
                                          {Kind::code, "c", ""},
                                          {Kind::bold, " b", ""},
                                          {Kind::link, "x", "https://e.com"}}));
}

TEST(MarkdownRenderTest, code_block_verbatim_with_language) {
  auto r = render_markdown("before\n\n```python  extra words\nif x:\n\n    y = 1 *2*\n\n```\nafter", true);
  EXPECT_EQ(r.text, "before\n\nif x:\n\n    y = 1 *2*\n\nafter");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::pre, "if x:\n\n    y = 1 *2*", "python"}}));
  EXPECT_EQ(plain("~~~\nno lang\n~~~"), "no lang");
  EXPECT_TRUE(render_markdown("```\n```", true).spans.empty());
}

TEST(MarkdownRenderTest, lists_nest_two_spaces_and_align_continuations) {
  EXPECT_EQ(plain("- a\n- b\n  - c\n    more\n  - d\n- e"),
            "\u2022 a\n\u2022 b\n  \u2022 c\n    more\n  \u2022 d\n\u2022 e");
  EXPECT_EQ(plain("7. seven\n   wrapped\n8. eight\n   - sub\n9. nine"),
            "7. seven\n   wrapped\n8. eight\n  \u2022 sub\n9. nine");
  // Loose: a blank line between items and between an item's paragraphs.
  EXPECT_EQ(plain("1. a\n\n   second\n2. b\n"), "1. a\n\n   second\n\n2. b");
  EXPECT_EQ(plain("- x\n\n  ```\n  code\n  ```\n"), "\u2022 x\n\n  code");
  // After a nested list the item's own text aligns again.
  EXPECT_EQ(plain("10. a\n\n    - b\n\n    after"), "10. a\n\n  \u2022 b\n\n    after");
}

TEST(MarkdownRenderTest, task_items_get_a_box_after_the_bullet) {
  EXPECT_EQ(plain("- [ ] todo\n- [x] done\n  wrapped\n1. [X] first"),
            "\u2022 \u2610 todo\n\u2022 \u2611 done\n    wrapped\n\n1. \u2611 first");
}

TEST(MarkdownRenderTest, tables_are_rows_of_cells_with_a_bold_header) {
  auto r = render_markdown("| host | load |\n|:-----|-----:|\n| a | **1.5** |\n| b |  |\n", true);
  EXPECT_EQ(r.text, "host | load\na | 1.5\nb | ");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::bold, "host | load", ""}, {Kind::bold, "1.5", ""}}));
}

TEST(MarkdownRenderTest, links_for_line_show_their_url) {
  EXPECT_EQ(plain("[site](https://e.com) <https://x.org> www.ex.com [mail](mailto:m@x.org) "
                  "<m@x.org> [](https://empty.org) ![logo](https://e.com/l.png) [rel](/docs)"),
            "site (https://e.com) https://x.org www.ex.com mail (mailto:m@x.org) m@x.org "
            "https://empty.org logo (https://e.com/l.png) rel (/docs)");
  // A badge: the outer link is the one that counts.
  EXPECT_EQ(plain("[![build](https://ci/badge.svg)](https://ci/job)"), "build (https://ci/job)");
}

TEST(MarkdownRenderTest, telegram_links_only_for_web_and_tg_urls) {
  auto r = render_markdown("[a](https://e.com) [b](tg://resolve?domain=x) [c](ftp://f.org) "
                           "[d](/rel) <https://same.org> [e](javascript:alert(1))",
                           true);
  EXPECT_EQ(r.text, "a b c (ftp://f.org) d (/rel) https://same.org e (javascript:alert(1))");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::link, "a", "https://e.com"},
                                          {Kind::link, "b", "tg://resolve?domain=x"}}));
}

TEST(MarkdownRenderTest, blockquotes) {
  const std::string md = "> q1\nlazy\n>\n> > inner\n> - li\n\nout";
  EXPECT_EQ(plain(md), "> q1\n> lazy\n>\n> > inner\n>\n> \u2022 li\n\nout");
  auto r = render_markdown(md, true);
  EXPECT_EQ(r.text, "q1\nlazy\n\n> inner\n\n\u2022 li\n\nout");
  // One quote entity: Telegram does not nest them.
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::blockquote, "q1\nlazy\n\n> inner\n\n\u2022 li", ""}}));
  // A quote in a list item starts after the bullet.
  r = render_markdown("- > quoted\n  > more", true);
  EXPECT_EQ(r.text, "\u2022 quoted\n  more");
  EXPECT_EQ(shown(r), (std::vector<Shown>{{Kind::blockquote, "quoted\n  more", ""}}));
}

TEST(MarkdownRenderTest, html_is_literal_and_entities_are_decoded) {
  EXPECT_EQ(plain("a &amp; &lt;b&gt; <b>x</b> &copy;\n\n<div>\n*hi*\n</div>\n"),
            "a & <b> <b>x</b> \u00A9\n\n<div>\n*hi*\n</div>");
}

TEST(MarkdownRenderTest, nothing_trails) {
  EXPECT_EQ(plain("text\n\n\n"), "text");
  EXPECT_EQ(plain("```\ncode\n\n\n```\n\n"), "code");
  EXPECT_EQ(plain("[ref]: https://e.com\n"), "");
  EXPECT_EQ(plain(""), "");
}

TEST(MarkdownRenderTest, deep_nesting_is_walked_without_recursion_and_stays_linear) {
  const std::size_t depth = 20000;
  std::string quotes(depth * 2, ' ');
  for (std::size_t i = 0; i < depth; ++i) quotes[2 * i] = '>';
  std::string md = quotes + "x\n";
  for (int i = 0; i < 2000; ++i) md += "lazy line\n";
  const auto r = render_markdown(md, true);
  EXPECT_LT(r.text.size(), md.size() * 3);  // a full prefix per lazy line: 40 MB
  EXPECT_EQ(r.spans.size(), 1u);

  std::string emph = std::string(30000, '*') + "a" + std::string(30000, '*');
  const auto e = render_markdown(emph, true);
  EXPECT_EQ(e.text, "a");
  EXPECT_LE(e.spans.size(), 2u);  // one bold, one italic: no span in its own kind

  std::string lists;
  for (int i = 0; i < 2000; ++i) lists += std::string(std::size_t(i) * 2, ' ') + "- x\n";
  EXPECT_LT(plain(lists).size(), lists.size() * 2);
}

TEST(MarkdownRenderTest, spans_are_sorted_outer_first) {
  auto r = render_markdown("> **a *b* c** `d`\n\n# h", true);
  for (std::size_t i = 1; i < r.spans.size(); ++i) {
    const auto& a = r.spans[i - 1];
    const auto& b = r.spans[i];
    EXPECT_TRUE(a.begin < b.begin || (a.begin == b.begin && a.end >= b.end));
  }
  for (const auto& a : r.spans)
    for (const auto& b : r.spans) {
      const bool disjoint = a.end <= b.begin || b.end <= a.begin;
      const bool nested = (a.begin <= b.begin && b.end <= a.end) || (b.begin <= a.begin && a.end <= b.end);
      EXPECT_TRUE(disjoint || nested);
    }
}

}  // namespace
}  // namespace notify::message
