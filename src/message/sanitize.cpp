#include "message/sanitize.hpp"

#include <cstdint>
#include <cstring>


#include "message/ascii.hpp"
#include "message/unicode.hpp"

namespace notify::message {

namespace {

// Longest unfinished line held back for CR handling; past it, memory wins.
constexpr std::size_t kMaxHeldLine = 64 * 1024;
constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Length of the valid, complete, non-C1 UTF-8 sequence at q, or 0.
inline std::size_t plain_sequence(const unsigned char* q, const unsigned char* end) {
  const unsigned char b = q[0];
  const std::ptrdiff_t avail = end - q;
  if (b < 0xC2) return 0;
  if (b < 0xE0) return avail >= 2 && (q[1] & 0xC0) == 0x80 && !(b == 0xC2 && q[1] < 0xA0) ? 2 : 0;
  if (b < 0xF0) {
    if (avail < 3) return 0;
    const unsigned char lo = b == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b == 0xED ? 0x9F : 0xBF;
    return q[1] >= lo && q[1] <= hi && (q[2] & 0xC0) == 0x80 ? 3 : 0;
  }
  if (b <= 0xF4) {
    if (avail < 4) return 0;
    const unsigned char lo = b == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b == 0xF4 ? 0x8F : 0xBF;
    return q[1] >= lo && q[1] <= hi && (q[2] & 0xC0) == 0x80 && (q[3] & 0xC0) == 0x80 ? 4 : 0;
  }
  return 0;
}

// End of the run from p of text that is kept byte for byte: printable ASCII
// (and newlines when `newline_plain`) and valid UTF-8 other than C1
// controls.
inline const unsigned char* plain_run(const unsigned char* q, const unsigned char* end,
                                      bool newline_plain) {
  for (;;) {
    q = plain_ascii_end(q, end, newline_plain);
    if (q == end) return q;
    if (const std::size_t len = plain_sequence(q, end)) {
      q += len;
    } else {
      return q;
    }
  }
}

}  // namespace

bool Sanitizer::begin_sequence(unsigned char lead) {
  // Ranges of the second byte from Unicode table 3-7: they exclude
  // overlongs (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
  unsigned char need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return false;
  }
  seq_[0] = lead;
  seq_len_ = 1;
  seq_need_ = need;
  next_lo_ = lo;
  next_hi_ = hi;
  return true;
}

void Sanitizer::emit_sequence(std::string& out, std::size_t line_start) {
  seq_need_ = 0;
  if (seq_len_ == 2 && seq_[0] == 0xC2 && seq_[1] <= 0x9F) {
    // C1 control. The 8-bit introducers start the same sequences as their
    // 7-bit ESC forms; the rest are invisible and dropped.
    switch (seq_[1]) {
      case 0x9B:
        mode_ = Mode::csi;
        break;
      case 0x90:
      case 0x98:
      case 0x9D:
      case 0x9E:
      case 0x9F:
        mode_ = Mode::string;
        break;
      default:
        break;
    }
    return;
  }
  resolve_cr(out, line_start);
  out.append(reinterpret_cast<const char*>(seq_), seq_len_);
}

void Sanitizer::emit_replacement(std::string& out, std::size_t line_start) {
  resolve_cr(out, line_start);
  out.append(kReplacement, 3);
}

