#include "message/split.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "message/ascii.hpp"
#include "message/omission.hpp"
#include "message/unicode.hpp"

namespace notify::message {

namespace {

constexpr std::size_t npos = std::string_view::npos;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::size_t units_of(const Decoded& d, Unit unit) {
  switch (unit) {
    case Unit::code_points: return 1;
    case Unit::utf16: return d.cp >= 0x10000 ? 2 : 1;
    case Unit::bytes: return d.len;
  }
  return 1;
}

bool is_space(char32_t cp) { return cp == ' ' || cp == '\t'; }

// Where one part ends and the next begins: [start, end) is the part and
// [end, next) the dropped break character (empty for a cluster cut).
struct Cut {
  std::size_t end;
  std::size_t next;
};

// Scans at most limit+2 code points from `start`, so the whole split is
// linear apart from the tail of a window that the next part scans again
// (bounded by one window per part, and parts are near-full by construction).
Cut find_cut(std::string_view text, std::size_t start, std::size_t limit, Unit unit) {
  const unsigned char* const base = bytes(text);
  const unsigned char* const end = base + text.size();
  GraphemeState state;
  std::size_t units = 0;
  std::size_t pos = start;
  std::size_t last_nl = npos;         // newline with a non-empty part before it
  std::size_t last_space = npos;      // space/tab that is a cluster of its own
  std::size_t pending_space = npos;   // space whose right side is not known yet
  std::size_t last_boundary = npos;   // cluster boundary after start
  std::size_t last_cp_end = npos;     // end of the longest code-point prefix that fits
  while (pos < text.size()) {
    // Printable ASCII and LF after anything but a ZWJ or CR are always
    // clusters of their own: a tight loop for the bulk of real text.
    if (state.prev != GraphemeClass::zwj && state.prev != GraphemeClass::cr) {
      const std::size_t fast_end = std::min(text.size(), pos + (limit - units));
      const std::size_t q = std::size_t(plain_ascii_end(base + pos, base + fast_end, true) - base);
      if (q != pos) {
        // Every position of the run is a cluster boundary: only the last
        // newline and the last space (with a byte after it) matter, found
        // from the end rather than tracked byte by byte.
        const std::size_t from = std::max(pos, start + 1);
        if (q > from) {
          const auto* run = reinterpret_cast<const char*>(base + from);
          const std::size_t n = q - from;
          last_boundary = q - 1;
          if (pending_space != npos) last_space = pending_space;
          if (const void* nl = ::memrchr(run, '\n', n))
            last_nl = std::size_t(static_cast<const unsigned char*>(nl) - base);
          if (n > 1)
            if (const void* sp = ::memrchr(run, ' ', n - 1))
              last_space = std::size_t(static_cast<const unsigned char*>(sp) - base);
          pending_space = base[q - 1] == ' ' ? q - 1 : npos;
        } else {
          pending_space = npos;
        }
        state.prev = base[q - 1] == '\n' ? GraphemeClass::lf : GraphemeClass::other;
        state.ri_run = 0;
        units += q - pos;
        pos = q;
        last_cp_end = pos;
        continue;
      }
    }
    const Decoded d = decode_utf8(base + pos, end);
    const GraphemeClass cls = grapheme_class(d.cp);
    const bool boundary = grapheme_step(state, cls);
    if (pending_space != npos) {
      if (boundary) last_space = pending_space;
      pending_space = npos;
    }
    if (boundary && pos > start) {
      last_boundary = pos;
      if (d.cp == '\n') last_nl = pos;
    }
    const std::size_t u = units_of(d, unit);
    if (units + u > limit) {
      // The break character itself is dropped, so one sitting right at the
      // limit still yields a part that fits.
      if (boundary && pos > start && is_space(d.cp)) {
        const std::size_t after = pos + d.len;
        GraphemeState probe = state;
        if (after >= text.size() ||
            grapheme_step(probe, grapheme_class(decode_utf8(base + after, end).cp))) {
          last_space = pos;
        }
      }
      break;
    }
    if (boundary && pos > start && is_space(d.cp)) pending_space = pos;
    units += u;
    pos += d.len;
    last_cp_end = pos;
  }
  if (pos >= text.size()) return {text.size(), text.size()};
  if (last_nl != npos) return {last_nl, last_nl + 1};
  if (last_space != npos) return {last_space, last_space + 1};
  if (last_boundary != npos) return {last_boundary, last_boundary};
  if (last_cp_end != npos) return {last_cp_end, last_cp_end};
  // Not even one code point fits (an astral character with a UTF-16 limit
  // of 1, a multi-byte one with a tiny byte limit): send it alone rather
  // than loop forever.
  const std::size_t one = start + decode_utf8(base + start, end).len;
  return {one, one};
}

}  // namespace

std::size_t length_in(std::string_view utf8, Unit unit) {
  if (unit == Unit::bytes) return utf8.size();
  std::size_t n = 0;
  const unsigned char* p = bytes(utf8);
  const unsigned char* const end = p + utf8.size();
  if (unit == Unit::code_points) {
    for (; p < end; ++p) n += (*p & 0xC0) != 0x80;
  } else {
    // A 4-byte lead is an astral character: one more UTF-16 unit.
    for (; p < end; ++p) n += std::size_t((*p & 0xC0) != 0x80) + std::size_t(*p >= 0xF0);
  }
  return n;
}

std::vector<std::string> split(std::string_view text, std::size_t limit, Unit unit) {
  std::vector<std::string> parts;
  if (limit == 0) limit = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    const Cut cut = find_cut(text, start, limit, unit);
    if (cut.end > start) parts.emplace_back(text.substr(start, cut.end - start));
    start = cut.next;
  }
  return parts;
}

