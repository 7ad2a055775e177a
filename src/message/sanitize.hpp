#pragma once
// Turns untrusted bytes from a pipe into text every service accepts:
// valid UTF-8, no NUL, no terminal control sequences.

#include <cstddef>
#include <string>
#include <string_view>

namespace notify::message {

/// Streaming sanitiser: feed() arbitrary chunks (a UTF-8 sequence or an
/// escape sequence may straddle two chunks), then finish(). Output is valid
/// UTF-8: invalid bytes and NUL become U+FFFD, ANSI/VT escape sequences are
/// removed, a carriage-return progress redraw keeps only the final text of
/// the line, CRLF becomes LF, tabs and newlines are kept, other C0 controls
/// are dropped.
///
/// Details (all linear time, O(1) state apart from the held line):
/// - Invalid UTF-8 gives one U+FFFD per maximal subpart (the Unicode
///   "best practice": a truncated but otherwise valid prefix is one U+FFFD,
///   every other bad byte its own), overlongs, surrogates and > U+10FFFF
///   included; a sequence cut off by finish() is one U+FFFD.
/// - Removed: CSI (ESC [ or U+009B, then parameters, then a final byte),
///   OSC/DCS/SOS/PM/APC strings (ESC ] P X ^ _ or U+009D/90/98/9E/9F, up to
///   BEL or ESC \), nF sequences such as ESC ( B, two-byte ESC x. Other C1
///   controls (U+0080..U+009F) are dropped. A malformed CSI ends at the first
///   byte that cannot belong to it, which is then kept; an unterminated
///   string ends at a newline, so a stray ESC ] cannot eat the whole log.
/// - CR: text after the last CR of a line replaces the line once that text
///   starts; a CR followed only by escapes, CRs or the newline (or the end)
///   keeps the line, since losing it is worse than a stale progress value.
///   The unfinished line is held back until its newline; a line longer than
///   64 KiB is passed on early, and a later CR then only drops what followed.
/// - feed() appends complete lines to `out`; finish() appends the rest and
///   resets the sanitiser for reuse.
class Sanitizer {
 public:
  void feed(std::string_view chunk, std::string& out);
  void finish(std::string& out);

 private:
  enum class Mode : unsigned char { text, esc, esc_intermediate, csi, string, string_esc };

  bool begin_sequence(unsigned char lead);
  void emit_sequence(std::string& out, std::size_t line_start);
  void emit_replacement(std::string& out, std::size_t line_start);
  void resolve_cr(std::string& out, std::size_t line_start) {
    if (cr_pending_) {
      out.resize(line_start);
      cr_pending_ = false;
    }
  }

  std::string line_;                // sanitised text of the unfinished line
  unsigned char seq_[4] = {};       // an unfinished UTF-8 sequence
  unsigned char seq_len_ = 0;
  unsigned char seq_need_ = 0;      // its full length; 0 when none
  unsigned char next_lo_ = 0x80;    // allowed range of its next byte
  unsigned char next_hi_ = 0xBF;
  Mode mode_ = Mode::text;
  bool cr_pending_ = false;
};

/// One-shot convenience over Sanitizer.
std::string sanitize(std::string_view raw);

/// Drops trailing newlines, spaces and tabs: `printf 'x\n'` and `echo x`
/// mean "x", the final newline is not content.
void trim_end(std::string& s);

/// True when s is entirely whitespace (or empty): ASCII space, tab, LF, CR,
/// VT, FF and the Unicode White_Space characters (NBSP, U+2000..200A, ...).
/// Zero-width characters and U+FFFD are not whitespace.
bool is_blank(std::string_view s);

}  // namespace notify::message
