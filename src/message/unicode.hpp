#pragma once
// Small Unicode helpers shared by the text-shaping code: UTF-8 decoding and a
// practical grapheme-cluster rule set (no ICU). Not a full UAX #29: it knows
// the rules that matter for not tearing visible characters apart.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace notify::message {

/// One decoded code point and the number of bytes it took.
struct Decoded {
  char32_t cp;
  std::uint32_t len;
};

/// Decodes the code point at p (p < end). Invalid input never fails: it
/// yields U+FFFD for one byte, so callers always make progress.
inline Decoded decode_utf8(const unsigned char* p, const unsigned char* end) {
  const unsigned char b = p[0];
  if (b < 0x80) return {b, 1};
  const std::ptrdiff_t avail = end - p;
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  if (b >= 0xC2 && b <= 0xDF) {
    if (avail >= 2 && cont(p[1])) return {char32_t((b & 0x1F) << 6 | (p[1] & 0x3F)), 2};
  } else if (b >= 0xE0 && b <= 0xEF) {
    if (avail >= 3 && cont(p[1]) && cont(p[2])) {
      const char32_t cp = char32_t((b & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F));
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return {cp, 3};
    }
  } else if (b >= 0xF0 && b <= 0xF4) {
    if (avail >= 4 && cont(p[1]) && cont(p[2]) && cont(p[3])) {
      const char32_t cp = char32_t((b & 0x07) << 18 | (p[1] & 0x3F) << 12 |
                                   (p[2] & 0x3F) << 6 | (p[3] & 0x3F));
      if (cp >= 0x10000 && cp <= 0x10FFFF) return {cp, 4};
    }
  }
  return {0xFFFD, 1};
}

/// Grapheme category of a code point, as far as our rule set cares.
enum class GraphemeClass : std::uint8_t {
  other,
  cr,
  lf,
  control,             ///< other Cc, U+2028/2029: a cluster of its own
  extend,              ///< combining marks, ZWNJ, variation selectors, modifiers, tags
  zwj,                 ///< U+200D: joins with the next character
  regional_indicator,  ///< U+1F1E6..1F1FF: pair up into flags
  hangul_l,
  hangul_v,
  hangul_t,
  hangul_lv,
  hangul_lvt,
};

namespace detail {
GraphemeClass grapheme_class_slow(char32_t cp);
}  // namespace detail

/// Class of cp for the cluster rules.
inline GraphemeClass grapheme_class(char32_t cp) {
  // Nothing below U+0300 but controls is special; keeps ASCII/Latin cheap.
  if (cp < 0x300) {
    if (cp >= 0x20 && cp < 0x7F) return GraphemeClass::other;
    if (cp == '\r') return GraphemeClass::cr;
    if (cp == '\n') return GraphemeClass::lf;
    if (cp <= 0x9F) return GraphemeClass::control;  // C0, DEL, C1
    return GraphemeClass::other;
  }
  return detail::grapheme_class_slow(cp);
}

/// Running state of a forward cluster scan.
struct GraphemeState {
  GraphemeClass prev = GraphemeClass::control;  // start of text: always a boundary
  std::uint32_t ri_run = 0;  // regional indicators directly before
};

/// True when a cluster boundary lies before a character of class `next`
/// given what came before; then advances the state past it.
inline bool grapheme_step(GraphemeState& state, GraphemeClass next) {
  using G = GraphemeClass;
  const G prev = state.prev;
  bool brk = true;
  if (prev == G::cr && next == G::lf) {
    brk = false;
  } else if (prev == G::cr || prev == G::lf || prev == G::control || next == G::cr ||
             next == G::lf || next == G::control) {
    brk = true;
  } else if (next == G::extend || next == G::zwj) {
    brk = false;
  } else if (prev == G::zwj) {
    // Simplification of GB11: a ZWJ glues whatever follows, which is what
    // every emoji ZWJ sequence needs and never splits a real one.
    brk = false;
  } else if (prev == G::regional_indicator && next == G::regional_indicator) {
    brk = state.ri_run % 2 == 0;
  } else if (prev == G::hangul_l) {
    brk = !(next == G::hangul_l || next == G::hangul_v || next == G::hangul_lv ||
            next == G::hangul_lvt);
  } else if (prev == G::hangul_lv || prev == G::hangul_v) {
    brk = !(next == G::hangul_v || next == G::hangul_t);
  } else if (prev == G::hangul_lvt || prev == G::hangul_t) {
    brk = next != G::hangul_t;
  }
  // A run of regional indicators pairs from its start, so only the length of
  // the run directly before matters.
  state.ri_run = next == G::regional_indicator
                     ? (prev == G::regional_indicator ? state.ri_run + 1 : 1)
                     : 0;
  state.prev = next;
  return brk;
}

}  // namespace notify::message
