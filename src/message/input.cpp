#include "message/input.hpp"

#include <algorithm>
#include <cstring>

namespace notify::message {

namespace {

// Raw input is sanitised in slices of this size so the scratch buffer stays
// small whatever chunk the caller hands over.
constexpr std::size_t kSlice = 64 * 1024;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t sequence_length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

// Newlines in s, 8 bytes at a time: nearly every dropped byte passes here,
// and a plain std::count is not vectorised at -O2.
std::uint64_t count_newlines(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  std::uint64_t n = 0;
  const char* p = s.data();
  const char* const end = p + s.size();
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

}  // namespace

BoundedText::BoundedText(std::size_t budget_bytes)
    : head_cap_(budget_bytes / 2), tail_cap_(budget_bytes - budget_bytes / 2) {
  head_.reserve(head_cap_);
}

void BoundedText::drop(std::string_view gone) {
  if (gone.empty()) return;
  omitted_bytes_ += gone.size();
  omitted_lines_ += count_newlines(gone);
  last_dropped_ = gone.back();
}

void BoundedText::take(std::string_view clean) {
  total_bytes_ += clean.size();
  if (head_.size() < head_cap_) {
    const std::size_t n = std::min(head_cap_ - head_.size(), clean.size());
    head_.append(clean.substr(0, n));
    clean.remove_prefix(n);
  }
  if (clean.empty()) return;
  if (clean.size() >= tail_cap_) {
    drop(std::string_view(tail_).substr(tail_off_));
    drop(clean.substr(0, clean.size() - tail_cap_));
    tail_.assign(clean.substr(clean.size() - tail_cap_));
    tail_off_ = 0;
    return;
  }
  tail_.append(clean);
  const std::size_t live = tail_.size() - tail_off_;
  if (live > tail_cap_) {
    const std::size_t excess = live - tail_cap_;
    drop(std::string_view(tail_).substr(tail_off_, excess));
    tail_off_ += excess;
  }
  if (tail_off_ >= std::max(tail_cap_, kSlice)) {
    tail_.erase(0, tail_off_);
    tail_off_ = 0;
  }
}

void BoundedText::feed(std::string_view raw) {
  raw_bytes_ += raw.size();
  while (!raw.empty()) {
    const std::size_t n = std::min(raw.size(), kSlice);
    scratch_.clear();
    sanitizer_.feed(raw.substr(0, n), scratch_);
    take(scratch_);
    raw.remove_prefix(n);
  }
}

std::string BoundedText::finish() {
  scratch_.clear();
  sanitizer_.finish(scratch_);
  take(scratch_);
  std::string_view tail = std::string_view(tail_).substr(tail_off_);
  if (omitted_bytes_ == 0) {
    std::string all;
    all.reserve(head_.size() + tail.size());
    all.append(head_);
    all.append(tail);
    return all;
  }

  // Head: back to a line start when that keeps half of it, else back to the
  // start of a UTF-8 sequence the head only partly holds.
  std::size_t head_end = head_.size();
  const std::size_t nl = head_.rfind('\n');
  if (nl != std::string::npos && nl + 1 >= head_.size() / 2) {
    head_end = nl + 1;
  } else if (head_end > 0) {
    std::size_t lead = head_end - 1;
    while (lead > 0 && is_continuation(head_[lead])) --lead;
    if (lead + sequence_length(head_[lead]) > head_end) head_end = lead;
  }
  // What the head gives up comes before everything already dropped.
  const std::string_view head_gone = std::string_view(head_).substr(head_end);
  const char last_before_head_drop = last_dropped_;
  drop(head_gone);
  last_dropped_ = last_before_head_drop;

  // Tail: forward past a split sequence, then to a line start if one is in
  // its first half and it does not already start a line.
  std::size_t tail_start = 0;
  while (tail_start < tail.size() && is_continuation(tail[tail_start])) ++tail_start;
  if (!(tail_start == 0 && last_dropped_ == '\n')) {
    const std::size_t first_nl = tail.find('\n', tail_start);
    if (first_nl != std::string_view::npos && first_nl + 1 <= tail.size() / 2) {
      tail_start = first_nl + 1;
    }
  }
  drop(tail.substr(0, tail_start));
  tail.remove_prefix(tail_start);
  // A dropped region that ends mid-line took part of one more line.
  if (last_dropped_ != '\n') ++omitted_lines_;

  std::string out;
  out.reserve(head_end + tail.size() + 64);
  out.append(head_, 0, head_end);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  out += "[... ";
  out += std::to_string(omitted_lines_);
  out += " lines (";
  out += std::to_string(omitted_bytes_);
  out += " bytes) omitted ...]";
  if (!tail.empty()) {
    out.push_back('\n');
    out.append(tail);
  }
  return out;
}

}  // namespace notify::message
