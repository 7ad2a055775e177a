#pragma once
// Independent checks for the message tests: nothing here calls the code
// under test, so a bug there cannot hide itself.

#include <cstddef>
#include <string>
#include <string_view>

namespace notify::message::testing {

/// Strict UTF-8 validity (no overlongs, surrogates or > U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (b < 0x80) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      const unsigned l = k == 1 ? lo : 0x80;
      const unsigned h = k == 1 ? hi : 0xBF;
      if (c < l || c > h) return false;
    }
    i += len;
  }
  return true;
}

/// Decodes valid UTF-8 at i; advances i.
inline char32_t next_cp(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

inline std::size_t count_units(std::string_view s, bool utf16) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) n += (next_cp(s, i) >= 0x10000 && utf16) ? 2 : 1;
  return n;
}

}  // namespace notify::message::testing
