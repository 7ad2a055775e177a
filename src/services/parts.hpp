#pragma once
// Cutting a message into the parts one service will accept, with the
// "(i/n)" marker and title each part carries.

#include <cstddef>
#include <string>
#include <vector>

#include "message/split.hpp"
#include "services/service.hpp"

namespace notify::services {

struct Part {
  std::string header;  ///< "title (2/3)", "(2/3)", "title" or empty
  std::string text;    ///< the body slice, unformatted
  /// Where text[at..] came from: formatting that follows the body (markdown
  /// spans, code fences) follows it into the part. text[0, at) is the
  /// "omitted" note of a capped message; source is npos for a part that is
  /// only that note.
  std::size_t source = std::string::npos;
  std::size_t at = 0;

  /// The body bytes [source, source_end()) this part holds.
  std::size_t source_end() const { return source + (text.size() - at); }
};

/// The most text one part holds when the header (title, "(i/n)") and
/// `overhead` units of formatting must fit `limit` too.
std::size_t text_budget(const std::string& title, std::size_t limit, message::Unit unit,
                        std::size_t overhead);

/// How much of a piped message to keep while reading it (message::
/// BoundedText's budget, in code points) for this profile: its parts' worth
/// (part_limit * max_parts) plus one part and 4096 to spare, so that each
/// half of what is kept is longer than the parts keep on that side and the
/// reading cut falls inside what make_parts() leaves out (one note then
/// covers both). A code point counts 1 or 2 in every service's unit, so a
/// CJK or emoji text keeps as many parts as an ASCII one.
std::size_t input_units(const config::Profile& profile);

/// Splits message.body so that header + `overhead` units of formatting +
/// text fits `limit` units, caps the count at message.max_parts (head and
/// tail kept) and numbers the parts when there is more than one.
std::vector<Part> make_parts(const Message& message, std::size_t limit,
                             message::Unit unit, std::size_t overhead);

/// What make_parts() reads of `m` (title, part cap), with `body` as the body
/// and no attachments to copy. An empty `body` keeps m.body: markdown that
/// renders to nothing (only link definitions) is sent as written.
Message with_body(const Message& m, std::string body);

/// Markdown parts that each render alone: a part that starts or ends inside
/// a fenced code block reopens or closes it, adding at most `room` units.
/// `body` is the text the parts were cut from, with that room reserved as
/// overhead (message::fence_repair_room()).
void repair_fences(const std::string& body, std::vector<Part>& parts, std::size_t room);

}  // namespace notify::services
