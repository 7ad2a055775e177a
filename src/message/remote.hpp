#pragma once
// Text that a remote party wrote (a chat title, an error body, a proxy's
// page) made fit to print on the user's terminal.

#include <cstddef>
#include <string>
#include <string_view>

namespace notify::message {

/// Valid UTF-8 (invalid bytes become U+FFFD) without terminal escape
/// sequences (removed whole, as sanitize() does), C0 controls, DEL, C1
/// controls or the bidi embedding, override and isolate controls
/// (U+202A-U+202E, U+2066-U+2069), which could rewrite or reorder what the
/// terminal shows. Tab, CR and LF become a space, so words stay apart and
/// the text stays on one line.
std::string printable_remote(std::string_view text);

/// True when an error reply is an HTML page: its Content-Type is text/html,
/// or its body starts (after white space) with <!DOCTYPE or <html, in any case.
bool is_html_page(std::string_view content_type, std::string_view body);

/// "HTTP 502 Bad Gateway": the status line a page stands for (the reason
/// phrase of the standard codes; just "HTTP 599" for others).
std::string status_line(int status);

/// An error reply's body for one line of output: an HTML page becomes its
/// status line, anything else is printable_remote() cut to at most
/// `max_code_points` (an ellipsis marks the cut).
std::string remote_error_text(int status, std::string_view content_type, std::string_view body,
                              std::size_t max_code_points = 200);

}  // namespace notify::message
