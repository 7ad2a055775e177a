#pragma once
// --markdown for the services that take HTML (Matrix's formatted_body).

#include <string>
#include <string_view>

namespace notify::message {

/// CommonMark with the GFM table, strikethrough, autolink and task list
/// extensions as HTML. Safe for text nobody vetted: raw HTML in the input
/// is left out (cmark's "raw HTML omitted" comment), javascript:, vbscript:,
/// file: and non-image data: links lose their URL, everything else is
/// escaped. A line break in a paragraph stays a line break (<br />), as a
/// log's lines should. No trailing newline.
std::string markdown_to_html(std::string_view md);

/// Text as HTML that shows it as written: & < > escaped (quotes need none
/// outside attributes), each newline a <br>.
std::string html_text(std::string_view text);

/// Text as HTML inside <pre> or an attribute: & < > " escaped, newlines kept.
std::string html_escape(std::string_view text);

}  // namespace notify::message
