#pragma once
// Finding the end of a run of plain ASCII fast: nearly every byte of a log
// is one, and sanitising, splitting and reading all scan for the first
// byte that is not. 16 bytes a step where the machine has SSE2, 8 where
// not.

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace notify::message {

/// True when one of the 8 bytes in w is not printable ASCII (< 0x20 or
/// >= 0x7F), a newline excepted when `newline_plain`.
inline bool has_special(std::uint64_t w, bool newline_plain) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const std::uint64_t del_or_high = ((w + kOnes) | w) & kHighs;
  std::uint64_t special = below_space | del_or_high;
  if (newline_plain && special) {
    // Exact per byte: high bit set where a byte is '\n'.
    const std::uint64_t x = w ^ (kOnes * '\n');
    const std::uint64_t newline = ~(((x & kLow7) + kLow7) | x) & kHighs;
    special &= ~newline;
  }
  return special != 0;
}

inline bool is_plain_ascii(unsigned char b, bool newline_plain) {
  return static_cast<unsigned char>(b - 0x20) < 0x5F || (newline_plain && b == '\n');
}

/// End of the run from q of printable ASCII (and newlines when
/// `newline_plain`).
inline const unsigned char* plain_ascii_end(const unsigned char* q, const unsigned char* end,
                                            bool newline_plain) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i newline = _mm_set1_epi8('\n');
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    // Signed compare: bytes >= 0x80 are negative, so below the space too.
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del));
    if (newline_plain) bad = _mm_andnot_si128(_mm_cmpeq_epi8(v, newline), bad);
    if (const int mask = _mm_movemask_epi8(bad))
      return q + __builtin_ctz(static_cast<unsigned>(mask));
    q += 16;
  }
#endif
  while (end - q >= 8) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    if (has_special(w, newline_plain)) break;
    q += 8;
  }
  while (q < end && is_plain_ascii(*q, newline_plain)) ++q;
  return q;
}

}  // namespace notify::message
