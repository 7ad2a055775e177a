#include "message/omission.hpp"

#include <algorithm>

namespace notify::message {

namespace {

constexpr std::string_view kOpen = "[... ";
constexpr std::string_view kLines = " lines (";
constexpr std::string_view kClose = " bytes) omitted ...]";

std::uint64_t newlines(std::string_view s) {
  return std::uint64_t(std::count(s.begin(), s.end(), '\n'));
}

// Reads a decimal number at s[at...]; advances at past it.
std::optional<std::uint64_t> number(std::string_view s, std::size_t& at) {
  const std::size_t from = at;
  std::uint64_t v = 0;
  while (at < s.size() && s[at] >= '0' && s[at] <= '9' && at - from < 19)
    v = v * 10 + std::uint64_t(s[at++] - '0');
  if (at == from) return std::nullopt;
  return v;
}

}  // namespace

std::string omission_note(const Omission& o) {
  std::string note(kOpen);
  note += std::to_string(o.lines);
  note += kLines;
  note += std::to_string(o.bytes);
  note += kClose;
  return note;
}

std::optional<FoundNote> find_omission_note(std::string_view text) {
  for (std::size_t at = text.find(kOpen); at != std::string_view::npos;
       at = text.find(kOpen, at + 1)) {
    std::size_t p = at + kOpen.size();
    const auto lines = number(text, p);
    if (!lines || text.substr(p, kLines.size()) != kLines) continue;
    p += kLines.size();
    const auto bytes = number(text, p);
    if (!bytes || text.substr(p, kClose.size()) != kClose) continue;
    return FoundNote{at, p + kClose.size(), Omission{*lines, *bytes}};
  }
  return std::nullopt;
}

Omission omitted_between(std::string_view text, std::size_t begin, std::size_t end) {
  end = std::min(end, text.size());
  if (begin >= end) return {};
  const std::string_view region = text.substr(begin, end - begin);
  const auto note = find_omission_note(region);
  if (!note) {
    return Omission{newlines(region) + (region.back() != '\n' ? 1u : 0u), region.size()};
  }
  // The newline after an earlier note is the one its gap ended with (see
  // BoundedText::finish()); without it, the gap ended inside a line that
  // goes on after the note.
  const std::size_t note_end = begin + note->end;
  const bool gap_ended_line = note_end < text.size() && text[note_end] == '\n';
  const std::size_t after_begin = std::min(end, note_end + (gap_ended_line ? 1 : 0));
  const std::string_view before = region.substr(0, note->begin);
  const std::string_view after = text.substr(after_begin, end - after_begin);
  const std::uint64_t gap_newlines =
      note->counts.lines - std::min<std::uint64_t>(note->counts.lines, gap_ended_line ? 0 : 1);
  const bool ends_line = after.empty() ? gap_ended_line : after.back() == '\n';
  Omission o;
  o.bytes = before.size() + note->counts.bytes + after.size();
  o.lines = newlines(before) + gap_newlines + newlines(after) + (ends_line ? 0 : 1);
  return o;
}

}  // namespace notify::message
