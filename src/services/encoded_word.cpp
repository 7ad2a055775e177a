#include "services/encoded_word.hpp"

#include <cstddef>

namespace notify::services {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = unsigned(static_cast<unsigned char>(in[i])) << 16 |
                       unsigned(static_cast<unsigned char>(in[i + 1])) << 8 |
                       unsigned(static_cast<unsigned char>(in[i + 2]));
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    const bool two = i + 1 < in.size();
    const unsigned v = unsigned(static_cast<unsigned char>(in[i])) << 16 |
                       (two ? unsigned(static_cast<unsigned char>(in[i + 1])) << 8 : 0u);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += two ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}


std::size_t sequence_length(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

}  // namespace

std::string header_text(std::string_view utf8) {
  if (plain_header_text(utf8)) return std::string(utf8);
  // 75 characters per word (RFC 2047 section 2) leave 63 for base64 after
  // "=?UTF-8?B?" and "?=": 60 of them, 45 bytes of text.
  constexpr std::size_t kBytesPerWord = 45;
  std::string out;
  std::size_t at = 0;
  while (at < utf8.size()) {
    std::size_t end = at;
    // Whole characters only: a word must decode on its own (section 5).
    while (end < utf8.size()) {
      const std::size_t len = sequence_length(static_cast<unsigned char>(utf8[end]));
      if (end + len - at > kBytesPerWord) break;
      end += len;
    }
    if (end == at) end = at + 1;  // cannot happen with valid UTF-8; never loop
    if (end > utf8.size()) end = utf8.size();
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(utf8.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

bool plain_header_text(std::string_view text) {
  for (const char c : text)
    if (c < 0x20 || c > 0x7E) return false;
  return text.find("=?") == std::string_view::npos;
}

}  // namespace notify::services