void Sanitizer::feed(std::string_view chunk, std::string& out) {
  // Text goes to line_ until this chunk completes a line, then straight to
  // `out`; a CR redraw is a resize of whichever holds the line. Each byte is
  // copied at most twice however small the chunks.
  std::string* dst = &line_;
  std::size_t line_start = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const auto* const end = p + chunk.size();
  while (p < end) {
    if (seq_need_ != 0) {
      const unsigned char b = *p;
      if (b < next_lo_ || b > next_hi_) {
        // Maximal subpart ends here: one U+FFFD, then b is looked at afresh.
        seq_need_ = 0;
        emit_replacement(*dst, line_start);
        continue;
      }
      seq_[seq_len_++] = b;
      next_lo_ = 0x80;
      next_hi_ = 0xBF;
      ++p;
      if (seq_len_ == seq_need_) emit_sequence(*dst, line_start);
      continue;
    }
    switch (mode_) {
      case Mode::text: {
        // Text that passes unchanged is nearly all of a log: find the run,
        // copy it once. Once the held line is out, whole lines go in one
        // run (a newline only has to move the line's start).
        const bool newline_plain = dst == &out;
        const unsigned char* const q = plain_run(p, end, newline_plain);
        if (q != p) {
          // "\r\n" keeps the line: only text after a CR replaces it.
          if (*p == '\n') cr_pending_ = false;
          resolve_cr(*dst, line_start);
          dst->append(reinterpret_cast<const char*>(p), std::size_t(q - p));
          if (newline_plain)
            if (const void* nl = ::memrchr(p, '\n', std::size_t(q - p))) {
              cr_pending_ = false;
              line_start = dst->size() - std::size_t(q - static_cast<const unsigned char*>(nl) - 1);
            }
          p = q;
          if (p == end) break;
        }
        const unsigned char b = *p++;
        if (b == '\n') {
          cr_pending_ = false;
          if (dst == &line_) {
            out.append(line_);
            line_.clear();
            dst = &out;
          }
          out.push_back('\n');
          line_start = out.size();
        } else if (b == '\r') {
          cr_pending_ = true;
        } else if (b == '\t') {
          resolve_cr(*dst, line_start);
          dst->push_back('\t');
        } else if (b == 0x1B) {
          // A whole CSI (colours, mostly) inside this chunk is skipped right
          // here; anything else goes through the modes below.
          const unsigned char* csi_end = p;
          if (csi_end < end && *csi_end == '[') {
            ++csi_end;
            while (csi_end < end && *csi_end >= 0x20 && *csi_end <= 0x3F) ++csi_end;
          }
          if (csi_end > p && csi_end < end) {
            if (*csi_end >= 0x40 && *csi_end <= 0x7E) ++csi_end;  // else the byte is kept
            p = csi_end;
          } else {
            mode_ = Mode::esc;
          }
        } else if (b == 0) {
          emit_replacement(*dst, line_start);
        } else if (b >= 0x80) {
          if (!begin_sequence(b)) {
            emit_replacement(*dst, line_start);
          } else {
            // Whole sequence inside this chunk: validate in place.
            const std::size_t rest = std::size_t(seq_need_ - 1);
            if (std::size_t(end - p) >= rest && p[0] >= next_lo_ && p[0] <= next_hi_) {
              bool ok = true;
              for (std::size_t i = 1; i < rest; ++i) ok = ok && (p[i] & 0xC0) == 0x80;
              if (ok) {
                for (std::size_t i = 0; i < rest; ++i) seq_[1 + i] = p[i];
                seq_len_ = seq_need_;
                p += rest;
                emit_sequence(*dst, line_start);
              }
            }
          }
        }
        // Other C0 controls and DEL: dropped.
        break;
      }
      case Mode::esc: {
        const unsigned char b = *p;
        if (b == '[') {
          mode_ = Mode::csi;
          ++p;
        } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
          mode_ = Mode::string;
          ++p;
        } else if (b >= 0x20 && b <= 0x2F) {
          mode_ = Mode::esc_intermediate;
          ++p;
        } else if (b >= 0x30 && b <= 0x7E) {
          mode_ = Mode::text;
          ++p;
        } else if (b == 0x1B) {
          ++p;
        } else {
          mode_ = Mode::text;  // not an escape after all; keep b
        }
        break;
      }
      case Mode::esc_intermediate: {
        const unsigned char b = *p;
        if (b >= 0x20 && b <= 0x2F) {
          ++p;
        } else {
          if (b >= 0x30 && b <= 0x7E) ++p;
          mode_ = Mode::text;
        }
        break;
      }
      case Mode::csi: {
        while (p < end && *p >= 0x20 && *p <= 0x3F) ++p;
        if (p < end) {
          if (*p >= 0x40 && *p <= 0x7E) ++p;
          mode_ = Mode::text;
        }
        break;
      }
      case Mode::string: {
        while (p < end && *p != 0x07 && *p != 0x1B && *p != '\n') ++p;
        if (p < end) {
          if (*p == 0x07) {
            ++p;
            mode_ = Mode::text;
          } else if (*p == 0x1B) {
            ++p;
            mode_ = Mode::string_esc;
          } else {
            mode_ = Mode::text;  // keep the newline
          }
        }
        break;
      }
      case Mode::string_esc: {
        if (*p == '\\') {
          ++p;
          mode_ = Mode::text;
        } else {
          mode_ = Mode::esc;  // ESC cancels the string and starts anew
        }
        break;
      }
    }
  }
  if (dst == &out) {
    if (out.size() - line_start <= kMaxHeldLine) {
      line_.assign(out, line_start, std::string::npos);
      out.resize(line_start);
    }
  } else if (line_.size() > kMaxHeldLine) {
    out.append(line_);
    line_.clear();
  }
}

void Sanitizer::finish(std::string& out) {
  const std::size_t line_start = out.size();
  out.append(line_);
  line_.clear();
  if (seq_need_ != 0) {
    seq_need_ = 0;
    emit_replacement(out, line_start);
  }
  seq_len_ = 0;
  cr_pending_ = false;
  mode_ = Mode::text;
}

std::string sanitize(std::string_view raw) {
  Sanitizer s;
  std::string out;
  out.reserve(raw.size());
  s.feed(raw, out);
  s.finish(out);
  return out;
}

void trim_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
}

bool is_blank(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  while (p < end) {
    const Decoded d = decode_utf8(p, end);
    const char32_t c = d.cp;
    const bool space = c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 ||
                       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
                       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    if (!space) return false;
    p += d.len;
  }
  return true;
}

}  // namespace notify::message
