#include "message/input.hpp"

#include "message/omission.hpp"
#include "message/split.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace notify::message {

namespace {

// Raw input is sanitised in slices of this size so the scratch buffer stays
// small whatever chunk the caller hands over.
constexpr std::size_t kSlice = 64 * 1024;
// Dead bytes in front of the tail window before they are erased: the
// window (some 80 KB) then moves once per MiB read, not once per slice.
constexpr std::size_t kDeadTail = 1 << 20;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Newlines in s, 8 bytes at a time: nearly every dropped byte passes here,
// and a plain std::count is not vectorised at -O2.
std::uint64_t count_newlines(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  std::uint64_t n = 0;
  const char* p = s.data();
  const char* const end = p + s.size();
#if defined(__SSE2__)
  // 16 bytes a step: each match adds one to its byte lane, and the lanes
  // are summed before any can pass 255.
  const __m128i newline = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    __m128i acc = _mm_setzero_si128();
    for (int i = 0; i < 255 && end - p >= 16; ++i, p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, newline));
    }
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    n += std::uint64_t(_mm_cvtsi128_si64(sums)) +
         std::uint64_t(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  while (end - p >= 8) {
    // Per-byte 0/1 flags summed in place; 255 words cannot overflow a byte.
    std::uint64_t acc = 0;
    for (int i = 0; i < 255 && end - p >= 8; ++i, p += 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      const std::uint64_t x = w ^ (kOnes * '\n');  // zero bytes where '\n' was
      // High bit set exactly in the bytes of x that are non-zero (no carries).
      const std::uint64_t nonzero = ((x & kLow7) + kLow7) | x;
      acc += (~nonzero & ~kLow7) >> 7;
    }
    // Bytes to 16-bit lanes first: their total (up to 8 * 255) needs them.
    const std::uint64_t pairs = (acc & 0x00FF00FF00FF00FFull) + ((acc >> 8) & 0x00FF00FF00FF00FFull);
    n += (pairs * 0x0001000100010001ull) >> 48;
  }
  for (; p < end; ++p) n += *p == '\n';
  return n;
}

// Code points in valid UTF-8: the bytes that are not continuation bytes
// (10xxxxxx), 8 at a time. Summed by multiplication, not popcount: without
// -mpopcnt that is a libgcc call per word.
std::size_t count_code_points(std::string_view s) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::size_t continuation = 0;
  const char* p = s.data();
  const char* const end = p + s.size();
  for (; end - p >= 8; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    // Bit 7 set and bit 6 clear: bit 6 shifted up to bit 7 and masked out;
    // then one flag per byte, added up in the top byte.
    const std::uint64_t flags = (w & ~(w << 1) & kHigh) >> 7;
    continuation += std::size_t((flags * 0x0101010101010101ull) >> 56);
  }
  for (; p < end; ++p) continuation += is_continuation(*p);
  return s.size() - continuation;
}

// Code points starting in the 8 bytes at p.
inline std::size_t leads_in_word(const unsigned char* p) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  const std::uint64_t continuation = (w & ~(w << 1) & kHigh) >> 7;
  return 8 - std::size_t((continuation * 0x0101010101010101ull) >> 56);
}

// Byte offset of the n-th code point from `from` (or the end).
std::size_t skip_code_points(std::string_view s, std::size_t from, std::size_t n) {
  const auto* const base = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = base + from;
  const auto* const end = base + s.size();
  // Whole words whose code points are all before the n-th one.
  for (std::size_t leads; end - p >= 8 && (leads = leads_in_word(p)) < n; p += 8) n -= leads;
  for (; p < end; ++p) {
    if ((*p & 0xC0) != 0x80) {
      if (n == 0) break;
      --n;
    }
  }
  return std::size_t(p - base);
}

// Byte offset where the last n code points of s begin.
std::size_t last_code_points(std::string_view s, std::size_t n) {
  const std::size_t all = count_code_points(s);
  return all <= n ? 0 : skip_code_points(s, 0, all - n);
}

// Bytes of context kept on each side of a cut: the longest emoji ZWJ
// sequence with skin tones is 41 bytes.
constexpr std::size_t kContext = 64;

void keep_last(std::string& ctx, std::string_view more) {
  if (more.size() >= kContext) {
    ctx.assign(more.substr(more.size() - kContext));
    return;
  }
  ctx.append(more);
  if (ctx.size() > kContext) ctx.erase(0, ctx.size() - kContext);
}

}  // namespace

BoundedText::BoundedText(std::size_t budget)
    : head_cap_(budget / 2), tail_cap_(budget - budget / 2), tail_window_(4 * tail_cap_ + 4) {
  head_.reserve(std::min<std::size_t>(head_cap_, 1 << 20));
}

void BoundedText::drop(std::string_view gone) {
  if (gone.empty()) return;
  omitted_bytes_ += gone.size();
  omitted_lines_ += count_newlines(gone);
  last_dropped_ = gone.back();
  keep_last(before_tail_, gone);
}