bool is_grapheme_boundary(std::string_view text, std::size_t offset) {
  if (offset == 0 || offset >= text.size()) return true;
  const unsigned char* const base = bytes(text);
  const unsigned char* const end = base + text.size();
  if ((base[offset] & 0xC0) == 0x80) return false;  // inside a UTF-8 sequence
  auto cp_before = [&](std::size_t at, std::size_t& lead) {
    lead = at - 1;
    while (lead > 0 && at - lead < 4 && (base[lead] & 0xC0) == 0x80) --lead;
    const Decoded d = decode_utf8(base + lead, end);
    if (lead + d.len != at) {
      lead = at - 1;
      return char32_t(0xFFFD);
    }
    return d.cp;
  };
  std::size_t lead = 0;
  GraphemeState state;
  state.prev = grapheme_class(cp_before(offset, lead));
  if (state.prev == GraphemeClass::regional_indicator) {
    state.ri_run = 1;
    std::size_t at = lead;
    while (at > 0) {
      std::size_t l2 = 0;
      if (grapheme_class(cp_before(at, l2)) != GraphemeClass::regional_indicator) break;
      ++state.ri_run;
      at = l2;
    }
  }
  return grapheme_step(state, grapheme_class(decode_utf8(base + offset, end).cp));
}

std::vector<std::size_t> piece_offsets(std::string_view text,
                                       const std::vector<std::string>& pieces) {
  std::vector<std::size_t> offsets;
  offsets.reserve(pieces.size());
  std::size_t pos = 0;
  for (const auto& piece : pieces) {
    if (text.compare(pos, piece.size(), piece) != 0) {
      const std::size_t found = text.find(piece, pos);
      pos = found == std::string_view::npos ? pos : found;
    }
    offsets.push_back(pos);
    pos += piece.size();
  }
  return offsets;
}

std::vector<std::string> cap_parts(std::string_view text, std::vector<std::string> parts,
                                   std::size_t max_parts) {
  if (max_parts == 0) max_parts = 1;
  if (parts.size() <= max_parts) return parts;
  const auto offsets = piece_offsets(text, parts);
  const bool note_alone = max_parts >= 3;
  const std::size_t head = note_alone ? (max_parts - 1) / 2 : max_parts - 1;
  const std::size_t tail = note_alone ? max_parts - 1 - head : 1;
  const std::size_t first_tail = parts.size() - tail;
  // The gap runs from the first piece left out (the break before it ends a
  // kept line) to the first byte shown again, breaks between pieces included.
  const std::size_t gap_begin = head == 0 ? 0 : offsets[head];
  std::vector<std::string> out;
  out.reserve(max_parts);
  for (std::size_t i = 0; i < head; ++i) out.push_back(std::move(parts[i]));
  if (note_alone) {
    out.push_back(omission_note(omitted_between(text, gap_begin, offsets[first_tail])));
  } else {
    // No part to spare: the note leads the last part, which drops at least
    // as many leading code points as the note adds, so it still fits its
    // limit in any unit (the note is ASCII). The counts cannot include
    // the dropped prefix without changing the note's own length, so room
    // is reserved for the longest numbers first.
    std::string& last = parts[first_tail];
    const Omission before = omitted_between(text, gap_begin, offsets[first_tail]);
    const std::string widest =
        omission_note({before.lines + last.size() + 1, before.bytes + last.size()});
    const std::size_t room = widest.size() + 1;  // + newline
    std::size_t cut = 0;
    std::size_t dropped_cps = 0;
    while (cut < last.size() && (dropped_cps < room || !is_grapheme_boundary(last, cut))) {
      const Decoded d = decode_utf8(bytes(last) + cut, bytes(last) + last.size());
      cut += d.len;
      ++dropped_cps;
    }
    std::string note = omission_note(omitted_between(text, gap_begin, offsets[first_tail] + cut));
    if (cut < last.size()) {
      note += '\n';
      note.append(last, cut, std::string::npos);
    }
    out.push_back(std::move(note));
  }
  for (std::size_t i = first_tail + (note_alone ? 0 : 1); i < parts.size(); ++i) {
    out.push_back(std::move(parts[i]));
  }
  return out;
}

}  // namespace notify::message
