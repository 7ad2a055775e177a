#pragma once
// Reading a message of any size with bounded memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "message/sanitize.hpp"

namespace notify::message {

/// Collects sanitised text up to a budget in code points. Past it, keeps
/// the first half and the last half (at line boundaries where possible) and
/// records what was left out; memory stays O(budget) whatever is fed.
///
/// A kept half is cut at a line boundary when one lies in its outer half
/// (so a cut never throws away more than half of what a half could hold),
/// else at a grapheme-cluster boundary (a flag or an emoji ZWJ sequence is
/// never torn). Counts are of sanitised bytes.
class BoundedText {
 public:
  explicit BoundedText(std::size_t budget_code_points);
  /// Feed raw bytes from the input (sanitised inside).
  void feed(std::string_view raw);
  /// Final text, to be called once. When anything was dropped, the note
  /// "[... N lines (M bytes) omitted ...]" (message/omission.hpp) stands
  /// right where the gap was: on the head's last line when the head ends
  /// inside a line, and followed by a newline exactly when the gap ended
  /// with one, so the note itself says where lines were cut and
  /// message::cap_parts() can fold it into its own count. N counts every
  /// line that lost a character. The result is at most budget code points
  /// plus the note and its newline.
  std::string finish();
  /// Sanitised bytes seen so far (all of them after finish()).
  std::uint64_t total_bytes() const { return total_bytes_; }
  /// Sanitised bytes left out; final after finish().
  std::uint64_t omitted_bytes() const { return omitted_bytes_; }
  /// Lines (whole or partial) left out; final after finish().
  std::uint64_t omitted_lines() const { return omitted_lines_; }
  /// Raw input bytes fed so far.
  std::uint64_t raw_bytes() const { return raw_bytes_; }

 private:
  void take(std::string_view clean);
  void trim_window();  // drops what is before the tail window
  void drop(std::string_view gone);

  std::size_t head_cap_;  // code points
  std::size_t tail_cap_;  // code points
  // The tail's code points lie in its last 4 * tail_cap_ + 4 bytes (room for
  // tail_cap_ + 1 whole ones after a cut inside a sequence), so bytes
  // before those are dropped uncounted; the exact cut is made once, at
  // finish(). Only the head and that cut count code points.
  std::size_t tail_window_;  // bytes
  std::size_t head_cps_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t omitted_bytes_ = 0;
  std::uint64_t omitted_lines_ = 0;  // newlines dropped until finish()
  std::uint64_t raw_bytes_ = 0;
  char last_dropped_ = '\n';
  Sanitizer sanitizer_;
  std::string scratch_;  // sanitised output of one slice
  std::string head_;
  // The first bytes after the head and the last bytes dropped before the
  // tail: what the cluster rules need to see across each cut.
  std::string after_head_;
  std::string before_tail_;
  // The live tail window is tail_[tail_off_, end): dropping from its front
  // moves an offset, and the dead prefix is erased only once it is as big
  // as the window itself, so each byte is moved O(1) times.
  std::string tail_;
  std::size_t tail_off_ = 0;
};

}  // namespace notify::message
