#pragma once
// --markdown: CommonMark/GFM turned into text plus formatting spans for the
// services that take no markdown (Telegram entities, LINE plain text).
// Those that do take it get it as written, see fences.hpp.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace notify::message {

/// A formatted range of Rendered::text.
struct Span {
  enum class Kind { bold, italic, strikethrough, code, pre, link, blockquote };
  Kind kind = Kind::bold;
  std::size_t begin = 0;  ///< byte offsets into Rendered::text; begin < end,
  std::size_t end = 0;    ///< both on code point boundaries
  std::string url;        ///< link: an http://, https:// or tg:// URL
  std::string language;   ///< pre: first word of the info string, may be empty
};

struct Rendered {
  std::string text;
  /// Sorted by begin, an enclosing span before the spans it holds. They nest
  /// as Telegram allows: nothing inside code or pre, code and pre inside
  /// nothing but a blockquote (bold/italic/strikethrough are split around
  /// them, a code inside a link stays plain), no link in a link, no
  /// blockquote in a blockquote, no span inside one of its own kind.
  std::vector<Span> spans;
};

/// Renders CommonMark with the GFM table, strikethrough, autolink and task
/// list extensions as readable text without markup. Blocks are separated by
/// a blank line (tight list items by a newline); line breaks stay line
/// breaks; list items start with "• " or "N. " (then "☐ "/"☑ " for tasks),
/// nested lists are indented two spaces per level and an item's other lines
/// align with its text; code is verbatim; a thematic break is a line of
/// "─"; a table row is its cells joined by " | "; HTML stays as written; a
/// link or image shows its text then " (url)" unless the text is the URL.
/// With spans, formatting becomes spans instead: bold headings and table
/// header rows, a blockquote span (deeper quotes get "> " lines), and a
/// link span for http(s)/tg URLs in place of " (url)". Without spans every
/// quoted line starts with "> " per level. No trailing newline. Linear in
/// the input and iterative, whatever its nesting.
Rendered render_markdown(std::string_view md, bool with_spans);

}  // namespace notify::message
