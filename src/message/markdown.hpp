#pragma once
// --markdown: CommonMark/GFM turned into text plus formatting spans for the
// services that take no markdown (Telegram entities, LINE plain text), and
// the fence repair that keeps split markdown rendering on those that do.

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

/// Units (UTF-16, so code points as well) that fence
/// repair may add to one part: a closing fence line at its end and the
/// reopening fence line at its start. A reopened info string is cut to fit;
/// a fence whose markers alone do not fit is not repaired.
inline constexpr std::size_t kFenceRepairRoom = 48;

/// The room to reserve in each part of `md` cut to `limit` units:
/// kFenceRepairRoom, or a quarter of a small limit so that the text still
/// gets most of it, when `md` may hold a fenced code block; else 0, so that
/// markdown without fences splits exactly like plain text.
std::size_t fence_repair_room(std::string_view md, std::size_t limit);

/// A byte range [begin, end) of a markdown text.
struct Slice {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// What to put around one slice so that it renders alone.
struct FenceRepair {
  std::string reopen;  ///< before it: the fence line open at its start
  std::string close;   ///< after it: "\n" and the closing fence
};

/// For slices of `md` in increasing order, not overlapping (the bytes between
/// two are a dropped line break, nothing, or parts left out), the fences that
/// reopen a code block a slice starts inside and close one it ends inside,
/// with the block's container prefix ("> ") and its own fence and info
/// string. Blocks are found by parsing `md`, so a ``` inside an indented
/// block or HTML does not count. A slice that ends where `md` ends is never
/// closed: nothing was cut there.
/// Reopen plus close take at most `room` units (fence_repair_room()).
std::vector<FenceRepair> repair_fences(std::string_view md, const std::vector<Slice>& slices,
                                       std::size_t room = kFenceRepairRoom);

}  // namespace notify::message
