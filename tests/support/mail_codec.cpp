#include "support/mail_codec.hpp"
#include "support/strings.hpp"

#include <cctype>
#include <cstdint>

namespace notify::test {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}


// "Q" encoding (RFC 2047 4.2): like quoted-printable, and '_' stands for a space.
std::string q_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// One encoded word starting at value[pos] ("=?"); on success sets end past "?=".
std::optional<std::string> decode_word(std::string_view value, std::size_t pos, std::size_t& end) {
  const auto q1 = value.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= value.size() || value[q1 + 2] != '?')
    return std::nullopt;
  const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
  const auto close = value.find("?=", q1 + 3);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view payload = value.substr(q1 + 3, close - (q1 + 3));
  if (payload.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  std::optional<std::string> out;
  if (enc == 'B') out = base64_decode(payload);
  else if (enc == 'Q') out = q_decode(payload);
  if (out) end = close + 2;
  return out;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0, padding = 0, symbols = 0;
  for (const char c : text) {
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0 || padding > 0) return std::nullopt;
    ++symbols;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 != 0 || padding > 2) return std::nullopt;
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string quoted_printable_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\n') {
      i += 1;
    } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string rfc2047_decode(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  std::string pending_space;  // whitespace after an encoded word, kept unless another follows
  while (i < value.size()) {
    if (value.compare(i, 2, "=?") == 0) {
      std::size_t end = 0;
      if (auto word = decode_word(value, i, end)) {
        if (!last_was_word) out += pending_space;
        pending_space.clear();
        out += *word;
        i = end;
        last_was_word = true;
        continue;
      }
    }
    if (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n') {
      pending_space += value[i] == '\r' || value[i] == '\n' ? std::string{} : std::string(1, value[i]);
      ++i;
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += value[i++];
    last_was_word = false;
  }
  out += pending_space;
  return out;
}

}  // namespace notify::test