void BoundedText::take(std::string_view clean) {
  total_bytes_ += clean.size();
  if (head_cps_ < head_cap_) {
    const std::size_t n = skip_code_points(clean, 0, head_cap_ - head_cps_);
    head_cps_ += count_code_points(clean.substr(0, n));
    head_.append(clean.substr(0, n));
    clean.remove_prefix(n);
  }
  if (clean.empty()) return;
  if (after_head_.size() < kContext)
    after_head_.append(clean.substr(0, std::min(kContext - after_head_.size(), clean.size())));
  if (clean.size() >= tail_window_) {
    drop(std::string_view(tail_).substr(tail_off_));
    const std::size_t keep_from = clean.size() - tail_window_;
    drop(clean.substr(0, keep_from));
    tail_.assign(clean.substr(keep_from));
    tail_off_ = 0;
    return;
  }
  tail_.append(clean);
  trim_window();
}

void BoundedText::trim_window() {
  if (tail_.size() - tail_off_ > tail_window_) {
    const std::size_t end = tail_.size() - tail_window_;
    drop(std::string_view(tail_).substr(tail_off_, end - tail_off_));
    tail_off_ = end;
  }
  if (tail_off_ >= std::max(tail_.size() - tail_off_, kDeadTail)) {
    tail_.erase(0, tail_off_);
    tail_off_ = 0;
  }
}

void BoundedText::feed(std::string_view raw) {
  raw_bytes_ += raw.size();
  while (!raw.empty()) {
    const std::size_t n = std::min(raw.size(), kSlice);
    if (head_cps_ < head_cap_ || after_head_.size() < kContext) {
      scratch_.clear();
      sanitizer_.feed(raw.substr(0, n), scratch_);
      take(scratch_);
    } else {
      // Past the head everything lands in the tail window: sanitised
      // straight into it, one copy less for nearly every byte.
      const std::size_t before = tail_.size();
      sanitizer_.feed(raw.substr(0, n), tail_);
      total_bytes_ += tail_.size() - before;
      trim_window();
    }
    raw.remove_prefix(n);
  }
}

std::string BoundedText::finish() {
  scratch_.clear();
  sanitizer_.finish(scratch_);
  take(scratch_);
  // The one exact cut: the window's last tail_cap_ code points stay.
  {
    const std::string_view window = std::string_view(tail_).substr(tail_off_);
    const std::size_t keep_from = last_code_points(window, tail_cap_);
    drop(window.substr(0, keep_from));
    tail_off_ += keep_from;
  }
  std::string_view tail = std::string_view(tail_).substr(tail_off_);
  if (omitted_bytes_ == 0) {
    std::string all;
    all.reserve(head_.size() + tail.size());
    all.append(head_);
    all.append(tail);
    return all;
  }

  // Head: back to a line start when that keeps half of it, else back to a
  // cluster boundary, judged with the characters that followed the head.
  std::size_t head_end = head_.size();
  const std::size_t nl = head_.rfind('\n');
  if (nl != std::string::npos && nl + 1 >= head_.size() / 2) {
    head_end = nl + 1;
  } else {
    const std::string seen = head_ + after_head_;
    while (head_end > 0 && !is_grapheme_boundary(seen, head_end)) {
      do --head_end;
      while (head_end > 0 && is_continuation(head_[head_end]));
    }
  }
  // What the head gives up comes before everything already dropped.
  const std::string_view head_gone = std::string_view(head_).substr(head_end);
  const char last_before_head_drop = last_dropped_;
  const std::string context_before_tail = before_tail_;
  drop(head_gone);
  last_dropped_ = last_before_head_drop;
  before_tail_ = context_before_tail;

  // Tail: forward to a cluster boundary (seen with what was dropped before
  // it), then to a line start if one is in its first half and it does not
  // already start a line.
  std::size_t tail_start = 0;
  if (last_dropped_ != '\n') {
    const std::string seen = before_tail_ + std::string(tail.substr(0, 4 * kContext));
    while (tail_start < tail.size() && !is_grapheme_boundary(seen, before_tail_.size() + tail_start))
      tail_start = skip_code_points(tail, tail_start, 1);
    const std::size_t first_nl = tail.find('\n', tail_start);
    if (first_nl != std::string_view::npos && first_nl + 1 <= tail.size() / 2) {
      tail_start = first_nl + 1;
    }
  }
  drop(tail.substr(0, tail_start));
  tail.remove_prefix(tail_start);
  // A newline after the note means "the gap ended a line" (see finish()'s
  // contract): a tail that would start with the newline of a line the gap
  // cut into gives it up too.
  if (last_dropped_ != '\n' && !tail.empty() && tail.front() == '\n') {
    drop(tail.substr(0, 1));
    tail.remove_prefix(1);
  }
  // A dropped region that ends mid-line took part of one more line.
  const bool gap_ended_line = last_dropped_ == '\n';
  if (!gap_ended_line) ++omitted_lines_;

  std::string out;
  out.reserve(head_end + tail.size() + 64);
  out.append(head_, 0, head_end);
  out += omission_note(Omission{omitted_lines_, omitted_bytes_});
  if (!tail.empty()) {
    if (gap_ended_line) out.push_back('\n');
    out.append(tail);
  }
  return out;
}

}  // namespace notify::message
