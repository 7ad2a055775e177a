#pragma once
// The one line that says what was left out of a long message, and how to
// count it so that it tells the truth about the whole input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notify::message {

/// What a cut left out of the text as read: its bytes, and the lines that
/// lost at least one character (newlines left out, plus one when the gap
/// ends inside a line).
struct Omission {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  friend bool operator==(const Omission&, const Omission&) = default;
};

/// "[... N lines (B bytes) omitted ...]"
std::string omission_note(const Omission& omitted);

/// The first note omission_note() could have written in text, as its byte
/// range and counts.
struct FoundNote {
  std::size_t begin;
  std::size_t end;
  Omission counts;
};
std::optional<FoundNote> find_omission_note(std::string_view text);

/// What is left out when text[begin, end) is dropped, in terms of the input
/// the text was read from. An earlier cut's note inside the range (the one
/// BoundedText writes: the note right where its gap was, followed by a
/// newline exactly when the gap ended with one) stands for what it counted,
/// so the result covers both cuts and not the note itself.
Omission omitted_between(std::string_view text, std::size_t begin, std::size_t end);

}  // namespace notify::message
