#include "message/one_line.hpp"

namespace notify::message {

std::string one_line(const std::string& text, std::size_t max) {
  std::string out;
  std::size_t cps = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (cps == max) {
        out += "\u2026";
        return out;
      }
      ++cps;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : text[i];
  }
  return out;
}

}  // namespace notify::message
